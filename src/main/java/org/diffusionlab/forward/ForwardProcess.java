package org.diffusionlab.forward;

import java.util.random.RandomGenerator;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.data.Sizes;
import org.ejml.simple.SimpleMatrix;

/**
 * The forward (noising) process q(x_t | x_0) in closed form, DDPM eq. 4:
 * x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε, ε ~ N(0, I). Time t is 1-based (1..T).
 */
public final class ForwardProcess {

    private ForwardProcess() {}

    /** x_t together with the noise ε that produced it (the network's regression target). */
    public record NoisySample(SimpleMatrix xt, SimpleMatrix eps) {}

    /**
     * x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε with one t for every row.
     *
     * @param x0 clean data, {@code n × d}
     * @param t diffusion step in 1..T
     * @param schedule provides ᾱ_t
     * @param eps the noise, {@code n × d}
     * @return x_t, {@code n × d}
     */
    public static SimpleMatrix qSample(SimpleMatrix x0, int t, NoiseSchedule schedule, SimpleMatrix eps) {
        checkSameShape(x0, eps);
        return x0.scale(schedule.sqrtAlphaBar(t)).plus(eps.scale(schedule.sqrtOneMinusAlphaBar(t)));
    }

    /**
     * x_t[i] = √ᾱ_{t[i]} · x_0[i] + √(1 − ᾱ_{t[i]}) · ε[i] with its own t for every row i.
     *
     * @param x0 clean data, {@code n × d}
     * @param t one step per row, each in 1..T, length n
     * @param schedule provides ᾱ
     * @param eps the noise, {@code n × d}
     * @return x_t, {@code n × d}
     */
    public static SimpleMatrix qSample(SimpleMatrix x0, int[] t, NoiseSchedule schedule, SimpleMatrix eps) {
        checkSameShape(x0, eps);
        if (t.length != x0.getNumRows()) {
            throw new IllegalArgumentException("t.length = " + t.length + " is invalid: need one t per row of x0 ("
                    + x0.getNumRows() + ")");
        }
        SimpleMatrix xt = new SimpleMatrix(x0.getNumRows(), x0.getNumCols());
        for (int i = 0; i < t.length; i++) {
            double signal = schedule.sqrtAlphaBar(t[i]);
            double noise = schedule.sqrtOneMinusAlphaBar(t[i]);
            for (int j = 0; j < x0.getNumCols(); j++) {
                xt.set(i, j, signal * x0.get(i, j) + noise * eps.get(i, j));
            }
        }
        return xt;
    }

    /**
     * Draws ε ~ N(0, I) from {@code rng} (row by row) and returns x_t with it, one t for all rows.
     *
     * @param x0 clean data, {@code n × d}
     * @param t diffusion step in 1..T
     */
    public static NoisySample qSample(SimpleMatrix x0, int t, NoiseSchedule schedule, RandomGenerator rng) {
        SimpleMatrix eps = gaussian(x0.getNumRows(), x0.getNumCols(), rng);
        return new NoisySample(qSample(x0, t, schedule, eps), eps);
    }

    /**
     * Draws ε ~ N(0, I) from {@code rng} (row by row) and returns x_t with it, one t per row.
     *
     * @param x0 clean data, {@code n × d}
     * @param t one step per row, each in 1..T
     */
    public static NoisySample qSample(SimpleMatrix x0, int[] t, NoiseSchedule schedule, RandomGenerator rng) {
        SimpleMatrix eps = gaussian(x0.getNumRows(), x0.getNumCols(), rng);
        return new NoisySample(qSample(x0, t, schedule, eps), eps);
    }

    /** An {@code rows × cols} matrix of independent N(0, 1) draws, filled row by row. */
    public static SimpleMatrix gaussian(int rows, int cols, RandomGenerator rng) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("rows = " + rows + ", cols = " + cols + " is invalid: both must be >= 0");
        }
        Sizes.requireFits("rows", rows, cols, 8L * cols, "an rows × " + cols + " matrix of doubles");
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m.set(i, j, rng.nextGaussian());
            }
        }
        return m;
    }

    private static void checkSameShape(SimpleMatrix x0, SimpleMatrix eps) {
        if (x0.getNumRows() != eps.getNumRows() || x0.getNumCols() != eps.getNumCols()) {
            throw new IllegalArgumentException("eps is " + eps.getNumRows() + "x" + eps.getNumCols()
                    + ", invalid: it must have the shape of x0, " + x0.getNumRows() + "x" + x0.getNumCols());
        }
    }
}
