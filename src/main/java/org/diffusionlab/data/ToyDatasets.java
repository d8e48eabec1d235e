package org.diffusionlab.data;

import java.util.random.RandomGenerator;
import org.ejml.simple.SimpleMatrix;

/**
 * More 2-D toy datasets beside the spiral: two Gaussians, moons, circles, swiss roll and
 * checkerboard.
 *
 * <p>Every public generator returns exactly {@code n × 2} points (one per row), takes all of its
 * randomness from the caller's {@link RandomGenerator} (the same seed gives the same points), and
 * is standardized like the spiral by {@link Datasets#standardize}: each column becomes
 * (x − mean) / (std + 1e-7) with the population std, so every axis has mean 0 and std 1 whatever
 * the raw geometry. The raw geometry (documented per method) is produced by the package-private
 * {@code raw…} method of the same name, which the public method standardizes.
 *
 * <p><b>Two-part datasets</b> (two Gaussians, moons, circles): row i belongs to part i mod 2, so
 * part 0 has ⌈n/2⌉ points, part 1 has ⌊n/2⌋, and every prefix of the rows is balanced (taking the
 * first m rows of a data set gives a fair sample of both parts).
 *
 * <p><b>Draw order</b> is point by point (row 0 first); each method lists the draws of one point.
 */
public final class ToyDatasets {

    /** Half the distance between the two Gaussian centres on each axis: centres (±2, ±2). */
    static final double GAUSSIAN_OFFSET = 2.0;

    private ToyDatasets() {}

    /**
     * Two isotropic Gaussian blobs (the minimal PyTorch notebook's data): part 0 is
     * N((−2, −2), std²·I), part 1 is N((2, 2), std²·I), alternating by row.
     * Draws per point: the x then the y standard normal.
     *
     * @param n number of points, ≥ 2
     * @param std standard deviation of each blob before standardization, finite and ≥ 0
     * @param rng the caller's random source
     * @return {@code n × 2}, per-axis mean 0 and std 1
     */
    public static SimpleMatrix twoGaussians(int n, double std, RandomGenerator rng) {
        return Datasets.standardize(rawTwoGaussians(n, std, rng));
    }

    static SimpleMatrix rawTwoGaussians(int n, double std, RandomGenerator rng) {
        checkN(n);
        checkNonNegative("std", std);
        SimpleMatrix points = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            double centre = i % 2 == 0 ? -GAUSSIAN_OFFSET : GAUSSIAN_OFFSET;
            points.set(i, 0, centre + std * rng.nextGaussian());
            points.set(i, 1, centre + std * rng.nextGaussian());
        }
        return points;
    }

    /**
     * Two interleaving half circles (scikit-learn's {@code make_moons} geometry, with random
     * instead of evenly spaced angles). With θ ~ U[0, π):
     * part 0 (upper moon) = (cos θ, sin θ), part 1 (lower moon) = (1 − cos θ, 1/2 − sin θ);
     * then noise·N(0, I₂) is added.
     * Draws per point: θ, then the x and y standard normals.
     *
     * @param n number of points, ≥ 2
     * @param noise standard deviation of the Gaussian noise before standardization, finite and ≥ 0
     * @param rng the caller's random source
     * @return {@code n × 2}, per-axis mean 0 and std 1
     */
    public static SimpleMatrix moons(int n, double noise, RandomGenerator rng) {
        return Datasets.standardize(rawMoons(n, noise, rng));
    }

    static SimpleMatrix rawMoons(int n, double noise, RandomGenerator rng) {
        checkN(n);
        checkNonNegative("noise", noise);
        SimpleMatrix points = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            double theta = rng.nextDouble(0, Math.PI);
            boolean upper = i % 2 == 0;
            double x = upper ? Math.cos(theta) : 1 - Math.cos(theta);
            double y = upper ? Math.sin(theta) : 0.5 - Math.sin(theta);
            points.set(i, 0, x + noise * rng.nextGaussian());
            points.set(i, 1, y + noise * rng.nextGaussian());
        }
        return points;
    }

    /**
     * Two concentric circles (scikit-learn's {@code make_circles} geometry, random angles). With
     * θ ~ U[0, 2π): part 0 (outer) = (cos θ, sin θ), part 1 (inner) = factor·(cos θ, sin θ); then
     * noise·N(0, I₂) is added.
     * Draws per point: θ, then the x and y standard normals.
     *
     * @param n number of points, ≥ 2
     * @param factor radius of the inner circle relative to the outer one, in (0, 1)
     * @param noise standard deviation of the Gaussian noise before standardization, finite and ≥ 0
     * @param rng the caller's random source
     * @return {@code n × 2}, per-axis mean 0 and std 1
     */
    public static SimpleMatrix circles(int n, double factor, double noise, RandomGenerator rng) {
        return Datasets.standardize(rawCircles(n, factor, noise, rng));
    }

    static SimpleMatrix rawCircles(int n, double factor, double noise, RandomGenerator rng) {
        checkN(n);
        if (!(factor > 0 && factor < 1)) {
            throw new IllegalArgumentException("factor = " + factor + " is invalid: the inner radius must lie in (0, 1)");
        }
        checkNonNegative("noise", noise);
        SimpleMatrix points = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            double theta = rng.nextDouble(0, 2 * Math.PI);
            double r = i % 2 == 0 ? 1.0 : factor;
            points.set(i, 0, r * Math.cos(theta) + noise * rng.nextGaussian());
            points.set(i, 1, r * Math.sin(theta) + noise * rng.nextGaussian());
        }
        return points;
    }

    /**
     * The swiss roll projected on its two curled axes (scikit-learn's {@code make_swiss_roll},
     * columns x and z). With u ~ U[0, 1) and s = 1.5π·(1 + 2u) ∈ [1.5π, 4.5π):
     * (x, y) = (s cos s, s sin s) + noise·N(0, I₂), a spiral of 1.5 turns whose radius is s.
     * Draws per point: u, then the x and y standard normals.
     *
     * @param n number of points, ≥ 2
     * @param noise standard deviation of the Gaussian noise before standardization (the raw roll
     *     spans about ±14 and its arms are 2π apart), finite and ≥ 0
     * @param rng the caller's random source
     * @return {@code n × 2}, per-axis mean 0 and std 1
     */
    public static SimpleMatrix swissRoll(int n, double noise, RandomGenerator rng) {
        return Datasets.standardize(rawSwissRoll(n, noise, rng));
    }

    static SimpleMatrix rawSwissRoll(int n, double noise, RandomGenerator rng) {
        checkN(n);
        checkNonNegative("noise", noise);
        SimpleMatrix points = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            double s = 1.5 * Math.PI * (1 + 2 * rng.nextDouble());
            points.set(i, 0, s * Math.cos(s) + noise * rng.nextGaussian());
            points.set(i, 1, s * Math.sin(s) + noise * rng.nextGaussian());
        }
        return points;
    }

    /**
     * A 4 × 4 checkerboard on [−2, 2)²: points uniform on the 8 cells whose column i and row j
     * (0-based, i.e. the cell [−2 + i, −1 + i) × [−2 + j, −1 + j)) have i + j even. No noise, so
     * the raw points satisfy ⌊x + 2⌋ + ⌊y + 2⌋ even exactly.
     * Draws per point: the cell k ~ U{0..7} (row j = k / 2, column i = 2·(k mod 2) + (j mod 2)),
     * then the offsets u, v ~ U[0, 1) inside it.
     *
     * @param n number of points, ≥ 2
     * @param rng the caller's random source
     * @return {@code n × 2}, per-axis mean 0 and std 1
     */
    public static SimpleMatrix checkerboard(int n, RandomGenerator rng) {
        return Datasets.standardize(rawCheckerboard(n, rng));
    }

    static SimpleMatrix rawCheckerboard(int n, RandomGenerator rng) {
        checkN(n);
        SimpleMatrix points = new SimpleMatrix(n, 2);
        for (int p = 0; p < n; p++) {
            int k = rng.nextInt(8);
            int j = k / 2;
            int i = 2 * (k % 2) + (j % 2);
            points.set(p, 0, -2 + i + rng.nextDouble());
            points.set(p, 1, -2 + j + rng.nextDouble());
        }
        return points;
    }

    private static void checkN(int n) {
        if (n < 2) {
            throw new IllegalArgumentException("n = " + n + " is invalid: need at least 2 points");
        }
        // the raw and the standardized n × 2 points: 32 bytes per point
        Sizes.requireFits("n", n, 2, 32, "the n × 2 points");
    }

    private static void checkNonNegative(String name, double value) {
        // Beyond MAX_JITTER the shape is lost in the noise; near 1e150 standardizing overflows to all zeros.
        if (!(value >= 0 && value <= Datasets.MAX_JITTER)) {
            throw new IllegalArgumentException(name + " = " + value + " is invalid: must lie in [0, " + Datasets.MAX_JITTER
                    + "] (the noise's standard deviation; see Datasets.MAX_JITTER)");
        }
    }
}
