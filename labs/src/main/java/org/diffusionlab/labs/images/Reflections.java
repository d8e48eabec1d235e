package org.diffusionlab.labs.images;

/**
 * Exercise 8 — reflections. Write in your own words in the text blocks below (at least 30 words
 * each, 60 for the report). They are graded by a person: the graders only check that each answer is
 * there and copy it into the report. Run the walkthrough first; its numbers make good evidence.
 */
public final class Reflections {

    private Reflections() {}

    /**
     * <b>TODO 8.1</b> (Time: ~10 min) — the range. Why scale the digits to [−1, 1] and not to [0, 1]?
     * What would go wrong with [0, 1], in the forward process and when clipping x̂0?
     */
    public static final String SCALING =
            "TODO 8.1: your answer here (at least 30 words)";

    /**
     * <b>TODO 8.2</b> (Time: ~10 min) — clipping x̂0. Why does clipping x̂0 to [−1, 1] help most at the
     * first reverse steps? Use the walkthrough's numbers (the largest |x̂0| without clipping).
     */
    public static final String CLIP_X0 =
            "TODO 8.2: your answer here (at least 30 words)";

    /**
     * <b>TODO 8.3</b> (Time: ~10 min) — guidance. What does a guidance weight w &gt; 1 buy, and what does
     * it cost? What do w = 0 and w = 1 give?
     */
    public static final String GUIDANCE =
            "TODO 8.3: your answer here (at least 30 words)";

    /**
     * <b>TODO 8.4</b> (Time: ~10 min) — the Fréchet floor. The walkthrough prints the Fréchet distance of
     * the samples to held-out digits (on the judge's features) beside the distance of training digits to
     * the same held-out digits.
     * What does that floor measure, why is it not 0, and how should a value below the floor be read?
     */
    public static final String FRECHET_FLOOR =
            "TODO 8.4: your answer here (at least 30 words)";

    /**
     * <b>TODO 8.5</b> (Time: ~40 min) — the experiments report. Run the walkthrough with two settings
     * of your choice (e.g. {@code --guidance 0}, {@code 1}, {@code 4}; {@code --clip false}; {@code --T 20}; {@code --steps 150})
     * and report what you changed, what you measured (the printed numbers, the grids) and what you
     * learned, at least 60 words.
     */
    public static final String EXPERIMENTS_REPORT =
            "TODO 8.5: your experiments report here (at least 60 words)";
}
