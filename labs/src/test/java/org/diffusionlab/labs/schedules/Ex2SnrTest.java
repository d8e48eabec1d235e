package org.diffusionlab.labs.schedules;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("schedules")
@DisplayName("Exercise 2: the signal-to-noise ratio")
class Ex2SnrTest {

    private static double[] referenceSnr(NoiseSchedule s) {
        double[] out = new double[s.T()];
        for (int t = 1; t <= s.T(); t++) out[t - 1] = s.snr(t);
        return out;
    }

    /** How much 1 − ᾱ_t magnifies a relative rounding of ᾱ_t: 1/(1 − ᾱ_t) (the tolerance policy in Feedback). */
    private static double[] condition(double[] alphaBars) {
        return Arrays.stream(alphaBars).map(a -> 1 / (1 - a)).toArray();
    }

    @Test
    @Graded(exercise = "2.1", points = 1)
    @DisplayName("snr is ᾱ_t/(1 − ᾱ_t) on linear, cosine and random schedules (T = 1 included), leaving ᾱ unchanged")
    void snr() {
        for (NoiseSchedule s : Reference.schedules()) {
            double[] ab = s.alphaBars();
            double[] copy = ab.clone();
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            mistakes.put("that is (1 − ᾱ)/ᾱ, the noise-to-signal ratio: SNR puts the signal variance ᾱ_t on top",
                    Arrays.stream(ab).map(a -> (1 - a) / a).toArray());
            mistakes.put("SNR compares variances, ᾱ_t/(1 − ᾱ_t), not standard deviations √ᾱ_t/√(1 − ᾱ_t)",
                    Arrays.stream(ab).map(a -> Math.sqrt(a / (1 - a))).toArray());
            mistakes.put("the denominator is 1 − ᾱ_t (the noise variance), you divided by ᾱ_t − 1",
                    Arrays.stream(ab).map(a -> a / (a - 1)).toArray());
            mistakes.put("SNR is ᾱ_t/(1 − ᾱ_t): no square root on ᾱ_t", Arrays.stream(ab).map(a -> Math.sqrt(a) / (1 - a)).toArray());
            Feedback.assertArray("snr(alphaBars) is wrong", "alphaBars = " + Feedback.show(ab), referenceSnr(s), Snr.snr(ab), mistakes,
                    condition(ab));
            assertArrayEquals(copy, ab, "snr(alphaBars) changed its input: return a new array");
        }
    }

    @Test
    @Graded(exercise = "2.1", points = 0.5)
    @DisplayName("snr is 1 where ᾱ = 1/2 and decreases along a schedule")
    void snrShape() {
        double[] got = Snr.snr(new double[] {0.5});
        if (got.length != 1 || !Feedback.close(1.0, got[0])) {
            throw new AssertionError("snr([0.5]) should be [1.0]: at ᾱ = 1/2 signal and noise have equal variance; got " + Arrays.toString(got));
        }
        double[] cos = Snr.snr(NoiseSchedule.cosineBetaSchedule(100).alphaBars());
        for (int i = 1; i < cos.length; i++) {
            if (!(cos[i] < cos[i - 1])) {
                throw new AssertionError("SNR_t must decrease with t (ᾱ_t does), but for the cosine schedule (T = 100) SNR_" + (i + 1)
                        + " = " + cos[i] + " >= SNR_" + i + " = " + cos[i - 1]);
            }
        }
    }

    private static void checkLog(NoiseSchedule s) {
        double[] expected = Arrays.stream(referenceSnr(s)).map(Math::log10).toArray();
        double[] betas = s.betas();
        double[] copy = betas.clone();
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        mistakes.put("natural log: use Math.log10, not Math.log", Arrays.stream(referenceSnr(s)).map(Math::log).toArray());
        mistakes.put("SNR uses ᾱ_t (the running product of 1 − β), not α_t = 1 − β_t",
                Arrays.stream(betas).map(b -> Math.log10((1 - b) / b)).toArray());
        mistakes.put("that is log₁₀ of (1 − ᾱ)/ᾱ: the sign is flipped", Arrays.stream(expected).map(v -> -v).toArray());
        mistakes.put("log₁₀ of the ratio of standard deviations √ᾱ_t/√(1 − ᾱ_t) is half the answer: SNR compares variances",
                Arrays.stream(expected).map(v -> v / 2).toArray());
        Feedback.assertArray("log10Snr(betas) is wrong", Reference.describe(s), expected, Snr.log10Snr(betas), mistakes,
                condition(s.alphaBars()));
        assertArrayEquals(copy, betas, "log10Snr(betas) changed its input");
    }

    @Test
    @Graded(exercise = "2.2", points = 1)
    @DisplayName("log10Snr matches log₁₀ of the reference SNR for linear and cosine schedules (T = 100, 1000)")
    void log10SnrStandard() {
        checkLog(NoiseSchedule.linearBetaSchedule(100, 1e-4, 5e-3));
        checkLog(NoiseSchedule.linearBetaSchedule(1000, 1e-4, 0.02));
        checkLog(NoiseSchedule.cosineBetaSchedule(100));
        checkLog(NoiseSchedule.cosineBetaSchedule(1000));
    }

    @Test
    @Graded(exercise = "2.2", points = 0.5)
    @DisplayName("log10Snr matches the reference on random schedules and T = 1, 2")
    void log10SnrEdges() {
        checkLog(Reference.randomSchedule(9, 61));
        checkLog(Reference.randomSchedule(60, 62));
        checkLog(NoiseSchedule.fromBetas(new double[] {0.3}));
        checkLog(NoiseSchedule.fromBetas(new double[] {0.02, 0.5}));
    }
}
