package org.diffusionlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetsTest {

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {2, 7, 1500})
    @DisplayName("the spiral is n × 2 with per-axis mean 0 and population std 1 (up to the 1e-7 guard)")
    void shapeAndStandardization(int n) {
        SimpleMatrix x = Datasets.makeSpiral(n, 0.02, new SplittableRandom(42));
        assertEquals(n, x.getNumRows(), "rows");
        assertEquals(2, x.getNumCols(), "cols");
        for (int j = 0; j < 2; j++) {
            // The 1e-7 added to the raw std makes the result's std std_raw/(std_raw + 1e-7): 3e-7 below 1
            // for a full spiral (std_raw ≈ 0.4); two points can lie close together (std_raw ≈ 0.02 → 5e-6).
            double tol = n == 2 ? 1e-4 : 1e-6;
            assertEquals(0.0, mean(x, j), 1e-9, "mean of axis " + j + " for n = " + n);
            assertEquals(1.0, std(x, j), tol, "std of axis " + j + " for n = " + n);
        }
    }

    @Test
    @DisplayName("the same seed gives the same points, another seed other points")
    void seedDeterminesPoints() {
        SimpleMatrix a = Datasets.makeSpiral(200, 0.02, new SplittableRandom(1));
        SimpleMatrix b = Datasets.makeSpiral(200, 0.02, new SplittableRandom(1));
        SimpleMatrix c = Datasets.makeSpiral(200, 0.02, new SplittableRandom(2));
        assertTrue(a.isIdentical(b, 0), "same seed, different points");
        assertFalse(a.isIdentical(c, 1e-3), "seeds 1 and 2 gave the same points");
    }

    @Test
    @DisplayName("without jitter, point i is the standardized (r cos θ, r sin θ) with θ_i the i-th draw in [0, 4π) and r = θ/4π")
    void pointsLieOnTheSpiral() {
        int n = 300;
        SimpleMatrix x = Datasets.makeSpiral(n, 0.0, new SplittableRandom(3));
        SplittableRandom replay = new SplittableRandom(3);
        SimpleMatrix raw = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            double theta = replay.nextDouble(0, 4 * Math.PI);
            double r = theta / (4 * Math.PI);
            raw.set(i, 0, r * Math.cos(theta));
            raw.set(i, 1, r * Math.sin(theta));
        }
        // Undo the standardization with the raw set's own mean and std: the points must be back on
        // the curve r = θ/4π, i.e. (x, y) = (r cos 4πr, r sin 4πr) with r = |(x, y)|.
        for (int j = 0; j < 2; j++) {
            double m = mean(raw, j), s = std(raw, j) + 1e-7;
            for (int i = 0; i < n; i++) raw.set(i, j, x.get(i, j) * s + m);
        }
        for (int i = 0; i < n; i++) {
            double px = raw.get(i, 0), py = raw.get(i, 1);
            double r = Math.hypot(px, py);
            int row = i;
            assertTrue(r <= 1 + 1e-9, () -> "point " + row + " has radius " + r + " > 1");
            assertEquals(r * Math.cos(4 * Math.PI * r), px, 1e-9, () -> "x of point " + row + " at radius " + r);
            assertEquals(r * Math.sin(4 * Math.PI * r), py, 1e-9, () -> "y of point " + row + " at radius " + r);
        }
    }

    /**
     * The angles are drawn first, so the same seed with and without jitter gives the same angles;
     * the difference of the two standardized sets is then jitter·N(0, 1)/std_raw per axis (up to a
     * standardization change of order jitter²/std², here 1e-3 relative). The std of a normal sample
     * of size n has standard error σ/√(2n); we allow 5 of them.
     */
    @Test
    @DisplayName("jitter adds Gaussian noise of standard deviation `jitter` per axis before standardization")
    void jitterIsGaussianWithTheGivenStd() {
        int n = 20_000;
        double jitter = 0.02;
        SimpleMatrix clean = Datasets.makeSpiral(n, 0.0, new SplittableRandom(11));
        SimpleMatrix noisy = Datasets.makeSpiral(n, jitter, new SplittableRandom(11));
        SplittableRandom replay = new SplittableRandom(11);
        SimpleMatrix raw = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            double theta = replay.nextDouble(0, 4 * Math.PI);
            raw.set(i, 0, theta / (4 * Math.PI) * Math.cos(theta));
            raw.set(i, 1, theta / (4 * Math.PI) * Math.sin(theta));
        }
        for (int j = 0; j < 2; j++) {
            double rawStd = std(raw, j);
            SimpleMatrix diff = noisy.cols(j, j + 1).minus(clean.cols(j, j + 1)).scale(rawStd);
            double expected = jitter;
            double got = std(diff, 0);
            int axis = j;
            assertEquals(expected, got, 5 * expected / Math.sqrt(2.0 * n),
                    () -> "std of the jitter on axis " + axis + " in raw units (n = " + n + ")");
        }
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 0, -3})
    @DisplayName("fewer than 2 points are rejected, naming n and its value")
    void rejectsBadN(int n) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.makeSpiral(n, 0.02, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("n = " + n), () -> "message: " + e.getMessage());
    }

    @ParameterizedTest(name = "jitter = {0}")
    @ValueSource(doubles = {-0.01, Double.NaN, Double.POSITIVE_INFINITY})
    @DisplayName("a negative, NaN or infinite jitter is rejected, naming jitter and its value")
    void rejectsBadJitter(double jitter) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Datasets.makeSpiral(10, jitter, new SplittableRandom(1)));
        assertTrue(e.getMessage().contains("jitter = " + jitter), () -> "message: " + e.getMessage());
    }

    @Test
    @DisplayName("standardize maps each column to mean 0, std 1, leaves its input alone and keeps a constant column finite")
    void standardizeHandExample() {
        // Column 0: mean 2, population std √(2/3); column 1 constant 5 → (5 − 5)/(0 + 1e-7) = 0.
        SimpleMatrix in = new SimpleMatrix(new double[][] {{1, 5}, {2, 5}, {3, 5}});
        SimpleMatrix copy = in.copy();
        SimpleMatrix out = Datasets.standardize(in);
        double s = Math.sqrt(2.0 / 3.0) + 1e-7;
        SimpleMatrix expected = new SimpleMatrix(new double[][] {{-1 / s, 0}, {0, 0}, {1 / s, 0}});
        assertTrue(expected.isIdentical(out, 1e-12), () -> "expected\n" + expected + "got\n" + out);
        assertTrue(copy.isIdentical(in, 0), "standardize modified its input");
    }

    private static double mean(SimpleMatrix m, int j) {
        double s = 0;
        for (int i = 0; i < m.getNumRows(); i++) s += m.get(i, j);
        return s / m.getNumRows();
    }

    /** Population standard deviation, as in the spiral's standardization. */
    private static double std(SimpleMatrix m, int j) {
        double mu = mean(m, j), s = 0;
        for (int i = 0; i < m.getNumRows(); i++) s += (m.get(i, j) - mu) * (m.get(i, j) - mu);
        return Math.sqrt(s / m.getNumRows());
    }
}
