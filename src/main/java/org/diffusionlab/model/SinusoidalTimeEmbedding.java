package org.diffusionlab.model;

import org.diffusionlab.data.Sizes;
import org.ejml.simple.SimpleMatrix;

/**
 * The sinusoidal time embedding of DDPM (borrowed from the Transformer's positions): k = 2h
 * features of the 1-based step t,
 * <pre>
 *   e(t) = [sin(ω_0·t), …, sin(ω_{h−1}·t), cos(ω_0·t), …, cos(ω_{h−1}·t)],
 *   ω_j = 1 / 10000^{j/h},  j = 0..h−1,
 * </pre>
 * so the frequencies fall geometrically from ω_0 = 1 radian per step (period 2π ≈ 6.3 steps) to
 * ω_{h−1} = 10000^{−(h−1)/h} ≈ 1/10000 (period ≈ 63 000 steps).
 *
 * <p><b>Applied to t itself, not to t/T.</b> As in DDPM (which embeds the integer step), so
 * neighbouring steps differ by up to one radian in the fastest features: the network can tell
 * t from t + 1 without learning a steep function of one number, which is what t/T asks of it
 * (there, neighbouring steps differ by 1/T). The slow features are almost linear in t over
 * 1..T and carry the coarse position. A consequence: the same t means the same features whatever
 * T is, so a model is tied to the T it was trained with (as it is anyway, through its schedule).
 */
public final class SinusoidalTimeEmbedding implements TimeEmbedding {

    /** The base of the frequency ladder, as in the Transformer and DDPM. */
    public static final double MAX_PERIOD = 10000.0;

    private final double[] frequencies;

    /**
     * @param dimension k = 2h, even and ≥ 2 (32 in the toy tutorial)
     */
    public SinusoidalTimeEmbedding(int dimension) {
        if (dimension < 2 || dimension % 2 != 0) {
            throw new IllegalArgumentException("dimension = " + dimension + " is invalid: must be even and >= 2 (sin and cos per frequency)");
        }
        // k/2 frequencies of 8 bytes: 4 bytes per unit of k (encode then needs k per step).
        Sizes.requireFits("dimension", dimension, 1, 4, "the k/2 frequencies");
        int h = dimension / 2;
        frequencies = new double[h];
        for (int j = 0; j < h; j++) frequencies[j] = Math.pow(MAX_PERIOD, -(double) j / h);
    }

    @Override
    public int dimension() {
        return 2 * frequencies.length;
    }

    /** ω_0..ω_{h−1} (a copy), ω_j = 10000^{−j/h} in radians per step. */
    public double[] frequencies() {
        return frequencies.clone();
    }

    /**
     * Row i is e(t[i]) (class comment): sines in columns 0..h−1, cosines in columns h..2h−1.
     *
     * @param t n steps, each in 1..T
     * @return {@code n × 2h}
     */
    @Override
    public SimpleMatrix encode(int[] t, int T) {
        TimeEmbedding.checkSteps(t, T);
        int h = frequencies.length;
        SimpleMatrix e = new SimpleMatrix(t.length, 2 * h);
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < h; j++) {
                double angle = frequencies[j] * t[i];
                e.set(i, j, Math.sin(angle));
                e.set(i, h + j, Math.cos(angle));
            }
        }
        return e;
    }

    @Override
    public String toString() {
        return "sinusoidal k=" + dimension();
    }
}
