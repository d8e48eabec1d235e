package org.diffusionlab.labs.images;

import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.metrics.FrechetDistance;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graded against the core's {@link FrechetDistance} on random, correlated feature sets; distance (7.2)
 * gets the reference's statistics, so it is graded on its own.
 */
@Lab("images")
@DisplayName("Exercise 7: the Fréchet distance and its floor")
class Ex7FrechetTest {

    /** n correlated d-dimensional features: z·A + shift, so the covariance is AᵀA, not diagonal. */
    private static double[][] features(int n, int d, double shift, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] a = new double[d][d];
        for (double[] row : a) for (int j = 0; j < d; j++) row[j] = rng.nextGaussian() * 0.5;
        double[][] f = new double[n][d];
        for (int i = 0; i < n; i++) {
            double[] z = new double[d];
            for (int j = 0; j < d; j++) z[j] = rng.nextGaussian();
            for (int j = 0; j < d; j++) {
                double v = shift;
                for (int k = 0; k < d; k++) v += z[k] * a[k][j];
                f[i][j] = v;
            }
        }
        return f;
    }

    /** The reference statistics: the mean and the unbiased covariance. */
    private static Frechet.Stats stats(double[][] f) {
        int n = f.length, d = f[0].length;
        double[] mean = new double[d];
        for (double[] v : f) for (int j = 0; j < d; j++) mean[j] += v[j] / n;
        SimpleMatrix c = new SimpleMatrix(d, d);
        for (double[] v : f) {
            for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) c.set(i, j, c.get(i, j) + (v[i] - mean[i]) * (v[j] - mean[j]) / (n - 1));
        }
        return new Frechet.Stats(mean, c);
    }

    @Test
    @Graded(exercise = "7.1", points = 1.5)
    @DisplayName("stats: the mean and the unbiased (n − 1) covariance of the rows, d = 1, 3, 8")
    void statistics() {
        long seed = 700;
        for (int d : new int[] {1, 3, 8}) {
            double[][] f = features(40, d, 0.7, seed++);
            Frechet.Stats expected = stats(f);
            Frechet.Stats got = Frechet.stats(new SimpleMatrix(f));
            if (got == null || got.mean() == null || got.covariance() == null) throw new AssertionError("Frechet.stats returned null (or a null part)");
            Reference.assertClose("Frechet.stats: the mean is wrong (d = " + d + "); average every row", "n = 40, d = " + d,
                    expected.mean(), got.mean(), java.util.Map.of());
            SimpleMatrix biased = expected.covariance().scale((f.length - 1.0) / f.length);
            java.util.Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
            mistakes.put("divide by n − 1 (the unbiased covariance, as the reference and np.cov), not n", biased);
            mistakes.put("the covariance is (f − μ)ᵀ(f − μ), d × d: you multiplied the other way round or forgot to centre", null);
            if (got.covariance().getNumRows() == d && got.covariance().getNumCols() == d
                    && Reference.relativeError(got.covariance().getDDRM().data, expected.covariance().getDDRM().data) <= Reference.TOL) {
                continue;
            }
            Feedback.assertMatrix("Frechet.stats: the covariance is wrong (d = " + d + ")", "n = 40, d = " + d, expected.covariance(),
                    got.covariance(), mistakes);
        }
    }

    @Test
    @Graded(exercise = "7.2", points = 2)
    @DisplayName("distance matches the core's FrechetDistance on shifted and correlated sets, d = 1, 4, 10")
    void distance() {
        long seed = 720;
        for (int d : new int[] {1, 4, 10}) {
            double[][] a = features(60, d, 0, seed++), b = features(50, d, 0.4, seed++);
            double expected = FrechetDistance.between(a, b);
            double got = Frechet.distance(stats(a), stats(b), Frechet.SYMMETRIC_SQRT);
            if (Math.abs(got - expected) <= Reference.TOL * (1 + Math.abs(expected))) continue;
            Frechet.Stats sa = stats(a), sb = stats(b);
            double mean = 0;
            for (int j = 0; j < d; j++) mean += (sa.mean()[j] - sb.mean()[j]) * (sa.mean()[j] - sb.mean()[j]);
            String hint;
            if (Math.abs(got - mean) <= 1e-9 * (1 + mean)) hint = "\n  likely mistake: only the mean term; add tr C_a + tr C_b − 2·tr √(√C_a C_b √C_a)";
            else if (Math.abs(got - Math.sqrt(expected)) <= 1e-6 * (1 + expected)) hint = "\n  likely mistake: that is d, the reference returns d² (no final square root)";
            else hint = "\n  check the cross term: 2·tr √(√C_a·C_b·√C_a), the square root of the product, not the product of square roots' traces";
            throw new AssertionError("Frechet.distance is wrong (d = " + d + "): expected " + expected + ", got " + got + hint);
        }
    }

    @Test
    @Graded(exercise = "7.2", points = 1)
    @DisplayName("distance is 0 between a set and itself (never negative), and symmetric")
    void zeroAndSymmetric() {
        double[][] a = features(30, 5, 0.2, 740), b = features(30, 5, -0.3, 741);
        double self = Frechet.distance(stats(a), stats(a), Frechet.SYMMETRIC_SQRT);
        if (!(self >= 0 && self <= 1e-9)) {
            throw new AssertionError("Frechet.distance of a set to itself should be 0 (clamp rounding at 0 with max(0, d²)), got " + self);
        }
        double ab = Frechet.distance(stats(a), stats(b), Frechet.SYMMETRIC_SQRT), ba = Frechet.distance(stats(b), stats(a), Frechet.SYMMETRIC_SQRT);
        double expected = FrechetDistance.between(a, b);
        if (Math.abs(ab - expected) > Reference.TOL * (1 + expected) || Math.abs(ba - expected) > Reference.TOL * (1 + expected)) {
            throw new AssertionError("Frechet.distance should be symmetric and equal to the reference " + expected + ", got " + ab + " (a, b) and " + ba + " (b, a)");
        }
    }
}
