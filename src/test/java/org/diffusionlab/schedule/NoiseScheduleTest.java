package org.diffusionlab.schedule;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.IntToDoubleFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class NoiseScheduleTest {

    /**
     * 100 random valid schedules from a fixed seed (reproducible): T in 1..1000, β_start and β_end
     * log-uniform in [1e-5, 0.2], increasing or decreasing. The bounds keep ᾱ_T ≥ 0.8^1000 ≈ 1e-97,
     * far above double underflow, so "strictly decreasing in (0, 1)" is a fair demand.
     */
    static Stream<Arguments> randomSchedules() {
        SplittableRandom rng = new SplittableRandom(20240601L);
        return Stream.generate(() -> Arguments.of(rng.nextInt(1, 1001),
                        Math.exp(rng.nextDouble(Math.log(1e-5), Math.log(0.2))),
                        Math.exp(rng.nextDouble(Math.log(1e-5), Math.log(0.2)))))
                .limit(100);
    }

    @ParameterizedTest(name = "T = {0}, betaStart = {1}, betaEnd = {2}")
    @MethodSource("randomSchedules")
    @DisplayName("ᾱ is strictly decreasing and stays in (0, 1)")
    void alphaBarDecreasesInsideUnitInterval(int T, double betaStart, double betaEnd) {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(T, betaStart, betaEnd);
        for (int t = 1; t <= T; t++) {
            double ab = s.alphaBar(t);
            int tt = t;
            assertTrue(ab > 0 && ab < 1, () -> "alphaBar(" + tt + ") = " + ab + ", expected in (0, 1)");
            if (t > 1) {
                double prev = s.alphaBar(t - 1);
                assertTrue(ab < prev, () -> "alphaBar(" + tt + ") = " + ab + " is not below alphaBar(" + (tt - 1) + ") = " + prev);
            }
        }
    }

    @ParameterizedTest(name = "T = {0}, betaStart = {1}, betaEnd = {2}")
    @MethodSource("randomSchedules")
    @DisplayName("α_t = 1 − β_t, ᾱ_1 = α_1, ᾱ_t = ᾱ_{t−1}·α_t, and ᾱ_T = exp(Σ log(1 − β_t))")
    void derivedQuantitiesFollowFromBeta(int T, double betaStart, double betaEnd) {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(T, betaStart, betaEnd);
        assertEquals(T, s.T(), "T()");
        assertEquals(s.alpha(1), s.alphaBar(1), "alphaBar(1) vs alpha(1)");
        assertEquals(1.0, s.alphaBarPrev(1), "alphaBarPrev(1) is ᾱ_0 = 1");
        double logAlphaBar = 0;
        for (int t = 1; t <= T; t++) {
            int tt = t;
            assertEquals(1 - s.beta(t), s.alpha(t), 1e-15, () -> "alpha(" + tt + ") with beta = " + s.beta(tt));
            if (t > 1) {
                assertEquals(s.alphaBar(t - 1) * s.alpha(t), s.alphaBar(t), 1e-15 * s.alphaBar(t),
                        () -> "alphaBar(" + tt + ") vs alphaBar(" + (tt - 1) + ")·alpha(" + tt + ")");
                assertEquals(s.alphaBar(t - 1), s.alphaBarPrev(t), () -> "alphaBarPrev(" + tt + ")");
            }
            assertEquals(Math.sqrt(s.alphaBar(t)), s.sqrtAlphaBar(t), 1e-15, () -> "sqrtAlphaBar(" + tt + ")");
            assertEquals(Math.sqrt(1 - s.alphaBar(t)), s.sqrtOneMinusAlphaBar(t), 1e-15, () -> "sqrtOneMinusAlphaBar(" + tt + ")");
            logAlphaBar += Math.log1p(-s.beta(t));
        }
        // An independent route to the product: rounding in T ≤ 1000 factors stays below 1e-12 relative.
        double expected = Math.exp(logAlphaBar);
        assertEquals(expected, s.terminalAlphaBar(), 1e-12 * expected, "terminalAlphaBar() vs exp(Σ log(1 − β))");
        assertEquals(s.alphaBar(T), s.terminalAlphaBar(), "terminalAlphaBar() vs alphaBar(T)");
    }

    @ParameterizedTest(name = "T = {0}, betaStart = {1}, betaEnd = {2}")
    @MethodSource("randomSchedules")
    @DisplayName("β is linear: β_1 = start, β_T = end, equally spaced")
    void betaIsLinear(int T, double betaStart, double betaEnd) {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(T, betaStart, betaEnd);
        assertEquals(betaStart, s.beta(1), "beta(1)");
        if (T == 1) return;
        // start + (end − start)·(t − 1)/(T − 1) rounds at the scale of the larger β, not of β_t itself.
        double tol = 4 * Math.ulp(Math.max(betaStart, betaEnd));
        assertEquals(betaEnd, s.beta(T), tol, "beta(T)");
        double spacing = (betaEnd - betaStart) / (T - 1);
        for (int t = 2; t <= T; t++) {
            int tt = t;
            assertEquals(spacing, s.beta(t) - s.beta(t - 1), tol,
                    () -> "beta(" + tt + ") − beta(" + (tt - 1) + ") for start " + betaStart + ", end " + betaEnd);
        }
    }

    @Test
    @DisplayName("the arrays hold t = 1..T at indices 0..T−1 and are copies")
    void arraysAreZeroIndexedCopies() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(5, 0.1, 0.3);
        double[] betas = s.betas(), alphas = s.alphas(), alphaBars = s.alphaBars();
        for (int t = 1; t <= 5; t++) {
            assertEquals(s.beta(t), betas[t - 1], "betas()[" + (t - 1) + "]");
            assertEquals(s.alpha(t), alphas[t - 1], "alphas()[" + (t - 1) + "]");
            assertEquals(s.alphaBar(t), alphaBars[t - 1], "alphaBars()[" + (t - 1) + "]");
        }
        betas[0] = 0.9;
        alphaBars[0] = 0.5;
        assertEquals(0.1, s.beta(1), "beta(1) after changing the returned array");
        assertEquals(0.9, s.alphaBar(1), 1e-15, "alphaBar(1) after changing the returned array");
    }

    @Test
    @DisplayName("fromBetas gives the same schedule as linearBetaSchedule for the same β values")
    void fromBetasMatchesLinear() {
        NoiseSchedule linear = NoiseSchedule.linearBetaSchedule(10, 1e-3, 0.05);
        double[] betas = linear.betas();
        NoiseSchedule explicit = NoiseSchedule.fromBetas(betas);
        betas[0] = 0.5;
        for (int t = 1; t <= 10; t++) {
            assertEquals(linear.alphaBar(t), explicit.alphaBar(t), "alphaBar(" + t + ")");
        }
    }

    @Test
    @DisplayName("the lab's default (T = 100, β 1e-4..5e-3) leaves ᾱ_T ≈ 0.7746 and warns about it")
    void notebookDefaultWarns() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(100, 1e-4, 5e-3);
        // Σβ = 100·(1e-4 + 5e-3)/2 = 0.255, and ᾱ_T ≈ exp(−Σβ − Σβ²/2) = 0.7746.
        assertEquals(0.7746, s.terminalAlphaBar(), 5e-5, "terminalAlphaBar()");
        String warning = s.terminalWarning().orElseThrow(() -> new AssertionError("expected a terminal warning"));
        assertTrue(warning.contains("0.7746"), () -> "the warning should quote alpha_bar_T = 0.7746: " + warning);
        assertTrue(warning.contains("T = 100"), () -> "the warning should name T = 100: " + warning);
    }

    @Test
    @DisplayName("a schedule that reaches noise (T = 1000, β 1e-4..0.02, ᾱ_T ≈ 4e-5) gives no warning")
    void noisyEnoughScheduleDoesNotWarn() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(1000, 1e-4, 0.02);
        assertTrue(s.terminalAlphaBar() < 1e-4, () -> "terminalAlphaBar() = " + s.terminalAlphaBar());
        assertTrue(s.terminalWarning().isEmpty(), () -> "unexpected warning: " + s.terminalWarning().orElse(""));
    }

    @Test
    @DisplayName("the warning threshold is ᾱ_T = 0.01: just above warns, just below does not")
    void warningThreshold() {
        // A single step with β = 0.99 ± 0.001 puts ᾱ_T = 1 − β on either side of 0.01.
        assertTrue(NoiseSchedule.fromBetas(new double[] {0.989}).terminalWarning().isPresent(), "ᾱ_T = 0.011");
        assertTrue(NoiseSchedule.fromBetas(new double[] {0.991}).terminalWarning().isEmpty(), "ᾱ_T = 0.009");
    }

    @ParameterizedTest(name = "T = {0}")
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
    @DisplayName("T < 1 is rejected with a message naming T and its value")
    void rejectsBadT(int T) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.linearBetaSchedule(T, 1e-4, 0.02));
        assertMessageNames(e, "T = " + T);
    }

    @ParameterizedTest(name = "beta = {0}")
    @ValueSource(doubles = {0.0, -1e-3, 1.0, 1.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    @DisplayName("β outside (0, 1) or NaN is rejected for betaStart, betaEnd and fromBetas, naming the parameter and value")
    void rejectsBadBeta(double beta) {
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.linearBetaSchedule(10, beta, 0.02)), "betaStart = " + beta);
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.linearBetaSchedule(10, 1e-4, beta)), "betaEnd = " + beta);
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.fromBetas(new double[] {0.1, beta})), "betas[1] = " + beta);
    }

    @ParameterizedTest(name = "beta = {0}")
    @ValueSource(doubles = {1e-20, 1e-13, 0.9991, 0.999999, 1 - 1e-16})
    @DisplayName("β inside (0, 1) but outside [MIN_BETA, MAX_BETA], where the samplers stop being finite, is rejected")
    void rejectsBetaThatCannotStayFinite(double beta) {
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.linearBetaSchedule(10, beta, 0.02)), "betaStart = " + beta);
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.fromBetas(new double[] {0.1, beta})), "betas[1] = " + beta);
        // the bounds themselves are fine
        NoiseSchedule.linearBetaSchedule(10, NoiseSchedule.MIN_BETA, NoiseSchedule.MAX_BETA);
    }

    @Test
    @DisplayName("a schedule whose ᾱ_T underflows to 0 is rejected, naming T and the step where it happened")
    void rejectsUnderflowingAlphaBar() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.linearBetaSchedule(1000, 1e-4, 0.999));
        assertMessageNames(e, "T = 1000");
        assertTrue(e.getMessage().contains("underflows") && e.getMessage().contains("at t = "), e.getMessage());
    }

    @Test
    @DisplayName("an empty β array is rejected")
    void rejectsEmptyBetas() {
        assertMessageNames(assertThrows(IllegalArgumentException.class,
                () -> NoiseSchedule.fromBetas(new double[0])), "betas.length = 0");
    }

    static Stream<Arguments> accessors() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(10, 1e-4, 0.02);
        return Stream.of(
                Arguments.of("beta", (IntToDoubleFunction) s::beta),
                Arguments.of("alpha", (IntToDoubleFunction) s::alpha),
                Arguments.of("alphaBar", (IntToDoubleFunction) s::alphaBar),
                Arguments.of("alphaBarPrev", (IntToDoubleFunction) s::alphaBarPrev),
                Arguments.of("sqrtAlphaBar", (IntToDoubleFunction) s::sqrtAlphaBar),
                Arguments.of("sqrtOneMinusAlphaBar", (IntToDoubleFunction) s::sqrtOneMinusAlphaBar));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accessors")
    @DisplayName("t = 0 and t = T + 1 are rejected by every accessor, naming t, its value and [1, T]")
    void rejectsTOutsideOneToT(String name, IntToDoubleFunction accessor) {
        for (int t : new int[] {0, 11, -5}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> accessor.applyAsDouble(t),
                    () -> name + "(" + t + ") with T = 10 should throw");
            assertMessageNames(e, "t = " + t);
            assertMessageNames(e, "[1, 10]");
        }
        assertAll(() -> accessor.applyAsDouble(1), () -> accessor.applyAsDouble(10));
    }

    private static void assertMessageNames(IllegalArgumentException e, String expected) {
        assertTrue(e.getMessage() != null && e.getMessage().contains(expected),
                () -> "expected the message to contain \"" + expected + "\", got: " + e.getMessage());
    }
}
