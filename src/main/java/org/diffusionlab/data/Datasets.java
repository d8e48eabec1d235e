package org.diffusionlab.data;

import java.util.random.RandomGenerator;
import org.ejml.simple.SimpleMatrix;

/**
 * Toy 2-D datasets. Every generator returns an {@code n × 2} matrix (one point per row) and takes
 * all of its randomness from the caller's {@link RandomGenerator}, so the same seed gives the same
 * points.
 */
public final class Datasets {

    /**
     * The largest jitter {@link #makeSpiral} accepts. The spiral has radius ≤ 1, so at σ = 1e6 its
     * share of the data's variance is below 1e-12: every figure and metric sees Gaussian noise. Far
     * beyond, near σ ≈ 1e150, the sum of squared deviations overflows to ∞ and standardizing turns
     * every point into 0 (a real-vs-real floor of 0 and a ratio of ∞).
     */
    public static final double MAX_JITTER = 1e6;

    private Datasets() {}

    /**
     * The spiral of the minimal lab.
     *
     * <p>For each point i: θ_i ~ U[0, 4π], r_i = θ_i / 4π, (x, y) = (r cos θ, r sin θ) + jitter·N(0, I₂).
     * Each axis is then standardized: x ← (x − mean(x)) / (std(x) + 1e-7), with the population std.
     * Draw order: all n angles, then n x-jitters, then n y-jitters.
     *
     * @param n number of points, ≥ 2 (one point has no spread to standardize)
     * @param jitter standard deviation of the Gaussian jitter before standardization, in [0, {@value #MAX_JITTER}]
     * @param rng the caller's random source
     * @return an {@code n × 2} matrix with per-axis mean 0 and std 1
     */
    public static SimpleMatrix makeSpiral(int n, double jitter, RandomGenerator rng) {
        if (n < 2) {
            throw new IllegalArgumentException("n = " + n + " is invalid: need at least 2 points");
        }
        if (!(jitter >= 0 && jitter <= MAX_JITTER)) {
            throw new IllegalArgumentException("jitter = " + jitter + " is invalid: must lie in [0, " + MAX_JITTER
                    + "] (beyond it the spiral is lost in the noise, and near 1e150 the variance overflows)");
        }
        // θ, the points and their standardized copy: 8 + 16 + 16 bytes per point.
        Sizes.requireFits("n", n, 2, 40, "the n × 2 spiral points");
        double[] theta = new double[n];
        for (int i = 0; i < n; i++) {
            theta[i] = rng.nextDouble(0, 4 * Math.PI);
        }
        SimpleMatrix points = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            double r = theta[i] / (4 * Math.PI);
            points.set(i, 0, r * Math.cos(theta[i]));
            points.set(i, 1, r * Math.sin(theta[i]));
        }
        for (int axis = 0; axis < 2; axis++) {
            for (int i = 0; i < n; i++) {
                points.set(i, axis, points.get(i, axis) + jitter * rng.nextGaussian());
            }
        }
        return standardize(points);
    }

    /**
     * Per-axis standardization: column j becomes (x_j − mean_j) / (std_j + 1e-7), with the
     * population standard deviation (divide by n). The 1e-7 keeps a constant column finite.
     *
     * @param points an {@code n × d} matrix; not modified
     * @return a new {@code n × d} matrix
     */
    public static SimpleMatrix standardize(SimpleMatrix points) {
        int n = points.getNumRows();
        SimpleMatrix out = new SimpleMatrix(n, points.getNumCols());
        for (int j = 0; j < points.getNumCols(); j++) {
            double mean = 0;
            for (int i = 0; i < n; i++) mean += points.get(i, j);
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) {
                double d = points.get(i, j) - mean;
                var += d * d;
            }
            double std = Math.sqrt(var / n) + 1e-7;
            for (int i = 0; i < n; i++) out.set(i, j, (points.get(i, j) - mean) / std);
        }
        return out;
    }
}
