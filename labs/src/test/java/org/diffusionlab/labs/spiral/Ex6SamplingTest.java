package org.diffusionlab.labs.spiral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Grading;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Lab("spiral")
@DisplayName("Exercise 6: sampling (the reverse process)")
class Ex6SamplingTest {

    // ---------------------------------------------------------------- 6.1 pSample

    private static void checkStep(int n, int t, NoiseSchedule s, long seed) {
        checkStep(n, t, s, seed, t > 1);
    }

    /** One step checked against the reference; {@code withZ}: pass a real noise matrix (also at t = 1, where it must be ignored). */
    private static void checkStep(int n, int t, NoiseSchedule s, long seed, boolean withZ) {
        SimpleMatrix xt = Reference.randn(n, 2, seed), z = withZ ? Reference.randn(n, 2, seed + 1) : null;
        Reference.ToyModel model = new Reference.ToyModel();
        SimpleMatrix expected = DdpmSampler.pSample(model, xt, t, s, z);
        SimpleMatrix xtCopy = xt.copy();
        Reference.ToyModel labModel = new Reference.ToyModel();
        SimpleMatrix got;
        try {
            got = Sampler.pSample(labModel, xt, t, Reference.schedule(s), z);
        } catch (NullPointerException e) {
            throw new AssertionError("pSample at t = " + t + " failed with a NullPointerException (z = " + (z == null ? "null" : "given")
                    + ")\n  likely mistake: at t = 1 there is no noise: return the mean without touching z", e);
        } catch (ArrayIndexOutOfBoundsException e) {
            throw new AssertionError("pSample at t = " + t + " (T = " + s.T() + ") read outside the schedule's arrays"
                    + "\n  likely mistake: did you index with t instead of t-1? t runs 1..T, indices 0..T−1", e);
        }
        assertTrue(labModel.calls == 1 && labModel.lastT == t && labModel.lastTotal == s.T(), "pSample should call "
                + "model.predictEpsilon(x_t, t, T) once with t = " + t + ", T = " + s.T() + "; got " + labModel.calls
                + " calls, last with t = " + labModel.lastT + ", T = " + labModel.lastTotal);
        double beta = s.beta(t), alpha = s.alpha(t), ab = s.alphaBar(t);
        SimpleMatrix eps = model.predictEpsilon(xt, t, s.T());
        SimpleMatrix noise = z == null || t == 1 ? new SimpleMatrix(n, 2) : z;
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        if (t == 1 && z != null) {
            mistakes.put("at t = 1 add no noise, even when a noise matrix z is passed in: x_0 is the mean itself",
                    xt.minus(eps.scale(beta / Math.sqrt(1 - ab))).scale(1 / Math.sqrt(alpha)).plus(z.scale(Math.sqrt(beta))));
        }
        mistakes.put("σ_t = √β_t: the noise is scaled by sqrt(beta), not beta",
                xt.minus(eps.scale(beta / Math.sqrt(1 - ab))).scale(1 / Math.sqrt(alpha)).plus(noise.scale(beta)));
        mistakes.put("the ε̂ coefficient is β_t/√(1 − ᾱ_t), with a square root", xt.minus(eps.scale(beta / (1 - ab))).scale(1 / Math.sqrt(alpha)).plus(noise.scale(Math.sqrt(beta))));
        mistakes.put("the outer factor is 1/√α_t (this step's α), not 1/√ᾱ_t (the cumulative product)",
                xt.minus(eps.scale(beta / Math.sqrt(1 - ab))).scale(1 / Math.sqrt(ab)).plus(noise.scale(Math.sqrt(beta))));
        mistakes.put("divide by √α_t, not α_t", xt.minus(eps.scale(beta / Math.sqrt(1 - ab))).scale(1 / alpha).plus(noise.scale(Math.sqrt(beta))));
        mistakes.put("only the mean is divided by √α_t; the noise σ_t·z is added after",
                xt.minus(eps.scale(beta / Math.sqrt(1 - ab))).plus(noise.scale(Math.sqrt(beta))).scale(1 / Math.sqrt(alpha)));
        if (t > 1) {
            mistakes.put("the noise term σ_t·z is missing (it is left out only at t = 1)", xt.minus(eps.scale(beta / Math.sqrt(1 - ab))).scale(1 / Math.sqrt(alpha)));
        }
        if (t < s.T()) {
            double b2 = s.beta(t + 1), a2 = s.alpha(t + 1), ab2 = s.alphaBar(t + 1);
            mistakes.put("did you index the schedule with t instead of t-1?",
                    xt.minus(eps.scale(b2 / Math.sqrt(1 - ab2))).scale(1 / Math.sqrt(a2)).plus(t > 1 ? noise.scale(Math.sqrt(b2)) : new SimpleMatrix(n, 2)));
        }
        Feedback.assertMatrix("pSample(model, x_t, t = " + t + ", schedule, z) is wrong", "x_t " + Feedback.show(xt) + ", t = " + t
                + ", T = " + s.T() + ", z " + (z == null ? "null" : Feedback.show(z)) + ", ε̂ from a fixed test model "
                + Feedback.show(eps), expected, got, mistakes);
        assertTrue(xt.isIdentical(xtCopy, 0), "pSample changed x_t: return a new matrix");
    }

    @Test
    @Graded(exercise = "6.1", points = 1.5)
    @DisplayName("pSample matches the reference on random x_t, steps and schedules")
    void randomSteps() {
        SplittableRandom rng = new SplittableRandom(61);
        for (int k = 0; k < 5; k++) {
            NoiseSchedule s = Reference.linear(rng.nextInt(3, 200), 1e-4, rng.nextDouble(5e-3, 0.1));
            checkStep(rng.nextInt(1, 40), rng.nextInt(2, s.T()), s, 600 + k);
        }
    }

    @Test
    @Graded(exercise = "6.1", points = 0.5)
    @DisplayName("pSample at t = 1 returns the mean, without noise (z null or given), also for T = 1")
    void lastStep() {
        checkStep(10, 1, Reference.linear(100, 1e-4, 5e-3), 610, false);
        checkStep(3, 1, Reference.linear(1, 0.2, 0.2), 611, false);
        checkStep(10, 1, Reference.linear(100, 1e-4, 5e-3), 612, true);
        checkStep(3, 1, Reference.linear(1, 0.2, 0.2), 613, true);
    }

    @Test
    @Graded(exercise = "6.1", points = 0.5)
    @DisplayName("pSample at t = T (the first reverse step) matches the reference")
    void firstStep() {
        checkStep(10, 100, Reference.linear(100, 1e-4, 5e-3), 620);
        checkStep(1, 2, Reference.linear(2, 0.01, 0.3), 621);
    }

    // ---------------------------------------------------------------- 6.2 pSampleLoop (graded with the reference step)

    /** The reference step, remembering each call. */
    private static final class RecordingStep implements Sampler.ReverseStep {
        final NoiseSchedule schedule;
        final List<Integer> ts = new ArrayList<>();
        final List<SimpleMatrix> inputs = new ArrayList<>(), outputs = new ArrayList<>(), zs = new ArrayList<>();

        RecordingStep(NoiseSchedule schedule) {
            this.schedule = schedule;
        }

        @Override
        public SimpleMatrix apply(EpsilonModel model, SimpleMatrix xt, int t, Schedule s, SimpleMatrix z) {
            ts.add(t);
            inputs.add(xt.copy());
            zs.add(z == null ? null : z.copy());
            SimpleMatrix out = DdpmSampler.pSample((org.diffusionlab.model.EpsilonModel) model, xt, t, schedule, z);
            outputs.add(out.copy());
            return out;
        }
    }

    private static Sampler.SampleResult loop(EpsilonModel model, int n, NoiseSchedule s, long seed, Set<Integer> keep, RecordingStep step) {
        Sampler.SampleResult r = Sampler.pSampleLoop(model, n, Reference.schedule(s), new SplittableRandom(seed), keep, step);
        assertNotNull(r, "pSampleLoop returned null");
        assertNotNull(r.samples(), "pSampleLoop returned no samples");
        return r;
    }

    @Test
    @Graded(exercise = "6.2", points = 1)
    @DisplayName("pSampleLoop calls the step for t = T, T−1, …, 1, each step starting from the previous one's result")
    void visitsEveryStep() {
        NoiseSchedule s = Reference.linear(12, 1e-3, 0.2);
        RecordingStep step = new RecordingStep(s);
        Sampler.SampleResult r = loop(new Reference.ToyModel(), 7, s, 630, Set.of(), step);
        List<Integer> expected = new ArrayList<>();
        for (int t = s.T(); t >= 1; t--) expected.add(t);
        assertEquals(expected, step.ts, "the step must run once for every t from T down to 1 (t is 1-based)");
        for (int k = 1; k < step.ts.size(); k++) {
            assertTrue(step.inputs.get(k).isIdentical(step.outputs.get(k - 1), 0), "the step at t = " + step.ts.get(k)
                    + " did not start from the result of the step at t = " + step.ts.get(k - 1) + ": x = step.apply(...)");
        }
        assertTrue(r.samples().isIdentical(step.outputs.get(step.outputs.size() - 1), 0), "the samples must be the result of the last step (t = 1)");
        assertTrue(step.zs.get(step.zs.size() - 1) == null || step.zs.get(step.zs.size() - 1).getNumRows() == 7,
                "z at t = 1 is unused; pass null (and draw nothing)");
    }

    @Test
    @Graded(exercise = "6.2", points = 1)
    @DisplayName("pSampleLoop keeps x_t before the step at each requested t, x_0 at 0, and nothing else")
    void snapshots() {
        NoiseSchedule s = Reference.linear(20, 1e-3, 0.2);
        RecordingStep step = new RecordingStep(s);
        Set<Integer> keep = Set.of(0, 1, 5, 10, 20);
        Sampler.SampleResult r = loop(new Reference.ToyModel(), 6, s, 640, keep, step);
        assertNotNull(r.snapshots(), "pSampleLoop returned no snapshots map");
        assertEquals(keep, r.snapshots().keySet(), "snapshots should hold exactly the requested steps " + keep);
        assertEquals(List.of(20, 10, 5, 1, 0), List.copyOf(r.snapshots().keySet()), "the snapshots must come largest t first "
                + "(x_T … x_0, the order of the chain and the figure)" + (r.snapshots().firstKey() == 0
                ? "\n  likely mistake: a plain TreeMap sorts smallest t first: use new TreeMap<>(Collections.reverseOrder())" : ""));
        for (int t : List.of(1, 5, 10, 20)) {
            int call = step.ts.indexOf(t);
            assertTrue(r.snapshots().get(t).isIdentical(step.inputs.get(call), 0), "snapshot " + t + " must be x_" + t
                    + ", the state before the step at t = " + t + (r.snapshots().get(t).isIdentical(step.outputs.get(call), 0)
                    ? "\n  likely mistake: you stored the state after the step (x_" + (t - 1) + ")" : "")
                    + (t > 1 && r.snapshots().get(t).isIdentical(r.samples(), 0)
                    ? "\n  likely mistake: you stored x itself, not x.copy(), or reused one matrix for every step" : ""));
        }
        assertTrue(r.snapshots().get(0).isIdentical(r.samples(), 0), "snapshot 0 must be x_0, the final samples");
        Sampler.SampleResult none = loop(new Reference.ToyModel(), 6, s, 640, Set.of(), new RecordingStep(s));
        assertTrue(none.snapshots() != null && none.snapshots().isEmpty(), "with no requested steps the snapshots map should be empty");
    }

    @Test
    @Graded(exercise = "6.2", points = 1)
    @DisplayName("pSampleLoop draws x_T and z like the reference (same seed, same points)")
    void replaysReference() {
        for (int T : new int[] {1, 2, 30}) {
            NoiseSchedule s = Reference.linear(T, 1e-3, 0.2);
            Reference.ToyModel model = new Reference.ToyModel();
            DdpmSampler.SampleResult expected = DdpmSampler.pSampleLoop(model, 9, s, new SplittableRandom(650 + T), Set.of());
            RecordingStep step = new RecordingStep(s);
            Sampler.SampleResult got = loop(model, 9, s, 650 + T, Set.of(), step);
            Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
            Feedback.assertMatrix("pSampleLoop (T = " + T + ") does not reproduce the reference's samples for the same seed",
                    "n = 9, T = " + T + ", a fixed test model, SplittableRandom(" + (650 + T) + ")"
                            + "\n  expected order of draws: x_T = Forward.gaussian(n, d, rng), then z = Forward.gaussian(n, d, rng) for t = T..2, none at t = 1",
                    expected.samples(), got.samples(), mistakes);
        }
    }

    @Test
    @Graded(exercise = "6.2", points = 1)
    @DisplayName("end to end: your loop with a perfect denoiser generates the spiral (sliced Wasserstein vs floor)")
    @Timeout(60) // a few seconds normally; headroom for a loaded machine
    void endToEnd() {
        int n = 400;
        NoiseSchedule s = Reference.linear(40, 1e-4, 0.15);
        SimpleMatrix data = Datasets.makeSpiral(n, 0.02, new SplittableRandom(660));
        SimpleMatrix heldOut = Datasets.makeSpiral(n, 0.02, new SplittableRandom(661));
        Sampler.SampleResult r = loop(new Reference.OracleModel(data, s), n, s, 662, Set.of(), new RecordingStep(s));
        double distance = Wasserstein.sliced(r.samples(), heldOut);
        double floor = Wasserstein.sliced(data, heldOut);
        Grading.note(String.format("sliced W1(samples, held-out data) = %.4f, floor = %.4f", distance, floor));
        assertTrue(distance < 2 * floor, String.format("the samples are not on the spiral: sliced W1 to held-out data = %.4f, "
                + "expected < %.4f (2 x the real-vs-real floor %.4f)%n  hint: start from x_T ~ N(0, I) and feed each step's result to the next",
                distance, 2 * floor, floor));
    }
}
