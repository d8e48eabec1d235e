package org.diffusionlab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class WassersteinTest {

    static Stream<Arguments> handExamples() {
        return Stream.of(
                Arguments.of(new double[] {0}, new double[] {1}, 1.0, "two points one apart"),
                Arguments.of(new double[] {0, 1, 2}, new double[] {2, 0, 1}, 0.0, "same values, other order"),
                Arguments.of(new double[] {0, 1, 5}, new double[] {2.5, 3.5, 7.5}, 2.5, "shift by 2.5"),
                Arguments.of(new double[] {0, 1, 5}, new double[] {-3, -2, 2}, 3.0, "shift by −3"),
                Arguments.of(new double[] {0, 3}, new double[] {1, 2}, 1.0, "equal sizes: mean |sorted a − sorted b| = (1 + 1)/2"),
                // F_a = 1/2 on [0, 1); F_b = 1/3 on [0, 0.5), 2/3 on [0.5, 1): ∫|F_a − F_b| = 0.5·1/6 + 0.5·1/6
                Arguments.of(new double[] {0, 1}, new double[] {0, 0.5, 1}, 1.0 / 6, "sizes 2 and 3"),
                // A point mass at 0 against {1, 3}: the mean distance to 0.
                Arguments.of(new double[] {0}, new double[] {1, 3}, 2.0, "sizes 1 and 2"),
                Arguments.of(new double[] {0, 2}, new double[] {1}, 1.0, "sizes 2 and 1"),
                Arguments.of(new double[] {1, 1, 1}, new double[] {1}, 0.0, "repeated values"));
    }

    @ParameterizedTest(name = "{3}")
    @MethodSource("handExamples")
    @DisplayName("w1 of small hand examples (equal and unequal sizes, ties, shifts)")
    void w1HandExamples(double[] a, double[] b, double expected, String what) {
        assertEquals(expected, Wasserstein.w1(a, b), 1e-12,
                () -> "w1(" + Arrays.toString(a) + ", " + Arrays.toString(b) + ")");
        assertEquals(expected, Wasserstein.w1(b, a), 1e-12,
                () -> "w1(" + Arrays.toString(b) + ", " + Arrays.toString(a) + ")");
    }

    /**
     * An independent formula: W1 = ∫_0^1 |F_a⁻¹(u) − F_b⁻¹(u)| du. Both quantile functions are step
     * functions with breaks at i/n and j/m, so the integral is a finite sum over the merged breaks.
     */
    private static double w1ByQuantiles(double[] a, double[] b) {
        double[] x = a.clone(), y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        double[] breaks = IntStream.rangeClosed(0, x.length + y.length)
                .mapToDouble(k -> k <= x.length ? (double) k / x.length : (double) (k - x.length) / y.length)
                .sorted().distinct().toArray();
        double total = 0;
        for (int k = 1; k < breaks.length; k++) {
            double mid = (breaks[k - 1] + breaks[k]) / 2;
            total += (breaks[k] - breaks[k - 1]) * Math.abs(x[(int) (mid * x.length)] - y[(int) (mid * y.length)]);
        }
        return total;
    }

    @Test
    @DisplayName("w1 agrees with the quantile-function formula on 100 random pairs of sizes 1..60, and is symmetric")
    void w1MatchesQuantileFormula() {
        SplittableRandom rng = new SplittableRandom(17);
        for (int trial = 0; trial < 100; trial++) {
            double[] a = rng.doubles(rng.nextInt(1, 61), -3, 3).toArray();
            double[] b = rng.doubles(rng.nextInt(1, 61), -1, 5).toArray();
            if (trial % 3 == 0) b[0] = a[0]; // exercise ties
            double expected = w1ByQuantiles(a, b);
            int tr = trial;
            assertEquals(expected, Wasserstein.w1(a, b), 1e-12, () -> "trial " + tr + ": w1(a, b), sizes " + a.length + ", " + b.length);
            assertEquals(Wasserstein.w1(a, b), Wasserstein.w1(b, a), 1e-12, () -> "trial " + tr + ": symmetry");
        }
    }

    @Test
    @DisplayName("w1 leaves its inputs unsorted and rejects an empty sample")
    void w1InputsAndErrors() {
        double[] a = {3, 1, 2};
        Wasserstein.w1(a, new double[] {0});
        assertArrayEquals(new double[] {3, 1, 2}, a, "w1 modified its input");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wasserstein.w1(new double[0], a));
        assertTrue(e.getMessage().contains("a.length = 0"), () -> "message: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Wasserstein.w1(a, new double[0]));
    }

    @Test
    @DisplayName("perAxis is w1 of each column; a shift by (c1, c2) gives (|c1|, |c2|)")
    void perAxis() {
        SimpleMatrix a = gaussian(50, 2, new SplittableRandom(1));
        SimpleMatrix b = gaussian(30, 2, new SplittableRandom(2));
        double[] got = Wasserstein.perAxis(a, b);
        for (int j = 0; j < 2; j++) {
            assertEquals(Wasserstein.w1(column(a, j), column(b, j)), got[j], 0, "axis " + j);
        }
        SimpleMatrix shifted = a.copy();
        for (int i = 0; i < a.getNumRows(); i++) {
            shifted.set(i, 0, a.get(i, 0) + 0.7);
            shifted.set(i, 1, a.get(i, 1) - 1.25);
        }
        assertArrayEquals(new double[] {0.7, 1.25}, Wasserstein.perAxis(a, shifted), 1e-12, "perAxis of a shift");
    }

    @Test
    @DisplayName("sliced is 0 for the same set, symmetric, and fixed by its seed")
    void slicedBasics() {
        SimpleMatrix a = gaussian(40, 2, new SplittableRandom(3));
        SimpleMatrix b = gaussian(25, 2, new SplittableRandom(4));
        assertEquals(0.0, Wasserstein.sliced(a, a.copy()), 1e-15, "sliced(a, a)");
        assertEquals(Wasserstein.sliced(a, b), Wasserstein.sliced(b, a), 1e-12, "sliced(a, b) vs sliced(b, a)");
        assertEquals(Wasserstein.sliced(a, b), Wasserstein.sliced(a, b), 0, "same call twice");
        assertEquals(Wasserstein.sliced(a, b, Wasserstein.DEFAULT_DIRECTIONS, Wasserstein.DEFAULT_DIRECTION_SEED),
                Wasserstein.sliced(a, b), 0, "defaults");
        double other = Wasserstein.sliced(a, b, Wasserstein.DEFAULT_DIRECTIONS, 99);
        assertTrue(other != Wasserstein.sliced(a, b), "another direction seed should give (slightly) another value");
    }

    @Test
    @DisplayName("sliced scales linearly when both sets are scaled by s > 0")
    void slicedScalesLinearly() {
        SimpleMatrix a = gaussian(40, 2, new SplittableRandom(5));
        SimpleMatrix b = gaussian(30, 2, new SplittableRandom(6)).plus(0.3);
        double base = Wasserstein.sliced(a, b);
        for (double s : new double[] {0.1, 2.0, 37.5}) {
            assertEquals(s * base, Wasserstein.sliced(a.scale(s), b.scale(s)), 1e-12 * s * base, "scale " + s);
        }
    }

    @Test
    @DisplayName("sliced of a set and its shift by c equals sliced of the points 0 and c, whatever the set")
    void slicedShiftRelation() {
        // Each projection of a + c is the projection of a plus θ·c, and W1 of a 1-D shift is |θ·c|,
        // so both sides are (1/K) Σ_k |θ_k·c| for the same seeded directions θ_k.
        double[] c = {0.8, -0.3};
        SimpleMatrix origin = new SimpleMatrix(1, 2);
        SimpleMatrix point = new SimpleMatrix(new double[][] {c});
        double expected = Wasserstein.sliced(origin, point);
        SimpleMatrix a = gaussian(60, 2, new SplittableRandom(7));
        SimpleMatrix shifted = a.copy();
        for (int i = 0; i < a.getNumRows(); i++) {
            shifted.set(i, 0, a.get(i, 0) + c[0]);
            shifted.set(i, 1, a.get(i, 1) + c[1]);
        }
        assertEquals(expected, Wasserstein.sliced(a, shifted), 1e-12, "sliced(a, a + c)");
        // |θ·c| ≤ ‖c‖, and its mean over uniform directions in 2-D is (2/π)‖c‖; 128 directions give a
        // standard error of 0.31‖c‖/√128 = 0.027‖c‖ (0.31 = std of |cos φ|), so 5 SE = 0.14‖c‖.
        double norm = Math.hypot(c[0], c[1]);
        assertEquals(2 / Math.PI * norm, expected, 0.14 * norm, "sliced(0, c) vs (2/pi)·|c|");
        // In 1-D the only directions are ±1, so sliced is exactly w1.
        SimpleMatrix a1 = gaussian(20, 1, new SplittableRandom(8));
        SimpleMatrix b1 = gaussian(30, 1, new SplittableRandom(9));
        assertEquals(Wasserstein.w1(column(a1, 0), column(b1, 0)), Wasserstein.sliced(a1, b1), 1e-12, "1-D sliced vs w1");
    }

    @Test
    @DisplayName("sliced and perAxis reject sets of different dimension; sliced rejects fewer than 1 direction")
    void slicedErrors() {
        SimpleMatrix a = new SimpleMatrix(3, 2);
        SimpleMatrix b = new SimpleMatrix(3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Wasserstein.sliced(a, b));
        assertTrue(e.getMessage().contains("3 columns") && e.getMessage().contains("2"), () -> "message: " + e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Wasserstein.perAxis(a, b));
        IllegalArgumentException d = assertThrows(IllegalArgumentException.class, () -> Wasserstein.sliced(a, a, 0, 1));
        assertTrue(d.getMessage().contains("directions = 0"), () -> "message: " + d.getMessage());
    }

    @Test
    @DisplayName("Floor.ratio is value / floor")
    void floorRatio() {
        assertEquals(2.5, new Wasserstein.Floor(0.25, 0.1).ratio(), 1e-15, "ratio of 0.25 to 0.1");
    }

    private static SimpleMatrix gaussian(int rows, int cols, SplittableRandom rng) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < m.getNumElements(); i++) m.set(i, rng.nextGaussian());
        return m;
    }

    private static double[] column(SimpleMatrix m, int j) {
        double[] c = new double[m.getNumRows()];
        for (int i = 0; i < c.length; i++) c[i] = m.get(i, j);
        return c;
    }

    @Test
    @DisplayName("w1 rejects NaN and infinite values, naming the sample and index, instead of looping")
    void rejectsNonFinite() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Wasserstein.w1(new double[] {0, 1}, new double[] {0, Double.NaN}));
        assertTrue(e.getMessage().contains("b[1] = NaN"), e::getMessage);
        assertThrows(IllegalArgumentException.class,
                () -> Wasserstein.w1(new double[] {Double.POSITIVE_INFINITY}, new double[] {0}));
    }
}
