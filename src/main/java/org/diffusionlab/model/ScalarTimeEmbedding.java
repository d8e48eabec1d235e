package org.diffusionlab.model;

import org.ejml.simple.SimpleMatrix;

/**
 * The minimal lab's time input: one feature, e(t) = t/T ∈ (0, 1] for the 1-based step t. With it,
 * [x_t, e(t)] is exactly {@link Mlp#timeInput}.
 */
public final class ScalarTimeEmbedding implements TimeEmbedding {

    /** The only instance (the embedding has no parameters). */
    public static final ScalarTimeEmbedding INSTANCE = new ScalarTimeEmbedding();

    private ScalarTimeEmbedding() {}

    @Override
    public int dimension() {
        return 1;
    }

    /**
     * Row i is [t[i]/T].
     *
     * @param t n steps, each in 1..T
     * @return {@code n × 1}
     */
    @Override
    public SimpleMatrix encode(int[] t, int T) {
        TimeEmbedding.checkSteps(t, T);
        SimpleMatrix e = new SimpleMatrix(t.length, 1);
        for (int i = 0; i < t.length; i++) e.set(i, 0, (double) t[i] / T);
        return e;
    }

    @Override
    public String toString() {
        return "scalar t/T";
    }
}
