package org.diffusionlab.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    private static double[][] gaussian(int n, double[] mean, double[] sd, SplittableRandom rng) {
        double[][] x = new double[n][mean.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < mean.length; j++) x[i][j] = mean[j] + sd[j] * rng.nextGaussian();
        }
        return x;
    }

    @Test
    @DisplayName("a set against itself is 0, and against a copy shifted by (3, 4) it is 25")
    void identicalAndShifted() {
        double[][] a = gaussian(200, new double[] {0, 0}, new double[] {1, 2}, new SplittableRandom(1));
        assertEquals(0, FrechetDistance.between(a, a), 1e-8);
        double[][] b = new double[a.length][];
        for (int i = 0; i < a.length; i++) b[i] = new double[] {a[i][0] + 3, a[i][1] + 4};
        assertEquals(25, FrechetDistance.between(a, b), 1e-8);
    }

    @Test
    @DisplayName("for independent axes it is the sum over axes of (mu_a - mu_b)^2 + (sd_a - sd_b)^2 (large samples)")
    void diagonalGaussians() {
        SplittableRandom rng = new SplittableRandom(2);
        double[][] a = gaussian(20000, new double[] {0, 1, 0}, new double[] {1, 1, 2}, rng);
        double[][] b = gaussian(20000, new double[] {1, 1, 0}, new double[] {1, 3, 1}, rng);
        double expected = 1 + 4 + 1;
        double fd = FrechetDistance.between(a, b);
        assertTrue(Math.abs(fd - expected) < 0.15, "FD " + fd);
        assertThrows(IllegalArgumentException.class, () -> FrechetDistance.between(new double[][] {{1}}, a));
    }

    @Test
    @DisplayName("memorisation: copies of training images have nearest distance 0 and ratio 0; fresh draws do not")
    void memorisation() {
        SplittableRandom rng = new SplittableRandom(3);
        double[][] train = gaussian(100, new double[4], new double[] {1, 1, 1, 1}, rng);
        double[][] held = gaussian(50, new double[4], new double[] {1, 1, 1, 1}, rng);
        double[][] copies = java.util.Arrays.copyOf(train, 30);
        Memorisation m = Memorisation.measure(copies, held, train);
        assertEquals(0, m.generatedMedian());
        assertEquals(1.0, m.closerThanAnyHeldOut());
        Memorisation fresh = Memorisation.measure(gaussian(50, new double[4], new double[] {1, 1, 1, 1}, rng), held, train);
        assertTrue(fresh.ratio() > 0.7 && fresh.ratio() < 1.4, "ratio " + fresh.ratio());
        assertEquals(5.0, Memorisation.nearestDistances(new double[][] {{3, 4}}, new double[][] {{0, 0}, {9, 9}})[0], 1e-12);
    }
}
