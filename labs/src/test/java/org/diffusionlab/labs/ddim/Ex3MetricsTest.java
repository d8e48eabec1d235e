package org.diffusionlab.labs.ddim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.metrics.Wasserstein;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("ddim")
@DisplayName("Exercise 3: Wasserstein-1 in 1-D and sliced")
class Ex3MetricsTest {

    private static double[] sample(int n, double shift, SplittableRandom rng) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) a[i] = shift + rng.nextGaussian();
        return a;
    }

    private static void checkW1(double[] a, double[] b) {
        double expected = Wasserstein.w1(a, b);
        double[] ca = a.clone(), cb = b.clone();
        double got = Metrics.w1(a, b);
        assertArrayEquals(ca, a, "w1 changed its first argument: sort a copy");
        assertArrayEquals(cb, b, "w1 changed its second argument: sort a copy");
        if (Feedback.accept("w1", expected, got)) return;
        double unsorted = 0, sum = 0, squared = 0;
        double[] sa = a.clone(), sb = b.clone();
        Arrays.sort(sa);
        Arrays.sort(sb);
        for (int i = 0; i < a.length; i++) {
            unsorted += Math.abs(a[i] - b[i]) / a.length;
            sum += Math.abs(sa[i] - sb[i]);
            squared += (sa[i] - sb[i]) * (sa[i] - sb[i]) / a.length;
        }
        String hint = Feedback.close(unsorted, got) ? "\n  likely mistake: sort both samples first (W1 matches the k-th smallest with the k-th smallest)"
                : Feedback.close(sum, got) ? "\n  likely mistake: that is the sum; W1 is the mean over the n pairs"
                : Feedback.close(squared, got) ? "\n  likely mistake: W1 averages |differences|, not squared differences (that is W2²)" : "";
        throw new AssertionError("w1 is wrong\n  input: a = " + Feedback.show(a) + ", b = " + Feedback.show(b)
                + "\n  expected: " + expected + "\n  got:      " + got + hint);
    }

    @Test
    @Graded(exercise = "3.1", points = 1)
    @DisplayName("w1 matches the reference on random samples of equal size (without changing them)")
    void w1Random() {
        SplittableRandom rng = new SplittableRandom(31);
        checkW1(new double[] {3, 1, 2}, new double[] {0, 5, 1});
        for (int n : new int[] {1, 2, 17, 500}) checkW1(sample(n, 0, rng), sample(n, rng.nextDouble(-1, 1), rng));
    }

    @Test
    @Graded(exercise = "3.1", points = 0.5)
    @DisplayName("w1 is 0 for a reordering of the same values and |c| for a shift by c")
    void w1KnownAnswers() {
        SplittableRandom rng = new SplittableRandom(32);
        double[] a = sample(200, 0, rng);
        double[] reversed = new double[a.length], shifted = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            reversed[i] = a[a.length - 1 - i];
            shifted[i] = a[i] - 0.75;
        }
        double same = Metrics.w1(a, reversed), shift = Metrics.w1(a, shifted);
        assertTrue(Feedback.accept("w1(a, a reversed)", 0.0, same), "w1(a, a reversed) must be 0: the same values, only reordered, got "
                + same + "\n  likely mistake: sort both samples first");
        assertTrue(Feedback.accept("w1(a, a − 0.75)", 0.75, shift), "w1(a, a − 0.75) must be 0.75: every value moves by 0.75, got " + shift);
    }

    @Test
    @Graded(exercise = "3.1", points = 0.5)
    @DisplayName("w1 rejects samples of different sizes, and empty ones, with an IllegalArgumentException")
    void w1RejectsDifferentSizes() {
        assertThrows(IllegalArgumentException.class, () -> Metrics.w1(new double[3], new double[4]),
                "w1 of samples of sizes 3 and 4 should throw an IllegalArgumentException (this w1 needs equal sizes)");
        assertThrows(IllegalArgumentException.class, () -> Metrics.w1(new double[4], new double[3]),
                "w1 of samples of sizes 4 and 3 should throw an IllegalArgumentException (this w1 needs equal sizes)");
        assertThrows(IllegalArgumentException.class, () -> Metrics.w1(new double[0], new double[0]),
                "w1 of two empty samples should throw an IllegalArgumentException (n = 0: the mean over no pairs is undefined)");
    }

    private static SimpleMatrix points(int n, SplittableRandom rng, double shift) {
        SimpleMatrix m = Reference.gaussian(n, 2, rng);
        for (int i = 0; i < n; i++) m.set(i, 0, m.get(i, 0) + shift);
        return m;
    }

    private static void checkSliced(SimpleMatrix a, SimpleMatrix b, double[][] dirs, double expected) {
        double got = Metrics.sliced(a, b, dirs, Wasserstein::w1);
        if (Feedback.accept("sliced", expected, got)) return;
        double sum = expected * dirs.length;
        String hint = Feedback.close(sum, got) ? "\n  likely mistake: that is the sum over directions; take the mean" : "";
        throw new AssertionError("sliced is wrong\n  input: a " + Feedback.show(a) + ", b " + Feedback.show(b) + ", "
                + dirs.length + " directions, first " + Arrays.toString(dirs[0]) + "\n  expected: " + expected
                + "\n  got:      " + got + hint);
    }

    @Test
    @Graded(exercise = "3.2", points = 1)
    @DisplayName("sliced along the two axes is the mean of the per-axis W1")
    void slicedAxes() {
        SplittableRandom rng = new SplittableRandom(33);
        SimpleMatrix a = points(300, rng, 0), b = points(300, rng, 0.5);
        double[] perAxis = Wasserstein.perAxis(a, b);
        checkSliced(a, b, new double[][] {{1, 0}, {0, 1}}, (perAxis[0] + perAxis[1]) / 2);
        checkSliced(a, b, new double[][] {{0, 1}}, perAxis[1]);
    }

    @Test
    @Graded(exercise = "3.2", points = 1)
    @DisplayName("sliced with the core's own 128 directions equals metrics.Wasserstein.sliced")
    void slicedMatchesCore() {
        SplittableRandom rng = new SplittableRandom(34);
        SimpleMatrix a = points(400, rng, 0), b = points(400, rng, 0.3);
        double[][] dirs = Reference.coreDirections(2, 128, Wasserstein.DEFAULT_DIRECTION_SEED);
        checkSliced(a, b, dirs, Wasserstein.sliced(a, b));
        SimpleMatrix c = Reference.gaussian(50, 3, rng), e = Reference.gaussian(50, 3, rng);
        double[][] dirs3 = Reference.coreDirections(3, 16, 7);
        checkSliced(c, e, dirs3, Reference.sliced(c, e, dirs3));
    }

    @Test
    @Graded(exercise = "3.2", points = 0.5)
    @DisplayName("sliced uses the 1-D distance it is given, once per direction")
    void slicedUsesGivenDistance() {
        SplittableRandom rng = new SplittableRandom(35);
        SimpleMatrix a = points(20, rng, 0), b = points(20, rng, 0);
        AtomicInteger calls = new AtomicInteger();
        double got = Metrics.sliced(a, b, Reference.coreDirections(2, 5, 1), (x, y) -> {
            calls.incrementAndGet();
            return 2.0;
        });
        assertEquals(5, calls.get(), "sliced with 5 directions should call the given 1-D distance 5 times, called it " + calls.get());
        assertTrue(Feedback.accept("sliced", 2.0, got), "sliced with a 1-D distance that is always 2 should be 2 (the mean), got " + got
                + (Feedback.close(10.0, got) ? "\n  likely mistake: that is the sum over directions; take the mean" : ""));
    }

    @Test
    @Graded(exercise = "3.2", points = 0.5)
    @DisplayName("sliced rejects different dimensions, a direction of the wrong length and no directions (IllegalArgumentException)")
    void slicedRejectsBadShapes() {
        SimpleMatrix a = Reference.gaussian(4, 2, new SplittableRandom(36)), b = Reference.gaussian(4, 2, new SplittableRandom(37));
        assertThrows(IllegalArgumentException.class, () -> Metrics.sliced(a, new SimpleMatrix(4, 3),
                new double[][] {{1, 0}}, Wasserstein::w1), "sliced of a 4×2 and a 4×3 sample should throw an IllegalArgumentException");
        // the short direction comes second and the long one is not first: a check of directions[0] alone misses them
        assertThrows(IllegalArgumentException.class, () -> Metrics.sliced(a, b, new double[][] {{1, 0}, {1}}, Wasserstein::w1),
                "sliced of 4×2 samples along a direction of length 1 should throw an IllegalArgumentException (each direction has d = 2 entries)");
        assertThrows(IllegalArgumentException.class, () -> Metrics.sliced(a, b, new double[][] {{1, 0}, {0.6, 0.8, 0}}, Wasserstein::w1),
                "sliced of 4×2 samples along a direction of length 3 should throw an IllegalArgumentException (each direction has d = 2 entries)");
        assertThrows(IllegalArgumentException.class, () -> Metrics.sliced(a, b, new double[0][], Wasserstein::w1),
                "sliced with no directions should throw an IllegalArgumentException (K ≥ 1: the mean over no directions is undefined)");
    }
}
