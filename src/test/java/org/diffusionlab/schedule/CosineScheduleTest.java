package org.diffusionlab.schedule;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CosineScheduleTest {

    private static double f(int t, int T, double s) {
        double c = Math.cos(((double) t / T + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    @Test
    @DisplayName("cosine schedule with T = 4 matches values computed by hand (NumPy, float64)")
    void handValues() {
        NoiseSchedule s = NoiseSchedule.cosineBetaSchedule(4);
        // β_t = 1 − f(t)/f(t−1); β_4 would be 1 − 3.7e-33/0.144 ≈ 1 and is capped at 0.999
        assertArrayEquals(new double[] {0.1529878386730953, 0.41695808751199426, 0.7078587123971634, 0.999},
                s.betas(), 1e-12);
        assertArrayEquals(new double[] {0.8470121613269047, 0.4938435904406378, 0.14427210238573585,
                0.00014427210238573596}, s.alphaBars(), 1e-12);
    }

    @Test
    @DisplayName("cosine ᾱ_t equals f(t)/f(0) wherever β was not capped (T = 1000)")
    void followsTarget() {
        int T = 1000;
        NoiseSchedule s = NoiseSchedule.cosineBetaSchedule(T);
        for (int t = 1; t < T; t++) {
            // ᾱ_t is a product of t factors, each rounded once: error ≲ t·1e-16
            assertEquals(f(t, T, 0.008) / f(0, T, 0.008), s.alphaBar(t), 1e-12, "t = " + t);
        }
    }

    @Test
    @DisplayName("cosine ᾱ decreases strictly, every β lies in (0, 0.999], only β_T is capped and ᾱ_T is tiny")
    void shape() {
        int T = 1000;
        NoiseSchedule s = NoiseSchedule.cosineBetaSchedule(T);
        for (int t = 2; t <= T; t++) assertTrue(s.alphaBar(t) < s.alphaBar(t - 1), "t = " + t);
        int capped = 0;
        for (int t = 1; t <= T; t++) {
            assertTrue(s.beta(t) > 0 && s.beta(t) <= NoiseSchedule.COSINE_MAX_BETA, "β_" + t + " = " + s.beta(t));
            if (s.beta(t) == NoiseSchedule.COSINE_MAX_BETA) capped++;
        }
        assertEquals(1, capped);
        assertEquals(NoiseSchedule.COSINE_MAX_BETA, s.beta(T));
        assertTrue(s.terminalAlphaBar() < 1e-8, "ᾱ_T = " + s.terminalAlphaBar());
        assertTrue(s.terminalWarning().isEmpty());
        // β_1 stays small but not vanishing thanks to s = 0.008
        assertEquals(4.128422482196914e-05, s.beta(1), 1e-15);
    }

    @Test
    @DisplayName("the one-argument factory uses s = 0.008")
    void defaultOffset() {
        assertArrayEquals(NoiseSchedule.cosineBetaSchedule(50, 0.008).betas(),
                NoiseSchedule.cosineBetaSchedule(50).betas());
    }

    @Test
    @DisplayName("SNR_t = ᾱ_t / (1 − ᾱ_t): 1 when half the variance is signal, decreasing in t")
    void snr() {
        NoiseSchedule half = NoiseSchedule.fromBetas(new double[] {0.5, 0.5});
        assertEquals(1.0, half.snr(1), 1e-15);
        assertEquals(0.25 / 0.75, half.snr(2), 1e-15);
        for (NoiseSchedule s : new NoiseSchedule[] {
                NoiseSchedule.cosineBetaSchedule(200), NoiseSchedule.linearBetaSchedule(200, 1e-4, 0.02)}) {
            for (int t = 2; t <= 200; t++) assertTrue(s.snr(t) < s.snr(t - 1), "t = " + t);
        }
    }

    @Test
    @DisplayName("bad T, s and t are rejected naming the parameter")
    void badArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.cosineBetaSchedule(0))
                .getMessage().startsWith("T = 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.cosineBetaSchedule(10, -0.1))
                .getMessage().startsWith("s = -0.1"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> NoiseSchedule.cosineBetaSchedule(10).snr(0))
                .getMessage().startsWith("t = 0"));
    }
}
