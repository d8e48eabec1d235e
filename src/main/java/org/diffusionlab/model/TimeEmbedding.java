package org.diffusionlab.model;

import org.ejml.simple.SimpleMatrix;

/**
 * How a network sees the diffusion step: a map from the 1-based step t (1..T) to a feature row of
 * k numbers, appended to x_t to form the network input [x_t, e(t)].
 *
 * <p>Two implementations: {@link ScalarTimeEmbedding} (k = 1, e(t) = t/T, the minimal lab's
 * input) and {@link SinusoidalTimeEmbedding} (k sines and cosines of t at fixed frequencies, as
 * in DDPM and the Transformer).
 */
public interface TimeEmbedding {

    /** k, the number of features per step. */
    int dimension();

    /**
     * The embedding of every step: row i is e(t[i]).
     *
     * @param t n steps, each in 1..T
     * @param T number of diffusion steps, ≥ 1
     * @return {@code n × k} with k = {@link #dimension()}
     */
    SimpleMatrix encode(int[] t, int T);

    /**
     * Checks that every t[i] lies in 1..T.
     *
     * @throws IllegalArgumentException naming the first bad index and its value
     */
    static void checkSteps(int[] t, int T) {
        if (T < 1) {
            throw new IllegalArgumentException("T = " + T + " is invalid: need at least 1 diffusion step");
        }
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 1 || t[i] > T) {
                throw new IllegalArgumentException("t[" + i + "] = " + t[i] + " is invalid: must lie in [1, " + T + "]");
            }
        }
    }
}
