package org.diffusionlab.labs.schedules;

/**
 * Exercise 5 — reflections. Write in your own words in the text blocks below (at least 30 words each).
 * They are graded by a person: the graders only check that each answer is there and copy it into
 * the report. Run the walkthrough first; its printed numbers make good evidence.
 */
public final class Reflections {

    private Reflections() {}

    /**
     * <b>TODO 5.1</b> (Time: ~10 min) — the cap. Why is β_t capped at 0.999 in the cosine schedule?
     * What is ᾱ_T then (T = 100), and what does it do to x̂0 in the first reverse step, at t = T?
     */
    public static final String BETA_CAP =
            // BEGIN SOLUTION "TODO 5.1: your answer here (at least 30 words)";
            """
            f(T) = cos^2(pi/2) is zero, so without the cap beta_T = 1 - 0/f(T-1) = 1: alpha_T = 0, the
            last step would erase x completely and 1/sqrt(alpha_bar_T) would be infinite. The cap keeps
            beta_T = 0.999, so alpha_bar_T = 0.001 * alpha_bar_{T-1}, about 2.4e-7 for T = 100. That is
            finite but tiny: in the first reverse step x0_hat = (x_T - sqrt(1 - alpha_bar_T) eps_hat) /
            sqrt(alpha_bar_T) multiplies every error of eps_hat by about 2000. The posterior mean gives
            x0_hat only a small weight at t = T, but a huge x0_hat still throws samples far out, which is
            why clipping (or a schedule that stops short of zero) matters for the cosine schedule.
            """;
            // END SOLUTION

    /**
     * <b>TODO 5.2</b> (Time: ~10 min) — clipping x̂0. Why do image models clip x̂0 to [−1, 1]? Why is
     * clipping off by default for the toy 2-D data of this course, and what would clipping to [−1, 1]
     * do to a standardized spiral?
     */
    public static final String CLIPPING =
            // BEGIN SOLUTION "TODO 5.2: your answer here (at least 30 words)";
            """
            Images are scaled to [-1, 1], so any x0_hat outside that box is certainly wrong; clamping it
            removes the amplified noise of early steps (large t, small alpha_bar_t) at no cost, and keeps
            the chain from drifting outside the data range. Clipping is only right when the box is known.
            Standardized toy data has unit variance per axis, so much of it lies beyond +-1: in the
            default spiral (1500 points, seed 42) 807 points have a coordinate outside [-1, 1] and the
            outer arm reaches about 2.5. Clipping to [-1, 1] would then pull every late x0_hat,
            where the mean is mostly x0_hat, into the square and squash the outer arm onto its edges: the
            samples would be biased even with a perfect model. So it is off by default here.
            """;
            // END SOLUTION
}
