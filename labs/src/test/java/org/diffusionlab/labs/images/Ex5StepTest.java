package org.diffusionlab.labs.images;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graded against the core: x̂0 as the image sampler computes it ({@code PredictionType.EPS}, clipped
 * to [−1, 1]), and the step against {@link AncestralSampler#posteriorMean} and {@link Variance#POSTERIOR}.
 * reverseStep (5.2) gets the reference's x̂0, so it is graded on its own.
 */
@Lab("images")
@DisplayName("Exercise 5: x̂0 with clipping and the reverse step on images")
class Ex5StepTest {

    private static NoiseSchedule[] schedules() {
        SplittableRandom rng = new SplittableRandom(451);
        double[] random = new double[7];
        for (int i = 0; i < random.length; i++) random[i] = rng.nextDouble(1e-4, 0.3);
        return new NoiseSchedule[] {NoiseSchedule.cosineBetaSchedule(100), NoiseSchedule.linearBetaSchedule(100, 1e-4, 0.02),
                NoiseSchedule.fromBetas(random), NoiseSchedule.fromBetas(new double[] {0.3})};
    }

    private static int[] steps(int T) {
        return T == 1 ? new int[] {1} : new int[] {1, 2, T / 2, T};
    }

    private static String describe(NoiseSchedule s, int t) {
        return "T = " + s.T() + ", t = " + t + ", ᾱ_t = " + s.alphaBar(t);
    }

    @Test
    @Graded(exercise = "5.1", points = 1)
    @DisplayName("predictX0 without clipping matches the reference at t = 1, 2, T/2, T (cosine, linear, random, T = 1)")
    void unclipped() {
        long seed = 460;
        for (NoiseSchedule s : schedules()) {
            for (int t : steps(s.T())) {
                double[] xt = Reference.randn(128, 1.2, seed++), eps = Reference.randn(128, 1, seed++);
                double[] xtCopy = xt.clone(), epsCopy = eps.clone();
                double a = Math.sqrt(s.alphaBar(t)), b = Math.sqrt(1 - s.alphaBar(t));
                Map<String, double[]> mistakes = new LinkedHashMap<>();
                int len = xt.length;
                double[] noSqrt = new double[len], after = new double[len], plus = new double[len], divisor = new double[len], noise = new double[len];
                for (int i = 0; i < len; i++) {
                    noSqrt[i] = (xt[i] - b * b * eps[i]) / (a * a);
                    after[i] = xt[i] / a - b * eps[i];
                    plus[i] = (xt[i] + b * eps[i]) / a;
                    divisor[i] = (xt[i] - b * eps[i]) / (a * a);
                    noise[i] = (xt[i] - b * b * eps[i]) / a;
                }
                mistakes.put("the coefficients are square roots: √(1 − ᾱ_t) and √ᾱ_t", noSqrt);
                mistakes.put("subtract √(1 − ᾱ_t)·ε̂ before dividing by √ᾱ_t", after);
                mistakes.put("the noise is subtracted: x̂0 = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t", plus);
                mistakes.put("one square root missing: divide by √ᾱ_t, not ᾱ_t", divisor);
                mistakes.put("one square root missing: ε̂ is scaled by √(1 − ᾱ_t), not 1 − ᾱ_t", noise);
                Reference.assertClose("ImageStep.predictX0 is wrong (no clipping)", describe(s, t), Reference.predictX0(xt, eps, t, s, false),
                        ImageStep.predictX0(xt, eps, s.alphaBar(t), false), mistakes);
                Reference.assertClose("ImageStep.predictX0 changed its input xt", "", xtCopy, xt, Map.of());
                Reference.assertClose("ImageStep.predictX0 changed its input epsHat", "", epsCopy, eps, Map.of());
            }
        }
    }

    @Test
    @Graded(exercise = "5.1", points = 1)
    @DisplayName("predictX0 with clipping keeps every pixel in [−1, 1] (the image range) and matches the reference")
    void clipped() {
        long seed = 480;
        for (NoiseSchedule s : schedules()) {
            for (int t : steps(s.T())) {
                double[] xt = Reference.randn(128, 1.2, seed++), eps = Reference.randn(128, 1, seed++);
                Map<String, double[]> mistakes = new LinkedHashMap<>();
                mistakes.put("x̂0 was not clipped: at large t, x̂0 amplifies ε̂'s error by 1/√ᾱ_t and must be clamped to [−1, 1]",
                        Reference.predictX0(xt, eps, t, s, false));
                double[] unit = Reference.predictX0(xt, eps, t, s, false);
                for (int i = 0; i < unit.length; i++) unit[i] = Math.max(0, Math.min(1, unit[i]));
                mistakes.put("the pixels live in [−1, 1] (exercise 1), not [0, 1]", unit);
                Reference.assertClose("ImageStep.predictX0 is wrong (clipped)", describe(s, t), Reference.predictX0(xt, eps, t, s, true),
                        ImageStep.predictX0(xt, eps, s.alphaBar(t), true), mistakes);
            }
        }
    }

    private static double[] expectedStep(double[] xt, double[] eps, int t, NoiseSchedule s, double[] z, boolean clip, boolean noise) {
        double[] x0 = Reference.predictX0(xt, eps, t, s, clip);
        SimpleMatrix mean = AncestralSampler.posteriorMean(new SimpleMatrix(1, x0.length, true, x0), new SimpleMatrix(1, xt.length, true, xt), t, s);
        double sigma = Math.sqrt(Variance.POSTERIOR.sigmaSquared(s, t));
        double[] out = new double[xt.length];
        for (int i = 0; i < out.length; i++) out[i] = mean.get(0, i) + (t > 1 && noise ? sigma * z[i] : 0);
        return out;
    }

    private static double[] student(double[] xt, double[] eps, int t, NoiseSchedule s, double[] z, boolean clip) {
        return ImageStep.reverseStep(xt, eps, t, s.betas(), z, clip, Reference.x0());
    }

    @Test
    @Graded(exercise = "5.2", points = 2)
    @DisplayName("reverseStep matches the reference (posterior mean + √β̃_t·z) at t = 2, T/2, T, with and without clipping")
    void step() {
        long seed = 500;
        for (NoiseSchedule s : schedules()) {
            for (int t : steps(s.T())) {
                if (t == 1) continue;
                for (boolean clip : new boolean[] {false, true}) {
                    double[] xt = Reference.randn(64, 1.2, seed++), eps = Reference.randn(64, 1, seed++), z = Reference.randn(64, 1, seed++);
                    double[] mean = expectedStep(xt, eps, t, s, z, clip, false);
                    Map<String, double[]> mistakes = new LinkedHashMap<>();
                    mistakes.put("the noise term is missing: x_{t−1} = μ̃ + √β̃_t·z for t > 1", mean);
                    double[] beta = mean.clone(), variance = mean.clone();
                    double bt = s.beta(t), vt = Variance.POSTERIOR.sigmaSquared(s, t);
                    for (int i = 0; i < beta.length; i++) {
                        beta[i] += Math.sqrt(bt) * z[i];
                        variance[i] += vt * z[i];
                    }
                    mistakes.put("σ_t is √β̃_t (the posterior variance), not √β_t", beta);
                    mistakes.put("σ_t = √β̃_t: you scaled z by the variance β̃_t instead of its square root", variance);
                    double[] x0 = Reference.predictX0(xt, eps, t, s, clip), signal = variance.clone(), decay = variance.clone();
                    double ab = s.alphaBar(t), abPrev = s.alphaBar(t - 1), sigma = Math.sqrt(vt);
                    for (int i = 0; i < xt.length; i++) {
                        signal[i] = Math.sqrt(ab) * bt / (1 - ab) * x0[i] + Math.sqrt(1 - bt) * (1 - abPrev) / (1 - ab) * xt[i] + sigma * z[i];
                        decay[i] = Math.sqrt(abPrev) * bt / (1 - ab) * x0[i] + (1 - bt) * (1 - abPrev) / (1 - ab) * xt[i] + sigma * z[i];
                    }
                    mistakes.put("index off by one in μ̃: x̂0's coefficient is √ᾱ_{t−1}·β_t/(1 − ᾱ_t), with ᾱ_{t−1}, not ᾱ_t", signal);
                    mistakes.put("one square root missing in μ̃: x_t's coefficient is √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t), √α_t = √(1 − β_t)", decay);
                    if (clip) mistakes.put("x̂0 was not clipped: pass clip on to x0.predictX0", expectedStep(xt, eps, t, s, z, false, true));
                    Reference.assertClose("ImageStep.reverseStep is wrong (clip = " + clip + ")", describe(s, t),
                            expectedStep(xt, eps, t, s, z, clip, true), student(xt, eps, t, s, z, clip), mistakes);
                }
            }
        }
    }

    @Test
    @Graded(exercise = "5.2", points = 1)
    @DisplayName("reverseStep at t = 1 returns μ̃_1 = x̂0, adds no noise (with z = null or a real z) and accepts z = null (also for T = 1)")
    void lastStep() {
        long seed = 560;
        for (NoiseSchedule s : schedules()) {
            double[] xt = Reference.randn(64, 1.2, seed++), eps = Reference.randn(64, 1, seed++);
            double[] got;
            try {
                got = student(xt, eps, 1, s, null, true);
            } catch (NullPointerException e) {
                throw new AssertionError("ImageStep.reverseStep(t = 1, z = null) threw a NullPointerException: at t = 1 there is no noise, "
                        + "do not touch z\n  input: " + describe(s, 1), e);
            }
            Reference.assertClose("ImageStep.reverseStep at t = 1 should return the posterior mean μ̃_1 = x̂0 (no noise)", describe(s, 1),
                    expectedStep(xt, eps, 1, s, null, true, false), got, Map.of());
            double[] z = Reference.randn(64, 1, seed++);
            double[] noisy = expectedStep(xt, eps, 1, s, z, true, false);
            double sigma = Math.sqrt(s.beta(1));
            for (int i = 0; i < noisy.length; i++) noisy[i] += sigma * z[i];
            Reference.assertClose("ImageStep.reverseStep at t = 1 with a noise matrix z passed in should still return μ̃_1 (no noise)",
                    describe(s, 1), expectedStep(xt, eps, 1, s, z, true, false), student(xt, eps, 1, s, z, true),
                    Map.of("noise was added at t = 1: the last step returns the mean, even when z is given", noisy));
        }
    }
}
