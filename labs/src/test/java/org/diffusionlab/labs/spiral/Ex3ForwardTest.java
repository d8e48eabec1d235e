package org.diffusionlab.labs.spiral;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("spiral")
@DisplayName("Exercise 3: the forward process q(x_t | x_0)")
class Ex3ForwardTest {

    /** x_t with coefficients (a, b) per row: a common wrong-formula generator. */
    private static SimpleMatrix mix(SimpleMatrix x0, SimpleMatrix eps, double[] a, double[] b) {
        SimpleMatrix out = new SimpleMatrix(x0.getNumRows(), x0.getNumCols());
        for (int i = 0; i < x0.getNumRows(); i++) {
            for (int j = 0; j < x0.getNumCols(); j++) out.set(i, j, a[i] * x0.get(i, j) + b[i] * eps.get(i, j));
        }
        return out;
    }

    /** The reference x_t and the wrong answers a student is likely to produce, for per-row steps t. */
    static void check(String what, SimpleMatrix x0, int[] t, NoiseSchedule s, SimpleMatrix eps, SimpleMatrix got) {
        int n = t.length;
        double[] ab = s.alphaBars(), al = s.alphas();
        double[][] c = new double[14][n];
        for (int i = 0; i < n; i++) {
            double abt = ab[t[i] - 1];
            // index t instead of t − 1; at t = T that reads past the end (caught as an exception), so use the last entry
            double abNext = ab[Math.min(t[i], s.T() - 1)];
            c[0][i] = abt; c[1][i] = 1 - abt;                                  // forgot the square roots
            c[2][i] = Math.sqrt(abNext); c[3][i] = Math.sqrt(1 - abNext);      // indexed with t, not t − 1
            c[4][i] = Math.sqrt(al[t[i] - 1]); c[5][i] = Math.sqrt(1 - al[t[i] - 1]); // α instead of ᾱ
            c[6][i] = Math.sqrt(1 - abt); c[7][i] = Math.sqrt(abt);           // coefficients swapped
            c[8][i] = Math.sqrt(ab[t[0] - 1]); c[9][i] = Math.sqrt(1 - ab[t[0] - 1]); // t[0] for every row
            c[10][i] = abt; c[11][i] = Math.sqrt(1 - abt);                    // one square root missing: on x0
            c[12][i] = Math.sqrt(abt); c[13][i] = 1 - abt;                    // one square root missing: on ε
        }
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        mistakes.put("x_t uses sqrt(alphaBar), not alphaBar: the coefficients are √ᾱ_t and √(1 − ᾱ_t)", mix(x0, eps, c[0], c[1]));
        mistakes.put("one square root is missing: the x_0 term is √ᾱ_t·x_0, not ᾱ_t·x_0", mix(x0, eps, c[10], c[11]));
        mistakes.put("one square root is missing: the noise term is √(1 − ᾱ_t)·ε, not (1 − ᾱ_t)·ε", mix(x0, eps, c[12], c[13]));
        mistakes.put("did you index alphaBars with t instead of t-1? t is 1-based, the array 0-based", mix(x0, eps, c[2], c[3]));
        mistakes.put("you used α_t (one step) where ᾱ_t (the cumulative product) belongs", mix(x0, eps, c[4], c[5]));
        mistakes.put("the coefficients are swapped: x0 gets √ᾱ_t, ε gets √(1 − ᾱ_t)", mix(x0, eps, c[6], c[7]));
        if (Arrays.stream(t).distinct().count() > 1) {
            mistakes.put("every row used t[0]: row i must use its own t[i]", mix(x0, eps, c[8], c[9]));
        }
        SimpleMatrix expected = ForwardProcess.qSample(x0, t, s, eps);
        Feedback.assertMatrix(what, "x0 " + Feedback.show(x0) + ", t = " + Feedback.show(Arrays.stream(t).asDoubleStream().toArray())
                + ", T = " + s.T() + ", eps " + Feedback.show(eps), expected, got, mistakes);
    }

    private static SimpleMatrix qSample1(SimpleMatrix x0, int t, NoiseSchedule s, SimpleMatrix eps) {
        try {
            return Forward.qSample(x0, t, Reference.schedule(s), eps);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new AssertionError("qSample(x0, t = " + t + ", T = " + s.T() + ") read outside alphaBars (" + e.getMessage()
                    + ")\n  likely mistake: did you index alphaBars with t instead of t-1? t runs 1..T, indices 0..T−1", e);
        }
    }

    static SimpleMatrix qSampleRows(SimpleMatrix x0, int[] t, NoiseSchedule s, SimpleMatrix eps) {
        try {
            return Forward.qSample(x0, t, Reference.schedule(s), eps);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new AssertionError("qSample(x0, t[], T = " + s.T() + ") read outside alphaBars (" + e.getMessage()
                    + ")\n  likely mistake: did you index alphaBars with t[i] instead of t[i]-1? t runs 1..T, indices 0..T−1", e);
        }
    }

    private static void one(int n, int d, int t, NoiseSchedule s, long seed) {
        SimpleMatrix x0 = Reference.randn(n, d, seed), eps = Reference.randn(n, d, seed + 1);
        int[] ts = new int[n];
        Arrays.fill(ts, t);
        SimpleMatrix x0Copy = x0.copy(), epsCopy = eps.copy();
        check("qSample(x0, t = " + t + ", schedule, eps) is wrong", x0, ts, s, eps, qSample1(x0, t, s, eps));
        assertTrue(x0.isIdentical(x0Copy, 0) && eps.isIdentical(epsCopy, 0), "qSample changed x0 or eps: return a new matrix");
    }

    @Test
    @Graded(exercise = "3.1", points = 1.5)
    @DisplayName("qSample(one t) matches the reference on random data, steps and schedules")
    void randomSingleT() {
        SplittableRandom rng = new SplittableRandom(31);
        for (int k = 0; k < 5; k++) {
            NoiseSchedule s = Reference.linear(rng.nextInt(2, 300), 1e-4, rng.nextDouble(5e-3, 0.05));
            one(rng.nextInt(2, 50), 2, rng.nextInt(2, s.T()), s, 100 + k);
        }
    }

    @Test
    @Graded(exercise = "3.1", points = 1)
    @DisplayName("qSample(one t) is right at the ends: t = 1, t = T, T = 1, n = 1")
    void edgesSingleT() {
        NoiseSchedule s = Reference.linear(100, 1e-4, 5e-3);
        one(20, 2, 1, s, 7);
        one(20, 2, 100, s, 8);
        one(1, 2, 37, s, 9);
        one(5, 3, 1, Reference.linear(1, 0.3, 0.3), 10);
    }

    private static void rows(int n, int d, int[] t, NoiseSchedule s, long seed) {
        SimpleMatrix x0 = Reference.randn(n, d, seed), eps = Reference.randn(n, d, seed + 1);
        SimpleMatrix x0Copy = x0.copy(), epsCopy = eps.copy();
        int[] tCopy = t.clone();
        check("qSample(x0, t[] (one per row), schedule, eps) is wrong", x0, t, s, eps, qSampleRows(x0, t, s, eps));
        assertTrue(x0.isIdentical(x0Copy, 0) && eps.isIdentical(epsCopy, 0) && Arrays.equals(t, tCopy),
                "qSample changed x0, t or eps: return a new matrix");
    }

    @Test
    @Graded(exercise = "3.2", points = 1.5)
    @DisplayName("qSample(one t per row) matches the reference on random data and random per-row steps")
    void randomPerRow() {
        SplittableRandom rng = new SplittableRandom(32);
        for (int k = 0; k < 5; k++) {
            NoiseSchedule s = Reference.linear(rng.nextInt(2, 300), 1e-4, rng.nextDouble(5e-3, 0.05));
            int n = rng.nextInt(2, 60);
            int[] t = new int[n];
            for (int i = 0; i < n; i++) t[i] = rng.nextInt(1, s.T() + 1);
            t[0] = 2; // rows differ from row 0, so "t[0] for every row" shows
            rows(n, 2, t, s, 200 + k);
        }
    }

    @Test
    @Graded(exercise = "3.2", points = 1)
    @DisplayName("qSample(one t per row) is right at the ends: rows at t = 1 and t = T, T = 1, n = 1")
    void edgesPerRow() {
        NoiseSchedule s = Reference.linear(100, 1e-4, 5e-3);
        rows(4, 2, new int[] {1, 100, 1, 100}, s, 11);
        rows(1, 2, new int[] {100}, s, 12);
        rows(3, 3, new int[] {1, 1, 1}, Reference.linear(1, 0.3, 0.3), 13);
    }
}
