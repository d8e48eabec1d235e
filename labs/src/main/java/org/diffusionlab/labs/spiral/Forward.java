package org.diffusionlab.labs.spiral;

import java.util.random.RandomGenerator;
import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 3 — the forward (noising) process in closed form, DDPM eq. 4:
 * <pre>
 *   q(x_t | x_0) = N(√ᾱ_t · x_0, (1 − ᾱ_t) · I),   so   x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε,  ε ~ N(0, I)
 * </pre>
 * The noise ε is passed in, so x_t is a plain deterministic function you can check by hand.
 */
public final class Forward {

    private Forward() {}

    /**
     * <b>TODO 3.1</b> (Time: ~10 min) — x_t for one step t shared by every row.
     *
     * <p>x_t = √ᾱ_t · x_0 + √(1 − ᾱ_t) · ε.
     *
     * <p>Hint: ᾱ_t is {@code schedule.alphaBars()[t - 1]} (t is 1-based). SimpleMatrix has
     * {@code scale(double)} and {@code plus(SimpleMatrix)}.
     *
     * @param x0 clean data, {@code n × d}
     * @param t the step, 1..T
     * @param eps the noise, {@code n × d}
     * @return x_t, {@code n × d}; x0 and eps unchanged
     */
    public static SimpleMatrix qSample(SimpleMatrix x0, int t, Schedule schedule, SimpleMatrix eps) {
        throw new UnsupportedOperationException("TODO 3.1: qSample: x_t = sqrt(alphaBar_t)*x0 + sqrt(1-alphaBar_t)*eps");
    }

    /**
     * <b>TODO 3.2</b> (Time: ~15 min) — x_t with its own step for every row (what training needs:
     * each point gets a different t).
     *
     * <p>Row i: x_t[i] = √ᾱ_{t[i]} · x_0[i] + √(1 − ᾱ_{t[i]}) · ε[i].
     *
     * <p>Hint: NumPy would broadcast {@code alpha_bars[t-1][:, None]}; in Java, loop over the rows
     * (and the d columns) with {@code get}/{@code set}.
     *
     * @param x0 clean data, {@code n × d}
     * @param t one step per row, each in 1..T, length n
     * @param eps the noise, {@code n × d}
     * @return x_t, {@code n × d}; x0, t and eps unchanged
     */
    public static SimpleMatrix qSample(SimpleMatrix x0, int[] t, Schedule schedule, SimpleMatrix eps) {
        throw new UnsupportedOperationException("TODO 3.2: qSample: row i uses its own t[i]: sqrt(alphaBar_t[i])*x0[i] + sqrt(1-alphaBar_t[i])*eps[i]");
    }

    /** An {@code rows × cols} matrix of independent N(0, 1) draws, filled row by row (given). */
    public static SimpleMatrix gaussian(int rows, int cols, RandomGenerator rng) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, rng.nextGaussian());
        }
        return m;
    }
}
