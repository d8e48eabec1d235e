package org.diffusionlab.labs.spiral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Grading;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.metrics.Wasserstein;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("spiral")
@DisplayName("Exercise 1: the spiral dataset")
class Ex1DatasetTest {

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("makeSpiral returns n rows of 2 finite coordinates")
    void shape() {
        for (int n : new int[] {2, 7, 500}) {
            SimpleMatrix p = Spiral.makeSpiral(n, 0.02, new SplittableRandom(n));
            assertEquals(n + "x2", Feedback.shape(p), "makeSpiral(" + n + ", 0.02, rng) has the wrong shape: one point per row, 2 columns");
            for (int i = 0; i < n; i++) {
                assertTrue(Double.isFinite(p.get(i, 0)) && Double.isFinite(p.get(i, 1)),
                        "makeSpiral(" + n + ", ...) row " + i + " is not finite: " + p.get(i, 0) + ", " + p.get(i, 1));
            }
        }
    }

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("makeSpiral standardizes each column to mean 0 and (population) std 1")
    void standardized() {
        for (int n : new int[] {10, 1000}) {
            SimpleMatrix p = Spiral.makeSpiral(n, 0.02, new SplittableRandom(3));
            for (int j = 0; j < 2; j++) {
                double mean = 0, var = 0;
                for (int i = 0; i < n; i++) mean += p.get(i, j) / n;
                for (int i = 0; i < n; i++) var += (p.get(i, j) - mean) * (p.get(i, j) - mean) / n;
                double std = Math.sqrt(var);
                String where = "makeSpiral(" + n + ", 0.02, rng), column " + j;
                assertTrue(Math.abs(mean) < 1e-6, "column " + j + " is not centred\n  input: " + where
                        + "\n  expected mean 0, got " + mean + "\n  hint: subtract each column's mean after adding the jitter");
                String mistake = Math.abs(std - Math.sqrt((n - 1.0) / n)) < 1e-4
                        ? "\n  likely mistake: you divided by n − 1 (sample std); use the population std (divide by n), like NumPy"
                        : "\n  hint: divide each column by its own std (+ 1e-7), computed after centring";
                assertTrue(Math.abs(std - 1) < 1e-5, "column " + j + " does not have std 1\n  input: " + where
                        + "\n  expected std 1 (population), got " + std + mistake);
            }
        }
    }

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("makeSpiral takes all of its randomness from rng")
    void reproducible() {
        SimpleMatrix a = Spiral.makeSpiral(200, 0.02, new SplittableRandom(11));
        SimpleMatrix b = Spiral.makeSpiral(200, 0.02, new SplittableRandom(11));
        SimpleMatrix c = Spiral.makeSpiral(200, 0.02, new SplittableRandom(12));
        assertTrue(a.isIdentical(b, 0), "the same seed gave different spirals: draw every random number from rng "
                + "(no Math.random(), no new Random())");
        assertTrue(!a.isIdentical(c, 1e-12), "two different seeds gave the same spiral: the points must be random draws from rng");
    }

    @Test
    @Graded(exercise = "1.1", points = 1.5)
    @DisplayName("makeSpiral(jitter 0.02) has the reference spiral's distribution (sliced Wasserstein vs real-vs-real floor)")
    void matchesReference() {
        matches(0.02);
    }

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("makeSpiral applies the jitter: large (0.3) and none (0) both match the reference")
    void jitter() {
        matches(0.3);
        matches(0.0);
    }

    /**
     * Your spiral against the reference by sliced W1, n = 2000. The threshold is twice the mean
     * distance between independent reference samples of the same size (the noise floor ∝ 1/√n). Measured:
     * a correct spiral sits at ≈ 1× floor; at jitter 0.02 a one-turn spiral is at ≈ 8× and a circle at ≈ 10×;
     * at jitter 0.3 a missing jitter is at ≈ 4× and r = θ instead of θ/4π at ≈ 4×.
     */
    private static void matches(double jitter) {
        int n = 2000;
        SimpleMatrix yours = Spiral.makeSpiral(n, jitter, new SplittableRandom(7));
        SimpleMatrix reference = Datasets.makeSpiral(n, jitter, new SplittableRandom(1000));
        double floor = 0;
        for (int k = 0; k < 3; k++) {
            floor += Wasserstein.sliced(Datasets.makeSpiral(n, jitter, new SplittableRandom(2000 + k)), reference) / 3;
        }
        double distance = Wasserstein.sliced(yours, reference);
        Grading.note(String.format("jitter %.2f: sliced W1 to the reference = %.4f, floor = %.4f", jitter, distance, floor));
        assertTrue(distance <= 2 * floor, String.format(
                "your spiral (jitter %.2f) is not distributed like the reference one%n  input: makeSpiral(%d, %.2f, rng)"
                        + "%n  expected: sliced W1 to a reference sample <= %.4f (2 x the real-vs-real floor %.4f)%n  got: %.4f"
                        + "%n  hint: θ ~ U[0, 4π) (two turns, rng.nextDouble(0, 4 * Math.PI)), r = θ/4π, jitter·N(0,1) added to x and y"
                        + " before standardizing", jitter, n, jitter, 2 * floor, floor, distance));
    }
}
