package org.diffusionlab.labs.spiral;

/**
 * Exercise 7 — reflections and the experiments report. Write in your own words, in the text blocks
 * below (at least 30 words each, 60 for the report). They are graded by a person: the graders only
 * check that each answer is there, and copy it into the report for your instructor.
 * Run the walkthrough and try things before you answer; numbers and figures make good evidence.
 */
public final class Reflections {

    private Reflections() {}

    /**
     * <b>TODO 7.1</b> (Time: ~10 min) — the schedule and sample quality. With the notebook's schedule
     * (T = 100, β from 1e-4 to 5e-3), what is ᾱ_T, and what does that mean for x_T? The sampler starts
     * from N(0, I): how does that show in your samples, and what would you change?
     */
    public static final String SCHEDULE_AND_QUALITY =
            // BEGIN SOLUTION "TODO 7.1: your answer here (at least 30 words)";
            """
            With T = 100 and beta rising from 1e-4 to 5e-3, alpha_bar_T is about 0.77, so x_T = 0.88*x0 +
            0.48*eps: still mostly data. During training the network never sees pure noise, yet sampling
            starts from N(0, I). Because the spiral is standardized, N(0, I) has the right scale, so the
            chain still pulls many points onto the outer arm, but the start is wrong: with the default run
            (2000 steps) a blob of points stays in the middle and the sliced distance to the data is about
            3 times the real-vs-real floor. The principled fix is a larger beta_end (or more steps) so that
            alpha_bar_T is below 0.01, but that makes the learning task harder and needs more training.
            """;
            // END SOLUTION

    /**
     * <b>TODO 7.2</b> (Time: ~10 min) — the smoothing factor. What happens to the loss curve if you cut
     * the smoothing from 0.999 to 0.5? Why? Does it change the training itself?
     */
    public static final String SMOOTHING =
            // BEGIN SOLUTION "TODO 7.2: your answer here (at least 30 words)";
            """
            The smoothed curve is an exponential moving average whose memory is about 1/(1 - s) steps: about
            1000 steps for 0.999, two steps for 0.5. With 0.5 the curve follows the raw loss almost step by
            step, so it becomes a noisy band, because every step draws new t and new eps and the loss of a
            batch depends a lot on how many small or large t it got. With 0.999 the trend is visible but it
            lags behind the true loss and starts biased towards the first losses. The smoothing only changes
            the plot: the parameters are updated with the raw gradient either way.
            """;
            // END SOLUTION

    /**
     * <b>TODO 7.3</b> (Time: ~10 min) — forward vs reverse snapshots. Compare the forward figure
     * (x_t at t = 1, T/4, T/2, T) with the reverse one. What does each teach you about diffusion?
     */
    public static final String SNAPSHOTS =
            // BEGIN SOLUTION "TODO 7.3: your answer here (at least 30 words)";
            """
            The forward snapshots are computed in closed form from real data: the spiral keeps its shape and
            is only blurred more and more, because each x_t mixes the same x0 with growing noise. The
            reverse snapshots start from a structureless Gaussian cloud at t = T; a faint ring shows around
            t = T/2, the arms only take shape in the second half of the chain, and the last steps sharpen
            them. Read together they show that the reverse chain is not a replay of the forward one: it only
            has to match the forward marginals at each t, and most of the visible structure is decided at
            small t, where the predicted noise points towards the nearest arm.
            """;
            // END SOLUTION

    /**
     * <b>TODO 7.4</b> (Time: ~45 min) — experiments report. Describe at least two experiments you ran
     * (schedule, network size, learning rate, steps, …): what you changed, what you measured or saw,
     * what you learned. End with one concrete lesson about diffusion models.
     */
    public static final String EXPERIMENTS_REPORT =
            // BEGIN SOLUTION "TODO 7.4: your report here: Experiment A, Experiment B, lesson (at least 60 words)";
            """
            All runs: the walkthrough with seed 42, n = 1500, all of them for training (--train-n 1500),
            hidden 128, lr 2e-3, momentum 0.999; the real-vs-real floor of the sliced Wasserstein distance
            is 0.031.
            Experiment A (training length, default schedule): 500 steps gave a smoothed loss of 1.01 and a
            distance of 0.153: a wide cloud with the spiral barely visible. 2000 steps gave 0.89 and 0.093:
            the outer arm is clean, the centre is still a blob. Momentum 0.999 needs hundreds of steps to
            build up speed, so the first few hundred steps do very little.
            Experiment B (schedule, 2000 steps): beta_end 0.05 instead of 5e-3 brings alpha_bar_T from 0.77
            down to 0.08, so x_T is close to noise, as it should be. The distance got worse, 0.243, and the
            samples were a fuzzy cloud with faint arms. The loss (0.64) is lower but not comparable: it is
            measured on a different mix of noise levels.
            Lesson: a schedule that really ends in noise is the right design, but it asks more of the
            network, so it needs a longer training budget; judge runs by their samples against the floor,
            never by the loss value across different schedules.
            """;
            // END SOLUTION
}
