package org.diffusionlab.labs.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("schedules")
@DisplayName("Exercise 1: the cosine schedule")
class Ex1CosineTest {

    /** f(t) = cos²(((t/T) + s)/(1 + s)·π/2) evaluated with the given time scale (t/T, or a mistaken one). */
    private static double f(double tOverT, double s) {
        double c = Math.cos((tOverT + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    private static void check(int T, double s) {
        double[] expected = NoiseSchedule.cosineBetaSchedule(T, s).betas();
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        double[] uncapped = new double[T], fromZero = new double[T], noRatio = new double[T], intDiv = new double[T], cosNotSq = new double[T];
        for (int t = 1; t <= T; t++) {
            uncapped[t - 1] = 1 - f((double) t / T, s) / f((double) (t - 1) / T, s);
            fromZero[t - 1] = t == 1 ? 0.0 : Math.min(1 - f((double) (t - 1) / T, s) / f((double) (t - 2) / T, s), 0.999);
            noRatio[t - 1] = Math.min(1 - f((double) t / T, s) / f(0, s), 0.999);
            intDiv[t - 1] = Math.min(1 - f(t / T, s) / f((t - 1) / T, s), 0.999);
            double c1 = Math.cos(((double) t / T + s) / (1 + s) * Math.PI / 2), c0 = Math.cos(((double) (t - 1) / T + s) / (1 + s) * Math.PI / 2);
            cosNotSq[t - 1] = Math.min(1 - c1 / c0, 0.999);
        }
        mistakes.put("β_t must be capped at 0.999: min(1 − ᾱ(t)/ᾱ(t − 1), 0.999) (the last β is 1 without it)", uncapped);
        mistakes.put("β_t is 1 − ᾱ(t)/ᾱ(0) = 1 − ᾱ(t): you used the target ᾱ itself instead of the ratio of consecutive targets", noRatio);
        mistakes.put("integer division: t / T is 0 for t < T in Java; write (double) t / T", intDiv);
        mistakes.put("f is the cosine SQUARED", cosNotSq);
        mistakes.put("off by one: β_t (at index t − 1) uses ᾱ(t)/ᾱ(t − 1) with t = 1..T, you used t = 0..T−1", fromZero);
        double[] got;
        try {
            got = Cosine.cosineBetas(T, s);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new AssertionError("cosineBetas(" + T + ", " + s + ") read outside its array (" + e.getMessage() + ")\n  likely mistake: "
                    + "off by one: t runs 1..T and β_t goes to index t − 1", e);
        }
        Feedback.assertArray("cosineBetas(" + T + ", " + s + ") is wrong", "T = " + T + ", s = " + s, expected, got, mistakes);
    }

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("cosineBetas matches the reference for T = 100 and T = 1000 with s = 0.008")
    void standard() {
        check(100, Cosine.S);
        check(1000, Cosine.S);
    }

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("cosineBetas matches the reference for other T and s (including s = 0)")
    void otherOffsets() {
        check(7, 0.0);
        check(50, 0.1);
        check(333, 0.02);
    }

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("cosineBetas caps β_T at exactly 0.999 and has the reference β_1 for T = 100")
    void capAndStart() {
        double[] b = Cosine.cosineBetas(100, Cosine.S);
        if (b.length != 100) throw new AssertionError("cosineBetas(100, 0.008) has length " + b.length + ", expected 100 (β_1..β_T)");
        if (!Feedback.accept("β_T", 0.999, b[99])) {
            throw new AssertionError("β_T (index T − 1 = 99) should be exactly the cap 0.999: f(T) = cos²(π/2) ≈ 0, so 1 − ᾱ(T)/ᾱ(T − 1) ≈ 1"
                    + " and the cap applies; got " + b[99]);
        }
        double expected = NoiseSchedule.cosineBetaSchedule(100).beta(1);
        if (!Feedback.close(expected, b[0])) {
            throw new AssertionError("β_1 (index 0) should be 1 − f(1)/f(0) = " + expected + ", got " + b[0]
                    + (b[0] == 0 ? "\n  likely mistake: β_1 = 0 means ᾱ(1) = ᾱ(0): check t/T is computed in floating point" : ""));
        }
    }

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("cosineBetas with T = 1 is the single capped value 0.999")
    void oneStep() {
        check(1, Cosine.S);
        check(2, Cosine.S);
    }
}
