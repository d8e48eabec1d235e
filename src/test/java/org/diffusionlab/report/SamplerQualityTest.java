package org.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.SplittableRandom;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.DdimSampler;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.LearningRateSchedule;
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.OptimizerChoice;
import org.diffusionlab.train.TrainingMonitor;
import org.diffusionlab.train.fast.FastMiniBatchTrainer;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every sampler, fed by one small model trained for a few seconds on two Gaussian blobs, must
 * produce points far closer to the data than the N(0, I) noise it starts from. The blobs are the
 * toy dataset farthest from N(0, I) after standardization (SW ≈ 0.5 at 500 points, against a
 * real-vs-real floor of ≈ 0.02), so "far closer" can be demanding: under a quarter of the noise's distance.
 */
class SamplerQualityTest {

    private static final int N = 500;
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linearBetaSchedule(50, 1e-4, 0.2);
    private static DeepMlp model;
    private static SimpleMatrix real;
    private static double noiseDistance;
    private static double floor;

    @BeforeAll
    static void train() {
        SplittableRandom rng = new SplittableRandom(2024);
        SimpleMatrix all = Dataset.TWO_GAUSSIANS.sample(4000 + 2 * N, rng);
        SimpleMatrix train = all.extractMatrix(0, 4000, 0, 2);
        real = all.extractMatrix(4000, 4000 + N, 0, 2);
        model = DeepMlp.init(2, new SinusoidalTimeEmbedding(16), 2, 48, 0.1, 0.0, rng);
        FastMiniBatchTrainer.train(model, train, SCHEDULE,
                new MiniBatchConfig(800, 128, OptimizerChoice.ADAMW, 3e-3, LearningRateSchedule.CONSTANT, 1e-4, 1.0, 0.99, 0.9), rng, TrainingMonitor.NONE);
        noiseDistance = Wasserstein.sliced(ForwardProcess.gaussian(N, 2, rng), real);
        floor = Wasserstein.sliced(all.extractMatrix(4000 + N, 4000 + 2 * N, 0, 2), real);
    }

    /** SW(samples, real) must be under a quarter of SW(N(0, I), real). */
    private static void assertCloseToData(String sampler, SimpleMatrix samples) {
        double sw = Wasserstein.sliced(samples, real);
        assertTrue(sw < noiseDistance / 4, sampler + ": SW to the data " + sw + ", noise " + noiseDistance
                + ", real-vs-real floor " + floor);
    }

    @Test
    @DisplayName("DdpmSampler (σ² = β) turns noise into the two blobs")
    void ddpm() {
        assertCloseToData("DDPM", DdpmSampler.pSampleLoop(model, N, SCHEDULE, new SplittableRandom(1), Collections.emptySet()).samples());
    }

    @Test
    @DisplayName("AncestralSampler with σ² = β turns noise into the two blobs")
    void ancestralBeta() {
        assertCloseToData("ancestral β", AncestralSampler.of(Variance.BETA).sample(model, N, SCHEDULE, new SplittableRandom(2)));
    }

    @Test
    @DisplayName("AncestralSampler with the posterior variance turns noise into the two blobs")
    void ancestralPosterior() {
        assertCloseToData("ancestral β̃", AncestralSampler.of(Variance.POSTERIOR).sample(model, N, SCHEDULE, new SplittableRandom(3)));
    }

    @Test
    @DisplayName("DdimSampler with S = 10 of T = 50 steps and η = 0 turns noise into the two blobs")
    void ddim() {
        assertCloseToData("DDIM", new DdimSampler(10, 0.0).sample(model, N, SCHEDULE, new SplittableRandom(4)));
    }
}
