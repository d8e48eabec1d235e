package org.diffusionlab.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ForwardProcessTest {

    /** β = 0.1, 0.2, 0.5 gives α = 0.9, 0.8, 0.5 and ᾱ = 0.9, 0.72, 0.36: √ᾱ_3 = 0.6, √(1 − ᾱ_3) = 0.8. */
    private static final NoiseSchedule THREE_STEPS = NoiseSchedule.fromBetas(new double[] {0.1, 0.2, 0.5});

    private static final SimpleMatrix X0 = new SimpleMatrix(new double[][] {{1, 2}, {-3, 0.5}});
    private static final SimpleMatrix EPS = new SimpleMatrix(new double[][] {{0.5, -1}, {2, 4}});

    @Test
    @DisplayName("qSample at t = 3 of β = (0.1, 0.2, 0.5) is 0.6·x0 + 0.8·ε, worked out by hand")
    void qSampleOneT() {
        // 0.6·[1, 2] + 0.8·[0.5, −1] = [1.0, 0.4];  0.6·[−3, 0.5] + 0.8·[2, 4] = [−0.2, 3.5]
        SimpleMatrix expected = new SimpleMatrix(new double[][] {{1.0, 0.4}, {-0.2, 3.5}});
        assertMatrixEquals(expected, ForwardProcess.qSample(X0, 3, THREE_STEPS, EPS), 1e-12, "qSample(x0, t = 3, eps)");
    }

    @Test
    @DisplayName("qSample with one t per row uses each row's own ᾱ (t = 1 for row 0, t = 3 for row 1)")
    void qSamplePerRowT() {
        // Row 0 at t = 1: √0.9·[1, 2] + √0.1·[0.5, −1]
        //   √0.9 = 0.9486832980505138, √0.1 = 0.31622776601683794
        //   = [0.9486832980505138 + 0.15811388300841897, 1.8973665961010276 − 0.31622776601683794]
        // Row 1 at t = 3: [−0.2, 3.5] as above.
        SimpleMatrix expected = new SimpleMatrix(new double[][] {
                {1.1067971810589328, 1.5811388300841898},
                {-0.2, 3.5}});
        assertMatrixEquals(expected, ForwardProcess.qSample(X0, new int[] {1, 3}, THREE_STEPS, EPS), 1e-12,
                "qSample(x0, t = {1, 3}, eps)");
    }

    @Test
    @DisplayName("per-row qSample with equal t's equals the one-t qSample")
    void perRowAgreesWithOneT() {
        for (int t = 1; t <= 3; t++) {
            assertMatrixEquals(ForwardProcess.qSample(X0, t, THREE_STEPS, EPS),
                    ForwardProcess.qSample(X0, new int[] {t, t}, THREE_STEPS, EPS), 1e-15, "t = " + t);
        }
    }

    @Test
    @DisplayName("the random overload draws ε row by row from the caller's source and returns the ε it used")
    void randomOverloadReturnsItsNoise() {
        ForwardProcess.NoisySample noisy = ForwardProcess.qSample(X0, 2, THREE_STEPS, new SplittableRandom(5));
        SplittableRandom replay = new SplittableRandom(5);
        SimpleMatrix expectedEps = new SimpleMatrix(2, 2);
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 2; j++) expectedEps.set(i, j, replay.nextGaussian());
        }
        assertMatrixEquals(expectedEps, noisy.eps(), 0, "eps drawn row by row");
        assertMatrixEquals(ForwardProcess.qSample(X0, 2, THREE_STEPS, noisy.eps()), noisy.xt(), 0, "xt from the returned eps");

        ForwardProcess.NoisySample perRow = ForwardProcess.qSample(X0, new int[] {1, 3}, THREE_STEPS, new SplittableRandom(5));
        assertMatrixEquals(expectedEps, perRow.eps(), 0, "per-row overload: eps drawn row by row");
        assertMatrixEquals(ForwardProcess.qSample(X0, new int[] {1, 3}, THREE_STEPS, perRow.eps()), perRow.xt(), 0,
                "per-row overload: xt from the returned eps");
    }

    /**
     * For a fixed x0 every coordinate of x_t is √ᾱ·x0 + √(1 − ᾱ)·ε with ε ~ N(0, 1), i.e.
     * N(√ᾱ·x0, 1 − ᾱ). Over N independent draws the sample mean has standard error
     * SE(mean) = √((1 − ᾱ)/N), and the sample variance s² (divisor N − 1) of a normal sample has
     * Var(s²) = 2σ⁴/(N − 1), so SE(var) = (1 − ᾱ)·√(2/(N − 1)). We allow 5 standard errors: a correct
     * implementation fails a single check with probability 6e-7 (and the seed is fixed), while a
     * wrong coefficient (e.g. 1 − ᾱ instead of √(1 − ᾱ) for the noise) is off by hundreds of SEs.
     */
    @ParameterizedTest(name = "t = {0}")
    @ValueSource(ints = {1, 50, 100})
    @DisplayName("for a fixed x0, 200 000 draws of x_t have mean √ᾱ_t·x0 and variance 1 − ᾱ_t within 5 standard errors")
    void statisticsMatchTheClosedForm(int t) {
        int N = 200_000;
        double[] point = {1.5, -2.0};
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(100, 1e-4, 0.02);
        SimpleMatrix x0 = new SimpleMatrix(N, 2);
        for (int i = 0; i < N; i++) {
            x0.set(i, 0, point[0]);
            x0.set(i, 1, point[1]);
        }
        SimpleMatrix xt = ForwardProcess.qSample(x0, t, s, new SplittableRandom(1000 + t)).xt();
        double ab = s.alphaBar(t);
        double seMean = Math.sqrt((1 - ab) / N);
        double seVar = (1 - ab) * Math.sqrt(2.0 / (N - 1));
        for (int j = 0; j < 2; j++) {
            double mean = 0;
            for (int i = 0; i < N; i++) mean += xt.get(i, j);
            mean /= N;
            double ss = 0;
            for (int i = 0; i < N; i++) ss += (xt.get(i, j) - mean) * (xt.get(i, j) - mean);
            double var = ss / (N - 1);
            double expectedMean = Math.sqrt(ab) * point[j];
            int axis = j;
            assertEquals(expectedMean, mean, 5 * seMean, () -> String.format(
                    "mean of axis %d at t = %d (x0 = %s, alphaBar = %.6f, N = %d, 5 SE = %.2e)", axis, t, point[axis], ab, N, 5 * seMean));
            assertEquals(1 - ab, var, 5 * seVar, () -> String.format(
                    "variance of axis %d at t = %d (alphaBar = %.6f, N = %d, 5 SE = %.2e)", axis, t, ab, N, 5 * seVar));
        }
    }

    @Test
    @DisplayName("ε of a different shape, a t array of the wrong length and t outside 1..T are rejected")
    void shapeErrors() {
        SimpleMatrix wrongEps = new SimpleMatrix(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ForwardProcess.qSample(X0, 1, THREE_STEPS, wrongEps));
        assertMessageContains(e, "eps is 2x3");
        assertMessageContains(e, "2x2");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> ForwardProcess.qSample(X0, new int[] {1, 2}, THREE_STEPS, wrongEps)), "eps is 2x3");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> ForwardProcess.qSample(X0, new int[] {1, 2, 3}, THREE_STEPS, EPS)), "t.length = 3");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> ForwardProcess.qSample(X0, 0, THREE_STEPS, EPS)), "t = 0");
        assertMessageContains(assertThrows(IllegalArgumentException.class,
                () -> ForwardProcess.qSample(X0, new int[] {1, 4}, THREE_STEPS, EPS)), "t = 4");
    }

    @Test
    @DisplayName("gaussian(rows, cols, rng) fills row by row and has the requested shape")
    void gaussianShapeAndOrder() {
        SimpleMatrix m = ForwardProcess.gaussian(3, 4, new SplittableRandom(8));
        assertEquals(3, m.getNumRows(), "rows");
        assertEquals(4, m.getNumCols(), "cols");
        SplittableRandom replay = new SplittableRandom(8);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) assertEquals(replay.nextGaussian(), m.get(i, j), "element (" + i + ", " + j + ")");
        }
    }

    private static void assertMatrixEquals(SimpleMatrix expected, SimpleMatrix actual, double tol, String what) {
        assertEquals(expected.getNumRows(), actual.getNumRows(), what + ": rows");
        assertEquals(expected.getNumCols(), actual.getNumCols(), what + ": cols");
        assertTrue(expected.isIdentical(actual, tol), () -> what + ": expected\n" + expected + "got\n" + actual);
    }

    private static void assertMessageContains(IllegalArgumentException e, String expected) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(expected),
                () -> "expected the message to contain \"" + expected + "\", got: " + e.getMessage());
    }
}
