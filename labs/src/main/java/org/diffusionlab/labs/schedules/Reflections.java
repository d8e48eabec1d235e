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
            "TODO 5.1: your answer here (at least 30 words)";

    /**
     * <b>TODO 5.2</b> (Time: ~10 min) — clipping x̂0. Why do image models clip x̂0 to [−1, 1]? Why is
     * clipping off by default for the toy 2-D data of this course, and what would clipping to [−1, 1]
     * do to a standardized spiral?
     */
    public static final String CLIPPING =
            "TODO 5.2: your answer here (at least 30 words)";
}
