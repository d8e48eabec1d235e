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
            With T = 100 and beta rising from 1e-4 to 5e-3, the product of the alphas only falls to about
            0.78, so x_T is still roughly 88 % signal (sqrt 0.78) and only 47 % noise. Training never shows
            the network anything close to pure noise, yet sampling starts from N(0, I). The first reverse
            steps therefore run on inputs the model has never seen, and the chain has too few steps with too
            little noise to repair that: the samples come out as a blurred, shrunken or shifted spiral. A
            larger beta_end (e.g. 0.02 to 0.05) or more steps drives alpha_bar_T towards 0 so that the start
            of sampling matches the end of the forward process.
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
            The forward snapshots are computed in closed form from real data: the spiral keeps its shape
            and is only blurred more and more, because each x_t mixes the same x0 with growing noise. The
            reverse snapshots are produced by the model from noise: at large t the cloud has no structure at
            all, and the arms appear only in the last steps, when the noise level is small enough for the
            predicted noise to point towards the nearest arm. Read together they show that the reverse chain
            is not a replay of the forward one: it only has to match its marginals at each t, and almost all
            of the visible work happens near t = 0.
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
            Experiment A (schedule): I kept the network and training fixed and changed beta_end from 5e-3 to
            0.05. alpha_bar_T dropped from about 0.78 to below 0.1, the walkthrough stopped warning that x_T
            is not noise, and the generated points sat on the spiral instead of a squashed copy of it; the
            sliced Wasserstein distance to the data moved closer to the real-vs-real floor.
            Experiment B (training length): with 500 steps the loss curve was still falling and samples were
            a fuzzy cloud with the right size but hardly any arms; at 2000 and more the arms appeared. The
            loss decreased slowly because momentum 0.999 needs hundreds of steps before it moves fast.
            Lesson: the loss value alone says little (it cannot go below the noise that is truly
            unpredictable); sample quality depends as much on the schedule as on the network, so always
            look at the samples and compare the distance with its floor.
            """;
            // END SOLUTION
}
