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
            double[] sum = expected.mean().clone();
            for (int j = 0; j < d; j++) sum[j] *= f.length;
            Reference.assertClose("Frechet.stats: the mean is wrong (d = " + d + "); average every row", "n = 40, d = " + d,
                    expected.mean(), got.mean(), java.util.Map.of("that is the sum of the rows: the mean divides it by n", sum));
            SimpleMatrix cov = got.covariance();
            if (cov.getNumRows() != d || cov.getNumCols() != d) {
                throw new AssertionError("Frechet.stats: the covariance should be d × d = " + d + " × " + d + ", got " + Feedback.shape(cov)
                        + "; it is (f − μ)ᵀ(f − μ)/(n − 1): you multiplied the other way round");
            }
            SimpleMatrix biased = expected.covariance().scale((f.length - 1.0) / f.length);
            SimpleMatrix raw = new SimpleMatrix(f).transpose().mult(new SimpleMatrix(f)).divide(f.length - 1);
            java.util.Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
            mistakes.put("divide by n − 1 (the unbiased covariance, as the reference and np.cov), not n", biased);
            mistakes.put("the rows were not centred: C = (f − μ)ᵀ(f − μ)/(n − 1)", raw);
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
            String summary = "Frechet.distance (d = " + d + ")";
            if (Feedback.accept(summary, expected, got)) continue;
            Frechet.Stats sa = stats(a), sb = stats(b);
            double mean = 0;
            for (int j = 0; j < d; j++) mean += (sa.mean()[j] - sb.mean()[j]) * (sa.mean()[j] - sb.mean()[j]);
            double traces = sa.covariance().trace() + sb.covariance().trace();
            double cross = (mean + traces - expected) / 2;
            SimpleMatrix product = sa.covariance().mult(sb.covariance());
            java.util.Map<String, Double> slips = new java.util.LinkedHashMap<>();
            slips.put("only the mean term; add tr C_a + tr C_b − 2·tr √(√C_a C_b √C_a)", mean);
            slips.put("that is d, the reference returns d² (no final square root)", Math.sqrt(expected));
            slips.put("the cross term needs the matrix square root: 2·tr √(√C_a·C_b·√C_a), not 2·tr(C_a·C_b)", mean + traces - 2 * product.trace());
            slips.put("the cross term is subtracted: − 2·tr √(√C_a·C_b·√C_a)", mean + traces + 2 * cross);
            slips.put("the factor 2 of the cross term is missing: − 2·tr √(√C_a·C_b·√C_a)", mean + traces - cross);
            String hint = "check the cross term: 2·tr √(√C_a·C_b·√C_a), the square root of the product";
            for (var e : slips.entrySet()) {
                if (Feedback.close(e.getValue(), got)) {
                    hint = e.getKey();
                    break;
                }
            }
            throw new AssertionError("Frechet.distance is wrong (d = " + d + "): expected " + expected + ", got " + got + "\n  likely mistake: " + hint);
        }
    }

    @Test
    @Graded(exercise = "7.2", points = 1)
    @DisplayName("distance is 0 between a set and itself (never negative), and symmetric")
    void zeroAndSymmetric() {
        double[][] a = features(30, 5, 0.2, 740), b = features(30, 5, -0.3, 741);
        double self = Frechet.distance(stats(a), stats(a), Frechet.SYMMETRIC_SQRT);
        // d² of a set to itself is 0; the tolerance is float's on the traces it cancels
        double scale = stats(a).covariance().trace();
        if (!(self >= 0 && self <= Feedback.FLOAT_TOL * (1 + 2 * scale))) {
            throw new AssertionError("Frechet.distance of a set to itself should be 0 (clamp rounding at 0 with max(0, d²)), got " + self);
        }
        double ab = Frechet.distance(stats(a), stats(b), Frechet.SYMMETRIC_SQRT), ba = Frechet.distance(stats(b), stats(a), Frechet.SYMMETRIC_SQRT);
        double expected = FrechetDistance.between(a, b);
        if (!Feedback.accept("Frechet.distance(a, b)", expected, ab) || !Feedback.accept("Frechet.distance(b, a)", expected, ba)) {
            throw new AssertionError("Frechet.distance should be symmetric and equal to the reference " + expected + ", got " + ab + " (a, b) and " + ba + " (b, a)");
        }
    }
}
