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
            "TODO 7.1: your answer here (at least 30 words)";

    /**
     * <b>TODO 7.2</b> (Time: ~10 min) — the smoothing factor. What happens to the loss curve if you cut
     * the smoothing from 0.999 to 0.5? Why? Does it change the training itself?
     */
    public static final String SMOOTHING =
            "TODO 7.2: your answer here (at least 30 words)";

    /**
     * <b>TODO 7.3</b> (Time: ~10 min) — forward vs reverse snapshots. Compare the forward figure
     * (x_t at t = 1, T/4, T/2, T) with the reverse one. What does each teach you about diffusion?
     */
    public static final String SNAPSHOTS =
            "TODO 7.3: your answer here (at least 30 words)";

    /**
     * <b>TODO 7.4</b> (Time: ~45 min) — experiments report. Describe at least two experiments you ran
     * (schedule, network size, learning rate, steps, …): what you changed, what you measured or saw,
     * what you learned. End with one concrete lesson about diffusion models.
     */
    public static final String EXPERIMENTS_REPORT =
            "TODO 7.4: your report here: Experiment A, Experiment B, lesson (at least 60 words)";
}
