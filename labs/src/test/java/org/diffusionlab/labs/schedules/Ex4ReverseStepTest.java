package org.diffusionlab.labs.schedules;


import java.util.Map;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graded exactly against the core's {@link AncestralSampler} with the posterior variance, on random inputs;
 * reverseStep (4.3) gets the reference's 3.1, 4.1 and 4.2 as its parts.
 */
@Lab("schedules")
@DisplayName("Exercise 4: x̂0, the posterior mean and one reverse step")
class Ex4ReverseStepTest {

    /** The steps to check: first, last, and one in between. */
    private static int[] steps(int T) {
        return T == 1 ? new int[] {1} : new int[] {1, Math.max(2, T / 2), T};
    }

    private static String input(NoiseSchedule s, int t, SimpleMatrix xt, SimpleMatrix epsHat) {
        return Reference.describe(s) + ", t = " + t + ", xt = " + Feedback.show(xt) + ", epsHat = " + Feedback.show(epsHat);
    }

    private static void checkX0(NoiseSchedule s, int t, Clip clip, long seed) {
        SimpleMatrix xt = Reference.randn(6, 2, seed).scale(1.5), epsHat = Reference.randn(6, 2, seed + 1);
        SimpleMatrix xtCopy = xt.copy(), epsCopy = epsHat.copy();
        SimpleMatrix expected = Reference.clipped(AncestralSampler.predictX0(xt, epsHat, t, s), clip);
        double a = s.sqrtAlphaBar(t), b = s.sqrtOneMinusAlphaBar(t);
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        mistakes.put("x̂0 was not clipped to [" + clip.min() + ", " + clip.max() + "]", AncestralSampler.predictX0(xt, epsHat, t, s));
        mistakes.put("divide by √ᾱ_t, not ᾱ_t", xt.minus(epsHat.scale(b)).divide(a * a));
        mistakes.put("the noise term is √(1 − ᾱ_t)·ε̂, not (1 − ᾱ_t)·ε̂", xt.minus(epsHat.scale(b * b)).divide(a));
        mistakes.put("ε̂ is subtracted before dividing: (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t, not x_t/√ᾱ_t − √(1 − ᾱ_t)·ε̂", xt.divide(a).minus(epsHat.scale(b)));
        mistakes.put("subtract the noise, do not add it", xt.plus(epsHat.scale(b)).divide(a));
        Feedback.assertMatrix("predictX0 is wrong (clip " + clip + ")", input(s, t, xt, epsHat), expected,
                Posterior.predictX0(xt, epsHat, t, Reference.schedule(s), clip), mistakes);
        Feedback.assertMatrix("predictX0 changed its input xt", "", xtCopy, xt, Feedback.mistakes());
        Feedback.assertMatrix("predictX0 changed its input epsHat", "", epsCopy, epsHat, Feedback.mistakes());
    }

    @Test
    @Graded(exercise = "4.1", points = 1)
    @DisplayName("predictX0 without clipping matches the reference at t = 1, T/2, T (linear, cosine, random, T = 1)")
    void x0Unclipped() {
        long seed = 400;
        for (NoiseSchedule s : Reference.schedules()) {
            for (int t : steps(s.T())) checkX0(s, t, Clip.OFF, seed += 2);
        }
    }

    @Test
    @Graded(exercise = "4.1", points = 1)
    @DisplayName("predictX0 clips every element to [min, max] (symmetric and asymmetric ranges)")
    void x0Clipped() {
        long seed = 500;
        for (Clip clip : new Clip[] {new Clip(-1, 1), new Clip(-0.5, 2)}) {
            for (NoiseSchedule s : new NoiseSchedule[] {NoiseSchedule.cosineBetaSchedule(100), Reference.randomSchedule(7, 81)}) {
                for (int t : steps(s.T())) checkX0(s, t, clip, seed += 2);
            }
        }
    }

    private static void checkMean(NoiseSchedule s, int t, long seed) {
        SimpleMatrix x0Hat = Reference.randn(5, 2, seed), xt = Reference.randn(5, 2, seed + 1);
        SimpleMatrix expected = AncestralSampler.posteriorMean(x0Hat, xt, t, s);
        double ab = s.alphaBar(t), abPrev = s.alphaBarPrev(t), beta = s.beta(t);
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        mistakes.put("the two coefficients are swapped: x̂0 gets √ᾱ_{t−1}·β_t/(1 − ᾱ_t), x_t gets √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)",
                xt.scale(Math.sqrt(abPrev) * beta / (1 - ab)).plus(x0Hat.scale(Math.sqrt(1 - beta) * (1 - abPrev) / (1 - ab))));
        mistakes.put("√ is missing: the x̂0 coefficient has √ᾱ_{t−1}, the x_t coefficient √α_t",
                x0Hat.scale(abPrev * beta / (1 - ab)).plus(xt.scale((1 - beta) * (1 - abPrev) / (1 - ab))));
        mistakes.put("one √ is missing: the x̂0 coefficient is √ᾱ_{t−1}·β_t/(1 − ᾱ_t), not ᾱ_{t−1}·β_t/(1 − ᾱ_t)",
                x0Hat.scale(abPrev * beta / (1 - ab)).plus(xt.scale(Math.sqrt(1 - beta) * (1 - abPrev) / (1 - ab))));
        mistakes.put("one √ is missing: the x_t coefficient is √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t), not α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)",
                x0Hat.scale(Math.sqrt(abPrev) * beta / (1 - ab)).plus(xt.scale((1 - beta) * (1 - abPrev) / (1 - ab))));
        double abPrevWrong = t == 1 ? 0.0 : abPrev;
        mistakes.put("at t = 1, ᾱ_{t−1} = ᾱ_0 = 1 (you used 0), so μ̃_1 = x̂0",
                x0Hat.scale(Math.sqrt(abPrevWrong) * beta / (1 - ab)).plus(xt.scale(Math.sqrt(1 - beta) * (1 - abPrevWrong) / (1 - ab))));
        Feedback.assertMatrix("posteriorMean is wrong", Reference.describe(s) + ", t = " + t + ", x0Hat = " + Feedback.show(x0Hat)
                + ", xt = " + Feedback.show(xt), expected, Posterior.posteriorMean(x0Hat, xt, t, Reference.schedule(s)), mistakes);
    }

    @Test
    @Graded(exercise = "4.2", points = 1)
    @DisplayName("posteriorMean matches DDPM eq. 7 (the reference) at t = 1, T/2, T on linear, cosine and random schedules")
    void mean() {
        long seed = 600;
        for (NoiseSchedule s : Reference.schedules()) {
            for (int t : steps(s.T())) checkMean(s, t, seed += 2);
        }
    }

    @Test
    @Graded(exercise = "4.2", points = 0.5)
    @DisplayName("posteriorMean at t = 1 is x̂0 itself (ᾱ_0 = 1), also for T = 1")
    void meanAtOne() {
        for (NoiseSchedule s : new NoiseSchedule[] {NoiseSchedule.fromBetas(new double[] {0.3}), NoiseSchedule.cosineBetaSchedule(100)}) {
            SimpleMatrix x0Hat = Reference.randn(4, 2, 91), xt = Reference.randn(4, 2, 92);
            Feedback.assertMatrix("posteriorMean at t = 1 should return x̂0: its coefficient √ᾱ_0·β_1/(1 − ᾱ_1) = 1 and x_t's is 0",
                    Reference.describe(s), x0Hat, Posterior.posteriorMean(x0Hat, xt, 1, Reference.schedule(s)), Feedback.mistakes());
            checkMean(s, 1, 93);
        }
    }

    private static void checkStep(NoiseSchedule s, int t, Clip clip, long seed) {
        SimpleMatrix xt = Reference.randn(6, 2, seed).scale(1.5), epsHat = Reference.randn(6, 2, seed + 1), z = Reference.randn(6, 2, seed + 2);
        SimpleMatrix expected = Reference.sampler(clip).step(Reference.fixed(epsHat), xt, t, s, z);
        SimpleMatrix mean = Reference.sampler(clip).step(Reference.fixed(epsHat), xt, t, s, z.scale(0));
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        mistakes.put("the noise term is missing: x_{t−1} = μ̃ + √β̃_t·z for t > 1", mean);
        mistakes.put("σ_t is √β̃_t (the posterior variance, exercise 3.1), not √β_t", mean.plus(z.scale(Math.sqrt(s.beta(t)))));
        mistakes.put("σ_t = √β̃_t: you scaled z by the variance β̃_t instead of its square root",
                mean.plus(z.scale((1 - s.alphaBarPrev(t)) / (1 - s.alphaBar(t)) * s.beta(t))));
        if (t < s.T()) {
            mistakes.put("off by one: β̃_t is posteriorVariance[t − 1] (index t holds β̃_{t+1})",
                    mean.plus(z.scale(Math.sqrt((1 - s.alphaBarPrev(t + 1)) / (1 - s.alphaBar(t + 1)) * s.beta(t + 1)))));
        }
        if (!clip.equals(Clip.OFF)) mistakes.put("x̂0 was not clipped: pass clip on to predictX0", Reference.sampler(Clip.OFF).step(Reference.fixed(epsHat), xt, t, s, z));
        Feedback.assertMatrix("reverseStep is wrong (clip " + clip + ")", input(s, t, xt, epsHat) + ", z = " + Feedback.show(z), expected,
                studentStep(xt, epsHat, t, s, z, clip), mistakes);
    }

    /** The student's reverseStep, with the reference's 3.1, 4.1 and 4.2 as its parts: 4.3 is graded on its own. */
    private static SimpleMatrix studentStep(SimpleMatrix xt, SimpleMatrix epsHat, int t, NoiseSchedule s, SimpleMatrix z, Clip clip) {
        return Posterior.reverseStep(xt, epsHat, t, Reference.schedule(s), z, clip, Reference.parts());
    }

    @Test
    @Graded(exercise = "4.3", points = 1)
    @DisplayName("reverseStep matches the reference sampler (posterior variance) at t = T/2 and t = T, with and without clipping")
    void step() {
        long seed = 700;
        for (NoiseSchedule s : Reference.schedules()) {
            for (int t : steps(s.T())) {
                if (t > 1) {
                    checkStep(s, t, Clip.OFF, seed += 3);
                    checkStep(s, t, new Clip(-1, 1), seed += 3);
                }
            }
        }
    }

    @Test
    @Graded(exercise = "4.3", points = 1)
    @DisplayName("reverseStep adds no noise at t = 1 and accepts z = null there, also for T = 1")
    void lastStep() {
        for (NoiseSchedule s : new NoiseSchedule[] {NoiseSchedule.fromBetas(new double[] {0.3}), NoiseSchedule.cosineBetaSchedule(100),
                Reference.randomSchedule(7, 95)}) {
            SimpleMatrix xt = Reference.randn(4, 2, 96), epsHat = Reference.randn(4, 2, 97);
            SimpleMatrix expected = Reference.sampler(Clip.OFF).step(Reference.fixed(epsHat), xt, 1, s, null);
            SimpleMatrix got;
            try {
                got = studentStep(xt, epsHat, 1, s, null, Clip.OFF);
            } catch (NullPointerException e) {
                throw new AssertionError("reverseStep(t = 1, z = null) threw a NullPointerException: at t = 1 there is no noise, "
                        + "return the mean before touching z\n  input: " + Reference.describe(s), e);
            }
            Feedback.assertMatrix("reverseStep at t = 1 should return the posterior mean μ̃_1 = x̂0 (no noise)", Reference.describe(s),
                    expected, got, Feedback.mistakes());
            SimpleMatrix z = Reference.randn(4, 2, 98);
            Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
            mistakes.put("at t = 1 add no noise, even when z is passed in: x_0 is the mean μ̃_1 (σ_1 = √β_1 is a DDPM choice, not this lab's β̃_1 = 0)",
                    expected.plus(z.scale(Math.sqrt(s.beta(1)))));
            Feedback.assertMatrix("reverseStep at t = 1 must ignore z (β̃_1 = 0, no noise in the last step), but its result depends on z",
                    Reference.describe(s) + ", z = " + Feedback.show(z), expected, studentStep(xt, epsHat, 1, s, z, Clip.OFF), mistakes);
        }
    }
}
