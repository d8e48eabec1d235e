package org.diffusionlab.labs.training;

/**
 * Exercise 5 — reflections. Write in your own words, in the text blocks below (at least 30 words
 * each). They are graded by a person: the graders only check that an answer is there and copy it into
 * the report. Run the walkthrough first; its heat map and its Adam vs SGD table are good evidence.
 */
public final class Reflections {

    private Reflections() {}

    /**
     * <b>TODO 5.1</b> (Time: ~10 min) — why a sinusoidal embedding instead of t/T? Look at the heat map:
     * what do the fast and the slow columns tell the network, and what would it have to learn from the
     * single number t/T?
     */
    public static final String WHY_SINUSOIDAL =
            "TODO 5.1: your answer here (at least 30 words)";

    /**
     * <b>TODO 5.2</b> (Time: ~10 min) — what does Adam's bias correction fix in the first steps? Work
     * out m and v after step 1 with and without the correction (β1 = 0.9, β2 = 0.999), and say what
     * the first update would be in each case.
     */
    public static final String BIAS_CORRECTION =
            "TODO 5.2: your answer here (at least 30 words)";
}
