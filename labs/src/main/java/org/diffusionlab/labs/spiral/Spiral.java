package org.diffusionlab.labs.spiral;

import java.util.random.RandomGenerator;
import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 1 — a toy dataset you can see: a noisy two-turn spiral in the plane.
 */
public final class Spiral {

    private Spiral() {}

    /**
     * <b>TODO 1.1</b> (Time: ~30 min) — the spiral dataset.
     *
     * <p>For each point i = 0..n−1:
     * <pre>
     *   θ_i ~ U[0, 4π)                 (two turns)
     *   r_i = θ_i / (4π)               (the radius grows linearly with the angle, from 0 to 1)
     *   p_i = (r_i cos θ_i, r_i sin θ_i) + jitter · N(0, I₂)
     * </pre>
     * then standardize each axis j: p_ij ← (p_ij − mean_j) / (std_j + 1e-7), where std_j is the
     * population standard deviation (divide by n, like NumPy's {@code std}).
     *
     * <p>Hint: {@code rng.nextDouble(0, 4 * Math.PI)} draws θ and {@code rng.nextGaussian()} draws
     * the jitter; take every random number from {@code rng} so the same seed gives the same
     * spiral. Build the points first, then compute each column's mean and std in a second pass.
     *
     * <p>Graded statistically: your points are compared with the reference spiral by the sliced
     * Wasserstein distance, against the distance between two real samples of the same size.
     *
     * @param n number of points, ≥ 2
     * @param jitter standard deviation of the Gaussian jitter, before standardization, ≥ 0
     * @param rng the only source of randomness
     * @return an {@code n × 2} matrix, one point per row, each column with mean 0 and std 1
     */
    public static SimpleMatrix makeSpiral(int n, double jitter, RandomGenerator rng) {
        throw new UnsupportedOperationException("TODO 1.1: makeSpiral: draw θ ~ U[0, 4π), r = θ/4π, add jitter, standardize each column");
    }
}
