package org.diffusionlab.labs.ddim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.sample.DdimSampler;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("ddim")
@DisplayName("Exercise 2: one DDIM step (DDIM eq. 12)")
class Ex2StepTest {

    private static void checkSigma(NoiseSchedule s, int t, int p, double eta) {
        double abT = s.alphaBar(t), abP = Reference.alphaBarOrOne(s, p);
        double expected = Reference.sigma(s, t, p, eta);
        double got = DdimStep.sigma(abT, abP, eta);
        if (Feedback.accept("sigma", expected, got)) return;
        String hint = "";
        // ᾱ_prev > ᾱ_t, so the swapped ratio puts a negative number under the root: that slip shows as NaN
        if (Double.isNaN(got) && eta > 0) {
            hint = "\n  likely mistake: NaN is the square root of a negative number: the second factor is √(1 − ᾱ_t/ᾱ_prev)"
                    + " (ᾱ_t < ᾱ_prev, so the ratio is < 1), not √(1 − ᾱ_prev/ᾱ_t)";
        } else if (Feedback.close(Math.sqrt((1 - abP) / (1 - abT)) * Math.sqrt(1 - abT / abP), got)) {
            hint = "\n  likely mistake: η is missing (η = 0 must give σ = 0)";
        } else if (Feedback.close(eta * eta * (1 - abP) / (1 - abT) * (1 - abT / abP), got)) {
            hint = "\n  likely mistake: that is σ², take the square roots";
        } else if (Feedback.close(eta * (1 - abP) / (1 - abT) * Math.sqrt(1 - abT / abP), got)) {
            hint = "\n  likely mistake: one square root is missing: σ = η·√((1 − ᾱ_prev)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev), the first factor too";
        } else if (Feedback.close(eta * Math.sqrt((1 - abP) / (1 - abT)) * (1 - abT / abP), got)) {
            hint = "\n  likely mistake: one square root is missing: σ = η·√((1 − ᾱ_prev)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_prev), the second factor too";
        }
        throw new AssertionError("sigma is wrong\n  input: ᾱ_t = " + abT + ", ᾱ_prev = " + abP + ", η = " + eta
                + " (t = " + t + ", prev = " + p + ")\n  expected: " + expected + "\n  got:      " + got + hint);
    }

    @Test
    @Graded(exercise = "2.1", points = 1)
    @DisplayName("sigma matches the reference on random schedules, steps and η")
    void sigmaRandom() {
        SplittableRandom rng = new SplittableRandom(21);
        NoiseSchedule s = Reference.randomSchedule(50, rng);
        for (int k = 0; k < 30; k++) {
            int t = rng.nextInt(2, 51);
            checkSigma(s, t, rng.nextInt(1, t), rng.nextDouble());
        }
    }

    @Test
    @Graded(exercise = "2.1", points = 0.5)
    @DisplayName("sigma is 0 for η = 0 and for the last step (ᾱ_prev = 1)")
    void sigmaZero() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(100, 1e-4, 0.02);
        checkSigma(s, 40, 20, 0.0);
        checkSigma(s, 10, 0, 1.0);
        assertEquals(0.0, DdimStep.sigma(s.alphaBar(10), 1.0, 1.0), 1e-15, "the step to p = 0 (ᾱ_prev = 1) must add no noise");
    }

    @Test
    @Graded(exercise = "2.1", points = 0.5)
    @DisplayName("sigma with η = 1 and prev = t − 1 is DDPM's posterior std √β̃_t")
    void sigmaIsPosteriorStd() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(100, 1e-4, 0.02);
        for (int t : new int[] {2, 30, 100}) {
            double posterior = Math.sqrt((1 - s.alphaBar(t - 1)) / (1 - s.alphaBar(t)) * s.beta(t));
            double got = DdimStep.sigma(s.alphaBar(t), s.alphaBar(t - 1), 1.0);
            assertTrue(Feedback.accept("sigma", posterior, got), "sigma(ᾱ_" + t + ", ᾱ_" + (t - 1) + ", η = 1) should be "
                    + "√((1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t) = " + posterior + " (DDPM's posterior std), got " + got);
        }
    }

    private static void checkStep(NoiseSchedule s, int t, int p, double eta, SplittableRandom rng, int n) {
        SimpleMatrix xt = Reference.gaussian(n, 2, rng), eps = Reference.gaussian(n, 2, rng), z = Reference.gaussian(n, 2, rng);
        double abT = s.alphaBar(t), abP = Reference.alphaBarOrOne(s, p), sigma = Reference.sigma(s, t, p, eta);
        SimpleMatrix expected = Reference.step(xt, eps, t, p, s, eta, z);
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        SimpleMatrix x0 = xt.minus(eps.scale(Math.sqrt(1 - abT))).divide(Math.sqrt(abT));
        mistakes.put("the direction term must be √(1 − ᾱ_prev − σ²)·ε̂; you used √(1 − ᾱ_prev)·ε̂ (σ² is missing)",
                x0.scale(Math.sqrt(abP)).plus(eps.scale(Math.sqrt(1 - abP))).plus(z.scale(sigma)));
        mistakes.put("the fresh noise σ·z is missing", x0.scale(Math.sqrt(abP)).plus(eps.scale(Math.sqrt(Math.max(0, 1 - abP - sigma * sigma)))));
        mistakes.put("x̂0 divides by √ᾱ_t and subtracts √(1 − ᾱ_t)·ε̂; you used ᾱ_t without the square roots",
                xt.minus(eps.scale(1 - abT)).divide(abT).scale(Math.sqrt(abP))
                        .plus(eps.scale(Math.sqrt(Math.max(0, 1 - abP - sigma * sigma)))).plus(z.scale(sigma)));
        mistakes.put("one square root is missing in x̂0: it divides by √ᾱ_t, not ᾱ_t",
                xt.minus(eps.scale(Math.sqrt(1 - abT))).divide(abT).scale(Math.sqrt(abP))
                        .plus(eps.scale(Math.sqrt(Math.max(0, 1 - abP - sigma * sigma)))).plus(z.scale(sigma)));
        mistakes.put("one square root is missing in x̂0: it subtracts √(1 − ᾱ_t)·ε̂, not (1 − ᾱ_t)·ε̂",
                xt.minus(eps.scale(1 - abT)).divide(Math.sqrt(abT)).scale(Math.sqrt(abP))
                        .plus(eps.scale(Math.sqrt(Math.max(0, 1 - abP - sigma * sigma)))).plus(z.scale(sigma)));
        mistakes.put("the direction term is √(1 − ᾱ_prev − σ²)·ε̂: you left out its square root",
                x0.scale(Math.sqrt(abP)).plus(eps.scale(Math.max(0, 1 - abP - sigma * sigma))).plus(z.scale(sigma)));
        mistakes.put("x̂0 is scaled by ᾱ_prev; it must be √ᾱ_prev",
                x0.scale(abP).plus(eps.scale(Math.sqrt(Math.max(0, 1 - abP - sigma * sigma)))).plus(z.scale(sigma)));
        Feedback.assertMatrix("step is wrong", "t = " + t + ", prev = " + p + ", ᾱ_t = " + abT + ", ᾱ_prev = " + abP
                        + ", η = " + eta + ", σ = " + sigma + ", xt " + Feedback.show(xt) + ", ε̂ " + Feedback.show(eps),
                expected, DdimStep.step(xt, eps, abT, abP, sigma, z), mistakes);
    }

    @Test
    @Graded(exercise = "2.2", points = 1.5)
    @DisplayName("step matches the reference exactly on random inputs with η = 0, 0.5 and 1")
    void stepRandom() {
        SplittableRandom rng = new SplittableRandom(22);
        NoiseSchedule s = Reference.randomSchedule(60, rng);
        for (double eta : new double[] {0.0, 0.5, 1.0}) {
            for (int k = 0; k < 5; k++) {
                int t = rng.nextInt(2, 61);
                checkStep(s, t, rng.nextInt(1, t), eta, rng, 5);
            }
        }
    }

    @Test
    @Graded(exercise = "2.2", points = 0.5)
    @DisplayName("step to prev = 0 (ᾱ_0 = 1) returns x̂0 itself")
    void stepToZero() {
        SplittableRandom rng = new SplittableRandom(23);
        NoiseSchedule s = Reference.randomSchedule(20, rng);
        checkStep(s, 20, 0, 0.0, rng, 4);
        checkStep(s, 3, 0, 1.0, rng, 4);
    }

    @Test
    @Graded(exercise = "2.2", points = 0.5)
    @DisplayName("step with η = 1 and prev = t − 1 (DDPM-like) matches the reference at every t of a T = 1000 schedule")
    void stepDdpmLike() {
        SplittableRandom rng = new SplittableRandom(24);
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(1000, 1e-4, 0.02);
        for (int t = 2; t <= 1000; t++) checkStep(s, t, t - 1, 1.0, rng, 1);
    }

    @Test
    @Graded(exercise = "2.2", points = 1)
    @DisplayName("with the exact ε̂ of one-point data, η = 0 lands on that point from any start (T = 100, S = 10)")
    void oracleReturnsTheDataPoint() {
        SplittableRandom rng = new SplittableRandom(25);
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(100, 1e-4, 0.05);
        SimpleMatrix c = new SimpleMatrix(1, 2, true, 1.5, -0.7);
        SimpleMatrix start = Reference.gaussian(6, 2, rng);
        SimpleMatrix x = start;
        SimpleMatrix cRows = new SimpleMatrix(6, 2);
        for (int i = 0; i < 6; i++) cRows.setRow(i, 0, c.get(0, 0), c.get(0, 1));
        List<DdimSampler.Transition> path = DdimSampler.transitions(100, 10);
        for (DdimSampler.Transition tr : path) {
            double abT = s.alphaBar(tr.from()), abP = Reference.alphaBarOrOne(s, tr.to());
            // data is the single point c, so x_t = √ᾱ_t·c + √(1 − ᾱ_t)·ε pins ε down exactly
            SimpleMatrix oracle = x.minus(cRows.scale(Math.sqrt(abT))).divide(Math.sqrt(1 - abT));
            x = DdimStep.step(x, oracle, abT, abP, 0.0, null);
        }
        Feedback.assertMatrix("DDIM (η = 0) with the exact ε̂ of the one-point data (1.5, −0.7) did not return that point",
                "start " + Feedback.show(start) + ", transitions " + path, cRows, x, Feedback.mistakes());
    }
}
