package org.diffusionlab.train.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FastEpsilonModelTest {

    private static DeepMlp net() {
        return DeepMlp.init(2, new SinusoidalTimeEmbedding(8), 3, 16, 0.5, 0.0, new SplittableRandom(1));
    }

    @Test
    @DisplayName("ε̂ equals DeepMlp.predictEpsilon for more rows than one block (same sums, same order)")
    void matchesDeepMlp() {
        DeepMlp net = net();
        FastEpsilonModel fast = new FastEpsilonModel(net);
        SimpleMatrix xt = ForwardProcess.gaussian(FastEpsilonModel.BLOCK + 37, 2, new SplittableRandom(2));
        for (int t : new int[] {1, 17, 40}) {
            assertArrayEquals(net.predictEpsilon(xt, t, 40).getDDRM().data, fast.predictEpsilon(xt, t, 40).getDDRM().data, 1e-12, "t = " + t);
        }
    }

    @Test
    @DisplayName("a sampler fed by it draws the same samples as with the DeepMlp itself")
    void sameSamples() {
        DeepMlp net = net();
        NoiseSchedule schedule = NoiseSchedule.cosineBetaSchedule(20);
        AncestralSampler sampler = AncestralSampler.of(Variance.BETA);
        SimpleMatrix want = sampler.sample(net, 300, schedule, new SplittableRandom(3));
        SimpleMatrix got = sampler.sample(new FastEpsilonModel(net), 300, schedule, new SplittableRandom(3));
        assertArrayEquals(want.getDDRM().data, got.getDDRM().data, 1e-9);
    }

    @Test
    @DisplayName("x_t with the wrong number of columns is rejected")
    void wrongColumns() {
        assertThrows(IllegalArgumentException.class, () -> new FastEpsilonModel(net()).predictEpsilon(new SimpleMatrix(3, 3), 1, 10));
    }

    @Test
    @DisplayName("fastestFor wraps a DeepMlp and hands any other model back unchanged")
    void fastestFor() {
        assertInstanceOf(FastEpsilonModel.class, FastEpsilonModel.fastestFor(net()));
        Mlp mlp = Mlp.init(8, new SplittableRandom(2));
        assertSame(mlp, FastEpsilonModel.fastestFor(mlp));
    }
}
