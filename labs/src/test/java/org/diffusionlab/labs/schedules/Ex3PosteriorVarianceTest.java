package org.diffusionlab.labs.schedules;

import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("schedules")
@DisplayName("Exercise 3: the posterior variance β̃")
class Ex3PosteriorVarianceTest {

    private static void check(NoiseSchedule s) {
        int T = s.T();
        double[] expected = new double[T], swapped = new double[T], noPrevOne = new double[T], shifted = new double[T];
        for (int t = 1; t <= T; t++) {
            expected[t - 1] = Variance.POSTERIOR.sigmaSquared(s, t);
            swapped[t - 1] = (1 - s.alphaBar(t)) / (1 - s.alphaBarPrev(t)) * s.beta(t);
            noPrevOne[t - 1] = t == 1 ? s.beta(1) : expected[t - 1];
            shifted[t - 1] = (1 - s.alphaBar(t)) / (1 - (t < T ? s.alphaBar(t + 1) : s.alphaBar(t))) * s.beta(t);
        }
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        mistakes.put("numerator and denominator swapped: β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t, which is ≤ β_t", swapped);
        mistakes.put("β̃_1 must be 0: ᾱ_0 = 1 by convention, so 1 − ᾱ_0 = 0 (you used β_1 there)", noPrevOne);
        mistakes.put("off by one: ᾱ_{t−1} is alphaBars[t − 2] (index t − 1 holds ᾱ_t)", shifted);
        mistakes.put("β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t: the β_t factor is missing",
                java.util.stream.IntStream.rangeClosed(1, T).mapToDouble(t -> (1 - s.alphaBarPrev(t)) / (1 - s.alphaBar(t))).toArray());
        Feedback.assertArray("posteriorVariance is wrong", Reference.describe(s), expected,
                Posterior.posteriorVariance(Reference.schedule(s)), mistakes);
    }

    @Test
    @Graded(exercise = "3.1", points = 1)
    @DisplayName("posteriorVariance matches the reference for the linear and cosine schedules")
    void standard() {
        check(NoiseSchedule.linearBetaSchedule(100, 1e-4, 5e-3));
        check(NoiseSchedule.cosineBetaSchedule(100));
        check(NoiseSchedule.cosineBetaSchedule(1000));
    }

    @Test
    @Graded(exercise = "3.1", points = 0.5)
    @DisplayName("posteriorVariance matches the reference on random schedules")
    void random() {
        check(Reference.randomSchedule(7, 71));
        check(Reference.randomSchedule(40, 72));
    }

    @Test
    @Graded(exercise = "3.1", points = 0.5)
    @DisplayName("posteriorVariance is exactly 0 at t = 1, also for T = 1 and T = 2")
    void firstIsZero() {
        for (NoiseSchedule s : new NoiseSchedule[] {NoiseSchedule.fromBetas(new double[] {0.3}),
                NoiseSchedule.fromBetas(new double[] {0.02, 0.5}), NoiseSchedule.cosineBetaSchedule(100)}) {
            double[] got = Posterior.posteriorVariance(Reference.schedule(s));
            if (got.length != s.T() || got[0] != 0.0) {
                throw new AssertionError("β̃_1 (index 0) must be exactly 0 (ᾱ_0 = 1: the last reverse step adds no noise)\n  input: "
                        + Reference.describe(s) + "\n  got: " + Feedback.show(got));
            }
            check(s);
        }
    }
}
