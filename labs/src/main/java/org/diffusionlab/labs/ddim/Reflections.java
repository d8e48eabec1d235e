package org.diffusionlab.labs.ddim;

/**
 * Exercise 5 — reflections. Write in your own words, in the text blocks below (at least 30 words
 * each). They are graded by a person: the graders only check that each answer is there, and copy
 * it into the report. Run the walkthrough first; its numbers make good evidence.
 */
public final class Reflections {

    private Reflections() {}

    /**
     * <b>TODO 5.1</b> (Time: ~15 min) — the cosine schedule's last step. The cosine schedule caps β at
     * 0.999, so ᾱ_T is tiny (print it). Look at x̂0 = (x_T − √(1 − ᾱ_T)·ε̂)/√ᾱ_T at t = T: what happens
     * to a small error in ε̂? Why can deterministic DDIM (η = 0, few steps) suffer more from it than
     * DDPM-like sampling, which adds fresh noise at every step?
     */
    public static final String CAPPED_BETA =
            "TODO 5.1: your answer here (at least 30 words)";

    /**
     * <b>TODO 5.2</b> (Time: ~15 min) — the noise floor and the sample size. Run the metric with
     * n = 250, 1000 and 4000 points (the walkthrough's --n). How does the floor change, and why? What
     * would you conclude from a value of 0.05 without its floor, and why must value and floor use the
     * same n?
     */
    public static final String NOISE_FLOOR =
            "TODO 5.2: your answer here (at least 30 words)";
}
