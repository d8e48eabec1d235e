package org.diffusionlab.labs.training;

import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 1 — the sinusoidal time embedding: how the network is told which step t it is denoising.
 *
 * <p>The spiral lab fed the network one number, t/T. DDPM instead embeds the integer step with the
 * Transformer's position code: k = 2h features, sines of h frequencies then cosines of the same h.
 * Time is 1-based (t = 1..T) and the embedding is applied to t itself, not to t/T.
 */
public final class TimeEmbedding {

    private TimeEmbedding() {}

    /**
     * <b>TODO 1.1</b> (Time: ~20 min) — the embedding of each step.
     *
     * <p>With h = k/2 and the frequencies ω_j = 10000^(−j/h), j = 0..h−1 (ω_0 = 1 radian per step, then
     * falling geometrically), row i of the result is
     * <pre>
     *   e(t_i) = [sin(ω_0·t_i), …, sin(ω_{h−1}·t_i), cos(ω_0·t_i), …, cos(ω_{h−1}·t_i)]
     * </pre>
     * sines in columns 0..h−1, cosines in columns h..2h−1 (not interleaved).
     *
     * <p>Hint: compute the exponent as a double ({@code -(double) j / h}); integer division makes every
     * ω_j but the first equal to 1. Use t as given, 1-based: do not divide by T.
     *
     * @param t n steps, each ≥ 1 (index i = row i)
     * @param k the embedding dimension, even and ≥ 2
     * @return {@code n × k}
     */
    public static SimpleMatrix sinusoidal(int[] t, int k) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 1.1: sinusoidal: sines then cosines of t at h = k/2 frequencies 10000^(-j/h)");
        if (k < 2 || k % 2 != 0) {
            throw new IllegalArgumentException("k = " + k + " is invalid: must be even and >= 2");
        }
        int h = k / 2;
        SimpleMatrix e = new SimpleMatrix(t.length, k);
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < h; j++) {
                double angle = Math.pow(10000.0, -(double) j / h) * t[i];
                e.set(i, j, Math.sin(angle));
                e.set(i, h + j, Math.cos(angle));
            }
        }
        return e;
        // END SOLUTION
    }
}
