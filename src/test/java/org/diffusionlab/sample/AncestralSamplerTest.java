package org.diffusionlab.sample;

import static org.diffusionlab.sample.StubModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AncestralSamplerTest {

    private static final NoiseSchedule LINEAR = NoiseSchedule.linearBetaSchedule(50, 1e-4, 0.2);
    private static final NoiseSchedule COSINE = NoiseSchedule.cosineBetaSchedule(50);

    @Test
    @DisplayName("posterior variance is exactly 0 at t = 1 and below β_t at every later step")
    void posteriorVariance() {
        for (NoiseSchedule s : new NoiseSchedule[] {LINEAR, COSINE}) {
            assertEquals(0.0, Variance.POSTERIOR.sigmaSquared(s, 1));
            for (int t = 2; t <= s.T(); t++) {
                double tilde = Variance.POSTERIOR.sigmaSquared(s, t);
                assertTrue(tilde > 0 && tilde < s.beta(t), "β̃_" + t + " = " + tilde + ", β = " + s.beta(t));
            }
            assertEquals(s.beta(7), Variance.BETA.sigmaSquared(s, 7));
        }
        // by hand: β = (0.1, 0.2) → ᾱ = (0.9, 0.72), β̃_2 = (1 − 0.9)/(1 − 0.72)·0.2 = 0.0714285…
        NoiseSchedule two = NoiseSchedule.fromBetas(new double[] {0.1, 0.2});
        assertEquals(0.1 / 0.28 * 0.2, Variance.POSTERIOR.sigmaSquared(two, 2), 1e-15);
    }

    @Test
    @DisplayName("the x̂0 form of the mean (DDPM eq. 7) equals the ε form (eq. 11) at every t")
    void meanFormsAgree() {
        SplittableRandom rng = new SplittableRandom(1);
        for (NoiseSchedule s : new NoiseSchedule[] {LINEAR, COSINE}) {
            for (int t = 1; t <= s.T(); t++) {
                SimpleMatrix xt = ForwardProcess.gaussian(20, 2, rng);
                SimpleMatrix eps = ForwardProcess.gaussian(20, 2, rng);
                SimpleMatrix viaX0 = AncestralSampler.posteriorMean(AncestralSampler.predictX0(xt, eps, t, s), xt, t, s);
                SimpleMatrix viaEps = xt.minus(eps.scale(s.beta(t) / s.sqrtOneMinusAlphaBar(t))).divide(Math.sqrt(s.alpha(t)));
                // x̂0 can be ≈ 1/√ᾱ_T ≈ 1e4 times larger than x_t for the cosine schedule; the
                // round-off that leaves in the mean is still far below 1e-10
                assertTrue(maxAbsDiff(viaX0, viaEps) < 1e-10, "t = " + t + ": " + maxAbsDiff(viaX0, viaEps));
            }
        }
    }

    @Test
    @DisplayName("with σ² = β and no clipping, the whole chain reproduces DdpmSampler draw for draw")
    void reproducesDdpmSampler() {
        EpsilonModel model = StubModels.smooth(2);
        Trajectory mine = AncestralSampler.of(Variance.BETA).trajectory(model, 30, LINEAR, new SplittableRandom(42));
        DdpmSampler.SampleResult ref = DdpmSampler.pSampleLoop(model, 30, LINEAR, new SplittableRandom(42),
                Set.of(50, 25, 1, 0));
        assertTrue(maxAbsDiff(mine.samples(), ref.samples()) < 1e-10, "max diff " + maxAbsDiff(mine.samples(), ref.samples()));
        for (int t : List.of(50, 25, 1, 0)) {
            SimpleMatrix state = mine.states().get(mine.timesteps().indexOf(t));
            assertTrue(maxAbsDiff(state, ref.snapshots().get(t)) < 1e-10, "t = " + t);
        }
    }

    @Test
    @DisplayName("with the oracle model for one data point, both variances return that point exactly")
    void oracleReturnsThePoint() {
        double[] x0 = {0.7, -1.3};
        for (NoiseSchedule s : new NoiseSchedule[] {LINEAR, COSINE}) {
            for (Variance v : Variance.values()) {
                SimpleMatrix out = AncestralSampler.of(v).sample(StubModels.oracle(x0, s), 10, s, new SplittableRandom(3));
                for (int i = 0; i < 10; i++) {
                    assertEquals(x0[0], out.get(i, 0), 1e-9, v + " row " + i);
                    assertEquals(x0[1], out.get(i, 1), 1e-9, v + " row " + i);
                }
            }
        }
    }

    @Test
    @DisplayName("the step at t = 1 adds no noise: z is ignored there")
    void lastStepIsMean() {
        AncestralSampler sampler = AncestralSampler.of(Variance.BETA);
        EpsilonModel model = StubModels.smooth(2);
        SimpleMatrix xt = ForwardProcess.gaussian(5, 2, new SplittableRandom(2));
        SimpleMatrix z = ForwardProcess.gaussian(5, 2, new SplittableRandom(3));
        assertArrayEquals(sampler.step(model, xt, 1, LINEAR, null).getDDRM().data,
                sampler.step(model, xt, 1, LINEAR, z).getDDRM().data);
    }

    @Test
    @DisplayName("clipping keeps x̂0 in range: a constant ε̂ that implies x̂0 far outside [-1, 1] is clipped")
    void clipping() {
        // ε̂ = −3 at x_t = 0 implies x̂0 = 3·√(1 − ᾱ_t)/√ᾱ_t, beyond 1 at every t ≥ 2 of LINEAR
        EpsilonModel model = StubModels.constant(-3.0, 1);
        SimpleMatrix xt = new SimpleMatrix(1, 1);
        int t = 30;
        AncestralSampler plain = AncestralSampler.of(Variance.POSTERIOR);
        AncestralSampler clipped = plain.withClipping(-1, 1);
        assertFalse(plain.clips());
        assertTrue(clipped.clips());
        double expected = AncestralSampler.posteriorMean(new SimpleMatrix(new double[][] {{1.0}}), xt, t, LINEAR).get(0);
        SimpleMatrix zero = new SimpleMatrix(1, 1);
        assertEquals(expected, clipped.step(model, xt, t, LINEAR, zero).get(0), 1e-15);
        double unclipped = plain.step(model, xt, t, LINEAR, zero).get(0);
        assertTrue(unclipped > expected, "unclipped mean " + unclipped + " should exceed clipped " + expected);
    }

    @Test
    @DisplayName("the trajectory holds T + 1 states from x_T to x_0 and ends at the same samples as sample()")
    void trajectoryShape() {
        AncestralSampler sampler = AncestralSampler.of(Variance.POSTERIOR);
        EpsilonModel model = StubModels.smooth(2);
        Trajectory tr = sampler.trajectory(model, 7, LINEAR, new SplittableRandom(9));
        assertEquals(51, tr.states().size());
        assertEquals(50, tr.timesteps().get(0));
        assertEquals(0, tr.timesteps().get(50));
        assertArrayEquals(ForwardProcess.gaussian(7, 2, new SplittableRandom(9)).getDDRM().data,
                tr.states().get(0).getDDRM().data);
        assertArrayEquals(sampler.sample(model, 7, LINEAR, new SplittableRandom(9)).getDDRM().data,
                tr.samples().getDDRM().data);
    }

    @Test
    @DisplayName("bad arguments are rejected naming the parameter")
    void badArguments() {
        EpsilonModel model = StubModels.smooth(2);
        SimpleMatrix xt = new SimpleMatrix(3, 2);
        assertThrows(IllegalArgumentException.class, () -> AncestralSampler.of(null));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> AncestralSampler.of(Variance.BETA).withClipping(1, -1))
                .getMessage().contains("clip range [1.0, -1.0]"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AncestralSampler.of(Variance.BETA).sample(model, 0, LINEAR, new SplittableRandom(1)))
                .getMessage().startsWith("n = 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AncestralSampler.of(Variance.BETA).step(model, xt, 5, LINEAR, null))
                .getMessage().startsWith("z = null"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> AncestralSampler.of(Variance.BETA).step(model, xt, 5, LINEAR, new SimpleMatrix(2, 2)))
                .getMessage().startsWith("z is 2x2"));
    }
}
