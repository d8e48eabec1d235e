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
            // BEGIN SOLUTION "TODO 5.1: your answer here (at least 30 words)";
            """
            With T = 100 the capped last step gives alpha_bar_T of about 2.4e-7, so 1/sqrt(alpha_bar_T) is
            about 2000: an error of 0.01 in eps_hat becomes an error of about 20 in x0_hat. DDIM with S = 10
            jumps from 100 to 90 and keeps sqrt(alpha_bar_90) = 0.155 times this x0_hat, so the error reaches
            x_90 multiplied by about 300, with no fresh noise to wash it out, and the deterministic chain
            carries it to the end. A DDPM-like step goes only to 99, where sqrt(alpha_bar_99) = 0.016 (error
            times about 30), and its sigma is almost 1, so fresh noise dominates x_99 and every later step
            re-predicts and adds noise again, which lets the chain forget the error. The walkthrough's
            oracle is exact, so it hides this; a trained network is never exact at t = T.
            """;
            // END SOLUTION

    /**
     * <b>TODO 5.2</b> (Time: ~15 min) — the noise floor and the sample size. Run the metric with
     * n = 250, 1000 and 4000 points (the walkthrough's --n). How does the floor change, and why? What
     * would you conclude from a value of 0.05 without its floor, and why must value and floor use the
     * same n?
     */
    public static final String NOISE_FLOOR =
            // BEGIN SOLUTION "TODO 5.2: your answer here (at least 30 words)";
            """
            The floor is the distance between two independent real samples, so it measures only sampling
            noise; in expectation it shrinks like 1/sqrt(n). In the walkthrough it was 0.055, 0.046 and 0.026
            for n = 250, 1000 and 4000: the trend is there, but one floor is itself a random number. A value
            of 0.05 is excellent if the floor is 0.05 and poor if it is 0.005, so a bare number cannot be
            read. Value and floor must use the same n because both contain the same chance part. Even the
            ratio fluctuates: the DDPM-like sampler scored 1.63, 1.21 and 0.78, and 0.78 does not mean better
            than data. Repeat with a few seeds; a bigger n makes smaller real differences visible, as DDIM's
            stray points between the modes at n = 4000 (ratio 1.46) show.
            """;
            // END SOLUTION
}
