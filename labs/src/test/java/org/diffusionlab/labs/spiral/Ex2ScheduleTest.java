package org.diffusionlab.labs.spiral;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("spiral")
@DisplayName("Exercise 2: the linear β schedule")
class Ex2ScheduleTest {

    private static void checkBetas(int T, double start, double end) {
        double[] expected = NoiseSchedule.linearBetaSchedule(T, start, end).betas();
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        double[] overT = new double[T], shifted = new double[T], intDiv = new double[T];
        for (int i = 0; i < T; i++) {
            overT[i] = start + (end - start) * i / T;
            shifted[i] = start + (end - start) * (i + 1) / Math.max(1, T - 1);
            intDiv[i] = start + (end - start) * (i / Math.max(1, T - 1));
        }
        mistakes.put("integer division: i / (T − 1) with ints is 0 until the last step; compute the fraction in double", intDiv);
        mistakes.put("the step is (betaEnd − betaStart)/T; with T values from start to end both included it is /(T − 1)", overT);
        mistakes.put("off by one: the first value must be betaStart itself (i = t − 1 starts at 0)", shifted);
        Feedback.assertArray("linearBetas(" + T + ", " + start + ", " + end + ") is wrong",
                "T = " + T + ", betaStart = " + start + ", betaEnd = " + end, expected,
                Schedule.linearBetas(T, start, end), mistakes);
    }

    @Test
    @Graded(exercise = "2.1", points = 1)
    @DisplayName("linearBetas matches the reference for the notebook's schedule (T = 100, 1e-4 → 5e-3)")
    void notebookBetas() {
        checkBetas(100, 1e-4, 5e-3);
    }

    @Test
    @Graded(exercise = "2.1", points = 0.5)
    @DisplayName("linearBetas matches the reference on random T, βstart, βend (including T = 2)")
    void randomBetas() {
        SplittableRandom rng = new SplittableRandom(21);
        checkBetas(2, 0.1, 0.2);
        for (int k = 0; k < 5; k++) {
            checkBetas(rng.nextInt(3, 400), rng.nextDouble(1e-5, 1e-2), rng.nextDouble(1e-2, 0.3));
        }
    }

    @Test
    @Graded(exercise = "2.1", points = 0.5)
    @DisplayName("linearBetas with T = 1 is the single value βstart")
    void oneStep() {
        double[] got = Schedule.linearBetas(1, 1e-4, 5e-3);
        assertArrayEquals(new double[] {1e-4}, got, 1e-15, "linearBetas(1, 1e-4, 5e-3) should be [1e-4]: with one step there is "
                + "nothing to interpolate (NumPy's linspace(a, b, 1) = [a]); got " + Arrays.toString(got)
                + (got.length == 1 && Double.isNaN(got[0]) ? "\n  likely mistake: dividing by T − 1 = 0" : ""));
    }

    @Test
    @Graded(exercise = "2.2", points = 1)
    @DisplayName("alphas is 1 − β element by element, leaving β unchanged")
    void alphas() {
        SplittableRandom rng = new SplittableRandom(22);
        for (int T : new int[] {1, 5, 100}) {
            double[] betas = new double[T];
            for (int i = 0; i < T; i++) betas[i] = rng.nextDouble(1e-4, 0.5);
            double[] copy = betas.clone();
            double[] expected = NoiseSchedule.fromBetas(betas).alphas();
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            mistakes.put("α_t = 1 − β_t, not β_t − 1", Arrays.stream(betas).map(b -> b - 1).toArray());
            mistakes.put("α_t = 1 − β_t itself, without a square root (√α_t appears later, in the formulas that use it)",
                    Arrays.stream(betas).map(b -> Math.sqrt(1 - b)).toArray());
            mistakes.put("that is the cumulative product ᾱ (exercise 2.3); α_t is just 1 − β_t",
                    NoiseSchedule.fromBetas(betas).alphaBars());
            Feedback.assertArray("alphas(betas) is wrong", "betas = " + Feedback.show(betas), expected, Schedule.alphas(betas), mistakes);
            assertArrayEquals(copy, betas, "alphas(betas) changed its input: return a new array");
        }
    }

    @Test
    @Graded(exercise = "2.3", points = 1)
    @DisplayName("alphaBars is the running product of the α, leaving α unchanged")
    void alphaBars() {
        SplittableRandom rng = new SplittableRandom(23);
        for (int T : new int[] {2, 10, 100}) {
            double[] alphas = new double[T];
            for (int i = 0; i < T; i++) alphas[i] = rng.nextDouble(0.5, 1.0);
            double[] copy = alphas.clone();
            double[] expected = NoiseSchedule.fromBetas(Arrays.stream(alphas).map(a -> 1 - a).toArray()).alphaBars();
            double[] late = new double[T];
            double p = 1;
            for (int i = 0; i < T; i++) {
                late[i] = p;
                p *= alphas[i];
            }
            double[] sum = new double[T];
            double total = 0;
            for (int i = 0; i < T; i++) sum[i] = total += alphas[i];
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            mistakes.put("ᾱ_1 should equal α_1 — you stored the running product before multiplying (so ᾱ_1 = 1)", late);
            mistakes.put("that is a running sum; ᾱ_t is the running product α_1·α_2·…·α_t", sum);
            Feedback.assertArray("alphaBars(alphas) is wrong", "alphas = " + Feedback.show(alphas), expected,
                    Schedule.alphaBars(alphas), mistakes);
            assertArrayEquals(copy, alphas, "alphaBars(alphas) changed its input: return a new array");
        }
    }

    @Test
    @Graded(exercise = "2.3", points = 0.5)
    @DisplayName("alphaBars starts with ᾱ_1 = α_1, also for T = 1")
    void firstAlphaBar() {
        for (double[] alphas : new double[][] {{0.9}, {0.99, 0.5, 0.25}}) {
            double[] got = Schedule.alphaBars(alphas);
            String extra = got.length > 0 && got[0] == alphas[0] * alphas[0] ? " — α_1 was multiplied in twice"
                    : got.length > 0 && got[0] == 0 ? " — did the cumulative product start at 0 instead of 1?" : " — did the cumulative product start at 1?";
            if (got.length != alphas.length || !Feedback.close(alphas[0], got[0])) {
                throw new AssertionError("ᾱ_1 should equal α_1" + extra + "\n  input: alphas = " + Arrays.toString(alphas)
                        + "\n  expected: ᾱ_1 = " + alphas[0] + "\n  got: " + Arrays.toString(got));
            }
        }
    }
}
