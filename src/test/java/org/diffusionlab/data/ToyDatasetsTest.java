package org.diffusionlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ToyDatasetsTest {

    private static double[] data(SimpleMatrix m) {
        return m.getDDRM().data;
    }

    @ParameterizedTest
    @EnumSource(Dataset.class)
    @DisplayName("every dataset returns exactly n rows of 2 columns, odd n included")
    void exactSize(Dataset dataset) {
        for (int n : new int[] {2, 3, 7, 100, 1001}) {
            SimpleMatrix x = dataset.sample(n, new SplittableRandom(n));
            assertEquals(n, x.getNumRows(), dataset + " with n = " + n);
            assertEquals(2, x.getNumCols(), dataset + " with n = " + n);
        }
    }

    @ParameterizedTest
    @EnumSource(Dataset.class)
    @DisplayName("the same seed gives the same points, another seed other points")
    void deterministic(Dataset dataset) {
        double[] a = data(dataset.sample(200, new SplittableRandom(5)));
        double[] b = data(dataset.sample(200, new SplittableRandom(5)));
        double[] c = data(dataset.sample(200, new SplittableRandom(6)));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @ParameterizedTest
    @EnumSource(Dataset.class)
    @DisplayName("every dataset is standardized: per-axis mean 0 and population std 1")
    void standardized(Dataset dataset) {
        int n = 501;
        SimpleMatrix x = dataset.sample(n, new SplittableRandom(11));
        for (int j = 0; j < 2; j++) {
            double mean = 0, sq = 0;
            for (int i = 0; i < n; i++) mean += x.get(i, j);
            mean /= n;
            for (int i = 0; i < n; i++) sq += (x.get(i, j) - mean) * (x.get(i, j) - mean);
            assertEquals(0.0, mean, 1e-12, dataset + " axis " + j);
            // the 1e-7 added to the std shrinks it by about 1e-7 relative
            assertEquals(1.0, Math.sqrt(sq / n), 1e-6, dataset + " axis " + j);
        }
    }

    @Test
    @DisplayName("public generators are the standardized raw geometry drawn with the same seed")
    void publicIsStandardizedRaw() {
        assertArrayEquals(data(Datasets.standardize(ToyDatasets.rawMoons(50, 0.1, new SplittableRandom(1)))),
                data(ToyDatasets.moons(50, 0.1, new SplittableRandom(1))));
        assertArrayEquals(data(Datasets.standardize(ToyDatasets.rawCircles(50, 0.4, 0.1, new SplittableRandom(1)))),
                data(ToyDatasets.circles(50, 0.4, 0.1, new SplittableRandom(1))));
        assertArrayEquals(data(Datasets.standardize(ToyDatasets.rawSwissRoll(50, 0.1, new SplittableRandom(1)))),
                data(ToyDatasets.swissRoll(50, 0.1, new SplittableRandom(1))));
        assertArrayEquals(data(Datasets.standardize(ToyDatasets.rawTwoGaussians(50, 0.1, new SplittableRandom(1)))),
                data(ToyDatasets.twoGaussians(50, 0.1, new SplittableRandom(1))));
        assertArrayEquals(data(Datasets.standardize(ToyDatasets.rawCheckerboard(50, new SplittableRandom(1)))),
                data(ToyDatasets.checkerboard(50, new SplittableRandom(1))));
    }

    @Test
    @DisplayName("two Gaussians with odd n: ceil(n/2) points in the first blob, floor(n/2) in the second")
    void twoGaussiansSplit() {
        SimpleMatrix x = ToyDatasets.rawTwoGaussians(7, 0.0, new SplittableRandom(3));
        int first = 0, second = 0;
        for (int i = 0; i < 7; i++) {
            if (x.get(i, 0) == -2.0 && x.get(i, 1) == -2.0) first++;
            if (x.get(i, 0) == 2.0 && x.get(i, 1) == 2.0) second++;
        }
        assertEquals(4, first);
        assertEquals(3, second);
    }

    @Test
    @DisplayName("two Gaussians: each blob's sample mean is its centre within 5 standard errors")
    void twoGaussiansCentres() {
        int n = 4000;
        double std = 0.3;
        SimpleMatrix x = ToyDatasets.rawTwoGaussians(n, std, new SplittableRandom(8));
        double[][] sum = new double[2][2];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) sum[i % 2][j] += x.get(i, j);
        }
        double tol = 5 * std / Math.sqrt(n / 2.0);
        for (int j = 0; j < 2; j++) {
            assertEquals(-2.0, sum[0][j] / (n / 2.0), tol);
            assertEquals(2.0, sum[1][j] / (n / 2.0), tol);
        }
    }

    @Test
    @DisplayName("circles without noise: even rows on radius 1, odd rows on radius factor (odd n)")
    void circlesTwoRadii() {
        int n = 301;
        SimpleMatrix x = ToyDatasets.rawCircles(n, 0.4, 0.0, new SplittableRandom(4));
        for (int i = 0; i < n; i++) {
            double r = Math.hypot(x.get(i, 0), x.get(i, 1));
            assertEquals(i % 2 == 0 ? 1.0 : 0.4, r, 1e-12, "row " + i);
        }
    }

    @Test
    @DisplayName("moons without noise: upper moon on the unit half circle, lower moon on the shifted one")
    void moonsGeometry() {
        int n = 301;
        SimpleMatrix x = ToyDatasets.rawMoons(n, 0.0, new SplittableRandom(4));
        for (int i = 0; i < n; i++) {
            double px = x.get(i, 0), py = x.get(i, 1);
            if (i % 2 == 0) {
                assertEquals(1.0, Math.hypot(px, py), 1e-12, "row " + i);
                assertTrue(py >= 0, "upper moon row " + i + " has y = " + py);
            } else {
                assertEquals(1.0, Math.hypot(px - 1, py - 0.5), 1e-12, "row " + i);
                assertTrue(py <= 0.5, "lower moon row " + i + " has y = " + py);
            }
        }
    }

    @Test
    @DisplayName("swiss roll without noise: each point's radius s lies in [1.5π, 4.5π) and its angle is s mod 2π")
    void swissRollGeometry() {
        SimpleMatrix x = ToyDatasets.rawSwissRoll(300, 0.0, new SplittableRandom(9));
        for (int i = 0; i < 300; i++) {
            double s = Math.hypot(x.get(i, 0), x.get(i, 1));
            assertTrue(s >= 1.5 * Math.PI - 1e-12 && s < 4.5 * Math.PI + 1e-12, "radius " + s);
            assertEquals(s * Math.cos(s), x.get(i, 0), 1e-9);
            assertEquals(s * Math.sin(s), x.get(i, 1), 1e-9);
        }
    }

    @Test
    @DisplayName("checkerboard before standardization: every point in [-2, 2)² on a cell with even column + row")
    void checkerboardAlternates() {
        int n = 8000;
        SimpleMatrix x = ToyDatasets.rawCheckerboard(n, new SplittableRandom(12));
        int[][] counts = new int[4][4];
        for (int p = 0; p < n; p++) {
            double px = x.get(p, 0), py = x.get(p, 1);
            assertTrue(px >= -2 && px < 2 && py >= -2 && py < 2, "point " + px + ", " + py);
            int i = (int) Math.floor(px + 2), j = (int) Math.floor(py + 2);
            assertEquals(0, (i + j) % 2, "point " + px + ", " + py + " is on a light cell");
            counts[i][j]++;
        }
        // each dark cell expects n/8 = 1000 points, binomial sd = sqrt(1000 * 7/8) ≈ 30; allow 5 sd
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                if ((i + j) % 2 == 0) assertEquals(1000, counts[i][j], 150, "cell " + i + "," + j);
            }
        }
    }

    @Test
    @DisplayName("byName finds every dataset, ignoring case and treating '-' as '_'")
    void byName() {
        for (Dataset d : Dataset.values()) assertSame(d, Dataset.byName(d.id()));
        assertSame(Dataset.SPIRAL, Dataset.byName("spiral"));
        assertSame(Dataset.SWISS_ROLL, Dataset.byName("Swiss-Roll"));
        assertSame(Dataset.MOONS, Dataset.byName(" MOONS "));
    }

    @Test
    @DisplayName("an unknown dataset name is rejected with the list of valid names")
    void byNameUnknown() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Dataset.byName("banana"));
        assertTrue(e.getMessage().contains("banana"), e.getMessage());
        assertTrue(e.getMessage().contains("spiral, two_gaussians, moons, circles, swiss_roll, checkerboard"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Dataset.byName(null));
    }

    @Test
    @DisplayName("bad sizes and parameters are rejected naming the parameter")
    void badArguments() {
        SplittableRandom rng = new SplittableRandom(1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ToyDatasets.moons(1, 0.1, rng))
                .getMessage().startsWith("n = 1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ToyDatasets.moons(10, -0.1, rng))
                .getMessage().startsWith("noise = -0.1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ToyDatasets.circles(10, 1.0, 0.1, rng))
                .getMessage().startsWith("factor = 1.0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ToyDatasets.twoGaussians(10, Double.NaN, rng))
                .getMessage().startsWith("std = NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ToyDatasets.checkerboard(0, rng))
                .getMessage().startsWith("n = 0"));
    }
}
