package org.diffusionlab.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DdpmSamplerTest {

    /** β = 0.1, 0.2, 0.5: α = 0.9, 0.8, 0.5, ᾱ = 0.9, 0.72, 0.36. */
    private static final NoiseSchedule THREE_STEPS = NoiseSchedule.fromBetas(new double[] {0.1, 0.2, 0.5});

    /** ε̂(x_t, t) = 0.5·x_t + 0.1·t, and it remembers every (t, T) it was asked for. */
    private static final class LinearStub implements EpsilonModel {
        final List<int[]> calls = new ArrayList<>();

        @Override
        public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
            calls.add(new int[] {t, T});
            return xt.scale(0.5).plus(0.1 * t);
        }

        @Override
        public int dataDim() {
            return 2;
        }
    }

    private static final SimpleMatrix XT = new SimpleMatrix(new double[][] {{1.0, -1.0}, {0.25, 2.0}});

    @Test
    @DisplayName("the last step (t = 1) adds no noise: any z, or none, gives the mean (x_1 − β_1/√(1 − ᾱ_1)·ε̂)/√α_1")
    void lastStepHasNoNoise() {
        LinearStub model = new LinearStub();
        SimpleMatrix withNull = DdpmSampler.pSample(model, XT, 1, THREE_STEPS, null);
        SimpleMatrix withZeros = DdpmSampler.pSample(model, XT, 1, THREE_STEPS, new SimpleMatrix(2, 2));
        SimpleMatrix withNoise = DdpmSampler.pSample(model, XT, 1, THREE_STEPS, ForwardProcess.gaussian(2, 2, new SplittableRandom(1)));
        // By hand for t = 1: β = 0.1, α = 0.9, ᾱ = 0.9, so β/√(1 − ᾱ) = 0.1/√0.1 = √0.1.
        // ε̂ = 0.5·x + 0.1; row 0: ε̂ = [0.6, −0.4], row 1: ε̂ = [0.225, 1.1].
        double c = Math.sqrt(0.1), s = Math.sqrt(0.9);
        SimpleMatrix expected = new SimpleMatrix(new double[][] {
                {(1.0 - c * 0.6) / s, (-1.0 + c * 0.4) / s},
                {(0.25 - c * 0.225) / s, (2.0 - c * 1.1) / s}});
        assertMatrix(expected, withNull, 1e-12, "pSample at t = 1 with z = null");
        assertMatrix(withNull, withZeros, 0, "pSample at t = 1: z = 0 vs z = null");
        assertMatrix(withNull, withNoise, 0, "pSample at t = 1: random z vs z = null");
    }

    @Test
    @DisplayName("at t > 1 the step is the mean of DDPM eq. 11 plus exactly √β_t·z")
    void noiseTermIsSqrtBetaZ() {
        LinearStub model = new LinearStub();
        SimpleMatrix z = ForwardProcess.gaussian(2, 2, new SplittableRandom(2));
        for (int t = 2; t <= 3; t++) {
            SimpleMatrix mean = DdpmSampler.pSample(model, XT, t, THREE_STEPS, new SimpleMatrix(2, 2));
            SimpleMatrix step = DdpmSampler.pSample(model, XT, t, THREE_STEPS, z);
            // Eq. 11 written out: (x_t − β_t/√(1 − ᾱ_t)·(0.5·x_t + 0.1·t)) / √α_t
            double beta = THREE_STEPS.beta(t), alpha = 1 - beta, alphaBar = THREE_STEPS.alphaBar(t);
            SimpleMatrix eps = XT.scale(0.5).plus(0.1 * t);
            SimpleMatrix expectedMean = XT.minus(eps.scale(beta / Math.sqrt(1 - alphaBar))).divide(Math.sqrt(alpha));
            assertMatrix(expectedMean, mean, 1e-12, "mean at t = " + t + " (z = 0)");
            assertMatrix(z.scale(Math.sqrt(beta)), step.minus(mean), 1e-12, "noise term at t = " + t + ", expected sqrt(beta_t)·z");
        }
    }

    @Test
    @DisplayName("a missing or misshapen z at t > 1 is rejected, naming t")
    void rejectsBadZ() {
        LinearStub model = new LinearStub();
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DdpmSampler.pSample(model, XT, 2, THREE_STEPS, null));
        assertTrue(missing.getMessage().contains("t = 2"), () -> "message: " + missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DdpmSampler.pSample(model, XT, 3, THREE_STEPS, new SimpleMatrix(2, 3)));
        assertThrows(IllegalArgumentException.class, () -> DdpmSampler.pSample(model, XT, 4, THREE_STEPS, new SimpleMatrix(2, 2)));
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class,
                () -> DdpmSampler.pSampleLoop(model, 0, THREE_STEPS, new SplittableRandom(1), Set.of()));
        assertTrue(n.getMessage().contains("n = 0"), () -> "message: " + n.getMessage());
    }

    @Test
    @DisplayName("the loop returns n × d samples, is deterministic for a seed, and differs for another seed")
    void loopShapesAndDeterminism() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(20, 1e-3, 0.2);
        SimpleMatrix a = DdpmSampler.pSampleLoop(new LinearStub(), 7, s, new SplittableRandom(9), Set.of()).samples();
        SimpleMatrix b = DdpmSampler.pSampleLoop(new LinearStub(), 7, s, new SplittableRandom(9), Set.of()).samples();
        SimpleMatrix c = DdpmSampler.pSampleLoop(new LinearStub(), 7, s, new SplittableRandom(10), Set.of()).samples();
        assertEquals(7, a.getNumRows(), "rows");
        assertEquals(2, a.getNumCols(), "cols");
        assertMatrix(a, b, 0, "same seed");
        assertFalse(a.isIdentical(c, 1e-6), "seeds 9 and 10 gave the same samples");
    }

    @Test
    @DisplayName("the loop is x_T ~ N(0, I), then pSample for t = T..1 with z drawn in that order, asking the model with T")
    void loopFollowsTheDocumentedDrawOrder() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(6, 1e-3, 0.3);
        LinearStub model = new LinearStub();
        SimpleMatrix samples = DdpmSampler.pSampleLoop(model, 4, s, new SplittableRandom(21), Set.of()).samples();

        SplittableRandom replay = new SplittableRandom(21);
        SimpleMatrix x = ForwardProcess.gaussian(4, 2, replay);
        for (int t = 6; t >= 1; t--) {
            x = DdpmSampler.pSample(new LinearStub(), x, t, s, t > 1 ? ForwardProcess.gaussian(4, 2, replay) : null);
        }
        assertMatrix(x, samples, 0, "replayed chain");
        assertEquals(6, model.calls.size(), "model calls");
        for (int k = 0; k < 6; k++) {
            assertEquals(6 - k, model.calls.get(k)[0], "t of call " + k);
            assertEquals(6, model.calls.get(k)[1], "T of call " + k);
        }
    }

    @Test
    @DisplayName("snapshots hold exactly the requested t in 0..T; snapshot T is the starting noise, snapshot 0 the result")
    void snapshots() {
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(10, 1e-3, 0.3);
        DdpmSampler.SampleResult r = DdpmSampler.pSampleLoop(new LinearStub(), 5, s, new SplittableRandom(3),
                Set.of(10, 5, 1, 0, 11, -1));
        assertEquals(List.of(10, 5, 1, 0), new ArrayList<>(r.snapshots().keySet()), "snapshot keys, largest t first");
        assertMatrix(ForwardProcess.gaussian(5, 2, new SplittableRandom(3)), r.snapshots().get(10), 0, "snapshot at t = T");
        assertMatrix(r.samples(), r.snapshots().get(0), 0, "snapshot at t = 0");
        // Snapshot t is x_t, the state before the step at t: the last step maps x_1 to x_0.
        assertMatrix(DdpmSampler.pSample(new LinearStub(), r.snapshots().get(1), 1, s, null), r.samples(), 0,
                "pSample(snapshot at t = 1)");
    }

    private static void assertMatrix(SimpleMatrix expected, SimpleMatrix actual, double tol, String what) {
        assertEquals(expected.getNumRows(), actual.getNumRows(), what + ": rows");
        assertEquals(expected.getNumCols(), actual.getNumCols(), what + ": cols");
        assertTrue(expected.isIdentical(actual, tol), () -> what + ": expected\n" + expected + "got\n" + actual);
    }
}
