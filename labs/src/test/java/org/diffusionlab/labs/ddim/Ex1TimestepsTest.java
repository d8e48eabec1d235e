package org.diffusionlab.labs.ddim;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("ddim")
@DisplayName("Exercise 1: the DDIM timesteps and their previous timesteps")
class Ex1TimestepsTest {

    private static double[] d(int[] a) {
        return Arrays.stream(a).asDoubleStream().toArray();
    }

    private static void checkTimesteps(int T, int S) {
        int[] expected = Reference.timesteps(T, S);
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        double[] zeroBased = new double[S], earlyFloor = new double[S], leading = new double[S];
        for (int i = 1; i <= S; i++) {
            zeroBased[i - 1] = (double) ((long) (i - 1) * T / S);
            earlyFloor[i - 1] = (double) (T / S) * i;
            leading[i - 1] = 1 + (double) (T / S) * (i - 1);
        }
        mistakes.put("that is leading spacing 1, 1 + ⌊T/S⌋, …: it never reaches T; the timesteps must end at τ_S = T, where"
                + " training's noise level is (trailing spacing, τ_i = ⌊i·T/S⌋)", leading);
        mistakes.put("i runs 1..S, not 0..S−1: τ_1 = ⌊T/S⌋ and τ_S = T (the sampler must start at the trained level T); "
                + "you returned the previous timesteps (exercise 1.2)", zeroBased);
        mistakes.put("T/S is rounded before multiplying by i; compute i·T first, then divide (τ_S must be T)", earlyFloor);
        Feedback.assertArray("timesteps(" + T + ", " + S + ") is wrong", "T = " + T + ", S = " + S, d(expected),
                d(Timesteps.timesteps(T, S)), mistakes);
    }

    private static void checkPrevious(int T, int S) {
        int[] expected = Reference.previous(T, S);
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        mistakes.put("those are the timesteps themselves (1.1); previous(T, S)[i − 1] is τ_{i−1}, the level the step from τ_i lands on",
                d(Reference.timesteps(T, S)));
        double[] minusOne = new double[S];
        for (int i = 0; i < S; i++) minusOne[i] = Reference.timesteps(T, S)[i] - 1;
        mistakes.put("t − 1 is the previous step of DDPM (S = T) only; with S < T the step from τ_i jumps to τ_{i−1}", minusOne);
        double[] earlyFloor = new double[S];
        for (int i = 1; i <= S; i++) earlyFloor[i - 1] = (double) (T / S) * (i - 1);
        mistakes.put("T/S is rounded before multiplying by i − 1; compute (i − 1)·T first, then divide", earlyFloor);
        Feedback.assertArray("previous(" + T + ", " + S + ") is wrong", "T = " + T + ", S = " + S
                + " (timesteps " + Arrays.toString(Reference.timesteps(T, S)) + ")", d(expected), d(Timesteps.previous(T, S)), mistakes);
    }

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("timesteps(10, 5) is [2, 4, 6, 8, 10] (the hand case)")
    void handCase() {
        checkTimesteps(10, 5);
    }

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("timesteps(T, T) is 1..T (DDPM's steps) and timesteps(T, 1) is [T]")
    void extremes() {
        checkTimesteps(7, 7);
        checkTimesteps(100, 100);
        checkTimesteps(1, 1);
        checkTimesteps(100, 1);
    }

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("timesteps matches the reference when S does not divide T (e.g. T = 1000, S = 3 → [333, 666, 1000])")
    void uneven() {
        checkTimesteps(1000, 3);
        checkTimesteps(100, 7);
        SplittableRandom rng = new SplittableRandom(11);
        for (int k = 0; k < 20; k++) {
            int T = rng.nextInt(1, 1500);
            checkTimesteps(T, rng.nextInt(1, T + 1));
        }
    }

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("timesteps rejects T < 1, S < 1 and S > T with an IllegalArgumentException")
    void timestepsRejectsBadInput() {
        for (int[] bad : new int[][] {{0, 1}, {10, 0}, {10, 11}, {5, -1}}) {
            assertThrows(IllegalArgumentException.class, () -> Timesteps.timesteps(bad[0], bad[1]),
                    "timesteps(" + bad[0] + ", " + bad[1] + ") should throw an IllegalArgumentException (need T >= 1, 1 <= S <= T)");
        }
    }

    @Test
    @Graded(exercise = "1.2", points = 1)
    @DisplayName("previous(10, 5) is [0, 2, 4, 6, 8]: the chain visits 10 → 8 → 6 → 4 → 2 → 0")
    void handCasePrevious() {
        checkPrevious(10, 5);
    }

    @Test
    @Graded(exercise = "1.2", points = 0.5)
    @DisplayName("previous(T, T) is 0..T−1 and previous(T, 1) is [0]: the last step lands on 0 (ᾱ_0 = 1)")
    void previousExtremes() {
        checkPrevious(7, 7);
        checkPrevious(100, 1);
        checkPrevious(1, 1);
    }

    @Test
    @Graded(exercise = "1.2", points = 1)
    @DisplayName("previous matches the reference's transitions on random T and S")
    void previousRandom() {
        checkPrevious(1000, 3);
        SplittableRandom rng = new SplittableRandom(12);
        for (int k = 0; k < 20; k++) {
            int T = rng.nextInt(1, 1500);
            checkPrevious(T, rng.nextInt(1, T + 1));
        }
    }

    @Test
    @Graded(exercise = "1.2", points = 0.5)
    @DisplayName("previous rejects T < 1, S < 1 and S > T with an IllegalArgumentException")
    void previousRejectsBadInput() {
        for (int[] bad : new int[][] {{0, 1}, {10, 0}, {10, 11}}) {
            assertThrows(IllegalArgumentException.class, () -> Timesteps.previous(bad[0], bad[1]),
                    "previous(" + bad[0] + ", " + bad[1] + ") should throw an IllegalArgumentException (need T >= 1, 1 <= S <= T)");
        }
    }
}
