package org.diffusionlab.sample;

import static org.diffusionlab.sample.StubModels.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.sample.DdimSampler.Transition;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DdimSamplerTest {

    private static final NoiseSchedule LINEAR = NoiseSchedule.linearBetaSchedule(100, 1e-4, 0.1);
    private static final NoiseSchedule COSINE = NoiseSchedule.cosineBetaSchedule(100);

    @Test
    @DisplayName("T = 10, S = 5 visits 10 → 8 → 6 → 4 → 2 → 0, checked by hand")
    void tenFive() {
        assertArrayEquals(new int[] {2, 4, 6, 8, 10}, DdimSampler.timesteps(10, 5));
        assertEquals(List.of(new Transition(10, 8), new Transition(8, 6), new Transition(6, 4),
                new Transition(4, 2), new Transition(2, 0)), DdimSampler.transitions(10, 5));
    }

    @Test
    @DisplayName("uneven spacing T = 10, S = 3 visits 10 → 6 → 3 → 0; S = T visits every step; S = 1 jumps T → 0")
    void otherSpacings() {
        // τ_i = ⌊i·10/3⌋ = 3, 6, 10
        assertEquals(List.of(new Transition(10, 6), new Transition(6, 3), new Transition(3, 0)),
                DdimSampler.transitions(10, 3));
        List<Transition> all = DdimSampler.transitions(4, 4);
        assertEquals(List.of(new Transition(4, 3), new Transition(3, 2), new Transition(2, 1), new Transition(1, 0)), all);
        assertEquals(List.of(new Transition(7, 0)), DdimSampler.transitions(7, 1));
    }

    @Test
    @DisplayName("every spacing starts at T, ends at 0, and strictly decreases (all S for T up to 60)")
    void spacingInvariants() {
        for (int T = 1; T <= 60; T++) {
            for (int S = 1; S <= T; S++) {
                List<Transition> path = DdimSampler.transitions(T, S);
                assertEquals(S, path.size());
                assertEquals(T, path.get(0).from());
                assertEquals(0, path.get(S - 1).to());
                for (int i = 0; i < S; i++) {
                    assertTrue(path.get(i).to() < path.get(i).from(), "T=" + T + " S=" + S + " " + path.get(i));
                    if (i > 0) assertEquals(path.get(i - 1).to(), path.get(i).from());
                }
            }
        }
    }

    @Test
    @DisplayName("one DDIM step by hand: β = (0.1, 0.2), ε̂ = 0.5, x_2 = 1, z = −1, η = 0.5")
    void oneStepByHand() {
        NoiseSchedule s = NoiseSchedule.fromBetas(new double[] {0.1, 0.2});
        EpsilonModel model = StubModels.constant(0.5, 1);
        SimpleMatrix x = new SimpleMatrix(new double[][] {{1.0}});
        SimpleMatrix z = new SimpleMatrix(new double[][] {{-1.0}});
        // ᾱ = (0.9, 0.72): x̂0 = (1 − √0.28·0.5)/√0.72 = 0.866706…, σ = 0.5·√(0.1/0.28)·√(1 − 0.8) = 0.133630…
        assertEquals(0.13363062095621223, DdimSampler.sigma(s, 2, 1, 0.5), 1e-15);
        // x_1 = √0.9·x̂0 + √(0.1 − σ²)·0.5 + σ·(−1)
        assertEquals(0.8319022546939795, new DdimSampler(2, 0.5).step(model, x, 2, 1, s, z).get(0), 1e-14);
        // last step 1 → 0 returns x̂0 = (1 − √0.1·0.5)/√0.9 and ignores z
        assertEquals(0.8874258867227931, new DdimSampler(2, 0.5).step(model, x, 1, 0, s, null).get(0), 1e-14);
        assertEquals(0.0, DdimSampler.sigma(s, 1, 0, 1.0));
    }

    @Test
    @DisplayName("η = 0 with the oracle model for one data point returns that point from any x_T, for S = 1..T")
    void deterministicOracle() {
        double[] x0 = {1.5, -0.25};
        for (NoiseSchedule s : new NoiseSchedule[] {LINEAR, COSINE}) {
            EpsilonModel oracle = StubModels.oracle(x0, s);
            for (int S : new int[] {1, 3, 10, 37, 100}) {
                for (long seed = 1; seed <= 3; seed++) {
                    SimpleMatrix out = new DdimSampler(S, 0.0).sample(oracle, 8, s, new SplittableRandom(seed));
                    for (int i = 0; i < 8; i++) {
                        assertEquals(x0[0], out.get(i, 0), 1e-9, "S = " + S + " row " + i);
                        assertEquals(x0[1], out.get(i, 1), 1e-9, "S = " + S + " row " + i);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("η = 1 with S = T is DDPM with the posterior variance, draw for draw")
    void etaOneIsDdpmPosterior() {
        EpsilonModel model = StubModels.smooth(2);
        for (NoiseSchedule s : new NoiseSchedule[] {LINEAR, COSINE}) {
            for (int t = 2; t <= s.T(); t++) {
                assertEquals(Variance.POSTERIOR.sigmaSquared(s, t), Math.pow(DdimSampler.sigma(s, t, t - 1, 1.0), 2),
                        1e-15 + 1e-12 * Variance.POSTERIOR.sigmaSquared(s, t), "t = " + t);
            }
            SimpleMatrix ddim = new DdimSampler(s.T(), 1.0).sample(model, 25, s, new SplittableRandom(17));
            SimpleMatrix ddpm = AncestralSampler.of(Variance.POSTERIOR).sample(model, 25, s, new SplittableRandom(17));
            assertTrue(maxAbsDiff(ddim, ddpm) < 1e-9, "max diff " + maxAbsDiff(ddim, ddpm));
        }
    }

    @Test
    @DisplayName("with clipping, η = 1 and S = T still equal clipped DDPM with the posterior variance, and the oracle stays exact")
    void clipping() {
        // ε̂ = tanh(x)·t/T + 0.1 implies x̂0 far outside [-0.5, 0.5] at large t, so the clip is active
        EpsilonModel model = StubModels.smooth(2);
        DdimSampler clipped = new DdimSampler(LINEAR.T(), 1.0).withClipping(-0.5, 0.5);
        assertTrue(clipped.clips());
        SimpleMatrix ddim = clipped.sample(model, 25, LINEAR, new SplittableRandom(5));
        SimpleMatrix ddpm = AncestralSampler.of(Variance.POSTERIOR).withClipping(-0.5, 0.5).sample(model, 25, LINEAR, new SplittableRandom(5));
        assertTrue(maxAbsDiff(ddim, ddpm) < 1e-9, "max diff " + maxAbsDiff(ddim, ddpm));
        SimpleMatrix unclipped = new DdimSampler(LINEAR.T(), 1.0).sample(model, 25, LINEAR, new SplittableRandom(5));
        assertTrue(maxAbsDiff(ddim, unclipped) > 0.1, "the clip should change the samples");
        double[] x0 = {0.3, -0.2};
        SimpleMatrix out = new DdimSampler(10, 0.0).withClipping(-1, 1).sample(StubModels.oracle(x0, COSINE), 5, COSINE, new SplittableRandom(6));
        for (int i = 0; i < 5; i++) {
            assertEquals(x0[0], out.get(i, 0), 1e-9);
            assertEquals(x0[1], out.get(i, 1), 1e-9);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DdimSampler(5, 0).withClipping(0, 0))
                .getMessage().contains("clip range [0.0, 0.0]"));
    }

    @Test
    @DisplayName("η = 0 draws only x_T: the same seed gives the same samples and the trajectory has S + 1 states")
    void trajectory() {
        EpsilonModel model = StubModels.smooth(2);
        DdimSampler ddim = new DdimSampler(5, 0.0);
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(10, 1e-3, 0.3);
        SplittableRandom rng = new SplittableRandom(4);
        Trajectory tr = ddim.trajectory(model, 6, s, rng);
        assertEquals(List.of(10, 8, 6, 4, 2, 0), tr.timesteps());
        SplittableRandom ref = new SplittableRandom(4);
        assertArrayEquals(ForwardProcess.gaussian(6, 2, ref).getDDRM().data, tr.states().get(0).getDDRM().data);
        // η = 0 consumed exactly the 12 draws of x_T
        assertEquals(ref.nextLong(), rng.nextLong());
        assertArrayEquals(ddim.sample(model, 6, s, new SplittableRandom(4)).getDDRM().data, tr.samples().getDDRM().data);
    }

    @Test
    @DisplayName("bad S, η and previous timesteps are rejected naming the parameter")
    void badArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DdimSampler.timesteps(10, 11))
                .getMessage().startsWith("S = 11"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DdimSampler.timesteps(10, 0))
                .getMessage().startsWith("S = 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DdimSampler(0, 0.0))
                .getMessage().startsWith("steps = 0"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new DdimSampler(5, 1.5))
                .getMessage().startsWith("eta = 1.5"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DdimSampler.sigma(LINEAR, 5, 5, 1.0))
                .getMessage().startsWith("p = 5"));
        assertThrows(IllegalArgumentException.class,
                () -> new DdimSampler(101, 0.0).sample(StubModels.smooth(2), 3, LINEAR, new SplittableRandom(1)));
    }
}
