package org.diffusionlab.labs.images;

import java.util.SplittableRandom;

/**
 * Exercise 6 — classifier-free guidance (Ho &amp; Salimans 2022): one network learns both the
 * conditional ε̂(x_t, y) and the unconditional ε̂(x_t, ∅), because training sometimes hides the
 * label; sampling then extrapolates from the unconditional towards the conditional prediction.
 */
public final class Guidance {

    /** The "no label" token ∅ (the core's {@code LabelEmbedding.NO_LABEL}). */
    public static final int NO_LABEL = -1;

    private Guidance() {}

    /**
     * <b>TODO 6.1</b> (Time: ~10 min) — the guided prediction, element-wise, in the convention of
     * diffusers and Imagen (guidance scale w):
     * <pre>
     *   ε̃ = ε̂_∅ + w · (ε̂_y − ε̂_∅)
     * </pre>
     * w = 1 gives the conditional model, w = 0 the unconditional one, w &gt; 1 pushes further along
     * the direction the label adds (the paper's w' is w − 1).
     *
     * @param conditional ε̂(x_t, y)
     * @param unconditional ε̂(x_t, ∅), same length
     */
    public static double[] guided(double[] conditional, double[] unconditional, double w) {
        throw new UnsupportedOperationException("TODO 6.1: guided: uncond + w (cond - uncond)");
    }

    /**
     * <b>TODO 6.2</b> (Time: ~10 min) — label dropout for training: a copy of the labels where each one,
     * in order, is replaced by {@link #NO_LABEL} with probability p:
     * <pre>
     *   y'_i = NO_LABEL   if rng.nextDouble() &lt; p,   else y_i
     * </pre>
     *
     * <p>Hint: exactly one {@code rng.nextDouble()} per label, in index order (the graders replay the
     * same draws); a new array, do not change the input.
     *
     * @param p drop probability in [0, 1] (0.1 in the core's recipe)
     */
    public static int[] dropLabels(int[] labels, double p, SplittableRandom rng) {
        throw new UnsupportedOperationException("TODO 6.2: dropLabels: NO_LABEL where rng.nextDouble() < p");
    }
}
