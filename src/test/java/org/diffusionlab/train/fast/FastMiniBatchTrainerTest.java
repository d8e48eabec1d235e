package org.diffusionlab.train.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.model.TimeEmbedding;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.LearningRateSchedule;
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.MiniBatchTrainer;
import org.diffusionlab.train.OptimizerChoice;
import org.diffusionlab.train.TrainingDivergedException;
import org.diffusionlab.train.TrainingMonitor;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FastMiniBatchTrainerTest {

    private static final NoiseSchedule SCHEDULE = NoiseSchedule.cosineBetaSchedule(40);
    /** 300 rows in batches of 64: every epoch ends with a short batch of 44. */
    private static final SimpleMatrix DATA = Dataset.MOONS.sample(300, new SplittableRandom(1));
    private static final int STEPS = 200;

    /**
     * Relative agreement of weights and losses. Both trainers add the same terms in the same
     * order, so they agree bit for bit on this JVM; the tolerance leaves room for a library or JIT
     * that reorders a sum (round-off ~1e-16 per operation, amplified by 200 Adam steps).
     */
    private static final double TOLERANCE = 1e-9;

    private static DeepMlp net(TimeEmbedding embedding, long seed) {
        return DeepMlp.init(2, embedding, 3, 24, 0.1, 0.0, new SplittableRandom(seed));
    }

    private static void assertSameRun(TimeEmbedding embedding, MiniBatchConfig config) {
        DeepMlp reference = net(embedding, 2), fast = net(embedding, 2);
        List<Double> refRaw = new ArrayList<>(), fastRaw = new ArrayList<>();
        double[] refLoss = MiniBatchTrainer.train(reference, DATA, SCHEDULE, config, new SplittableRandom(3),
                (step, loss, smoothed) -> refRaw.add(loss));
        double[] fastLoss = FastMiniBatchTrainer.train(fast, DATA, SCHEDULE, config, new SplittableRandom(3),
                (step, loss, smoothed) -> fastRaw.add(loss));
        assertEquals(STEPS, fastRaw.size());
        for (int k = 0; k < STEPS; k++) {
            assertEquals(refRaw.get(k), fastRaw.get(k), TOLERANCE * refRaw.get(k), "loss of step " + (k + 1));
            assertEquals(refLoss[k], fastLoss[k], TOLERANCE * refLoss[k], "smoothed loss of step " + (k + 1));
        }
        for (int p = 0; p < reference.parameters().size(); p++) {
            double[] want = reference.parameters().get(p).getDDRM().data, got = fast.parameters().get(p).getDDRM().data;
            double scale = 0;
            for (double w : want) scale = Math.max(scale, Math.abs(w));
            assertArrayEquals(want, got, TOLERANCE * scale, reference.parameterNames().get(p) + " with " + config);
        }
    }

    private static MiniBatchConfig config(OptimizerChoice optimizer, LearningRateSchedule lrSchedule, double weightDecay, double clipNorm, double ema) {
        return new MiniBatchConfig(STEPS, 64, optimizer, 3e-3, lrSchedule, weightDecay, clipNorm, ema, 0.9);
    }

    @Test
    @DisplayName("Adam, constant rate, clipping and EMA, scalar t/T input: same losses and weights as MiniBatchTrainer")
    void adamScalar() {
        assertSameRun(ScalarTimeEmbedding.INSTANCE, config(OptimizerChoice.ADAM, LearningRateSchedule.CONSTANT, 0, 0.5, 0.99));
    }

    @Test
    @DisplayName("AdamW, cosine decay, clipping and EMA, sinusoidal embedding: same losses and weights as MiniBatchTrainer")
    void adamWSinusoidal() {
        assertSameRun(new SinusoidalTimeEmbedding(16), config(OptimizerChoice.ADAMW, LearningRateSchedule.COSINE, 1e-2, 0.5, 0.99));
    }

    @Test
    @DisplayName("momentum SGD without clipping or EMA: same losses and weights as MiniBatchTrainer")
    void momentumSgd() {
        assertSameRun(new SinusoidalTimeEmbedding(8), config(OptimizerChoice.MOMENTUM_SGD, LearningRateSchedule.CONSTANT, 0,
                MiniBatchConfig.NO_CLIPPING, MiniBatchConfig.NO_EMA));
    }

    @Test
    @DisplayName("the clipping in the equivalence runs is active: without it the weights differ")
    void clippingIsActive() {
        MiniBatchConfig clipped = config(OptimizerChoice.ADAM, LearningRateSchedule.CONSTANT, 0, 0.5, MiniBatchConfig.NO_EMA);
        MiniBatchConfig free = config(OptimizerChoice.ADAM, LearningRateSchedule.CONSTANT, 0, MiniBatchConfig.NO_CLIPPING, MiniBatchConfig.NO_EMA);
        DeepMlp a = net(ScalarTimeEmbedding.INSTANCE, 2), b = net(ScalarTimeEmbedding.INSTANCE, 2);
        FastMiniBatchTrainer.train(a, DATA, SCHEDULE, clipped, new SplittableRandom(3), TrainingMonitor.NONE);
        FastMiniBatchTrainer.train(b, DATA, SCHEDULE, free, new SplittableRandom(3), TrainingMonitor.NONE);
        double diff = 0;
        for (int p = 0; p < a.parameters().size(); p++) {
            diff = Math.max(diff, a.parameters().get(p).minus(b.parameters().get(p)).elementMaxAbs());
        }
        assertTrue(diff > 1e-3, "max weight difference with and without clipping: " + diff);
    }

    @Test
    @DisplayName("a diverging run stops at the same step as the reference's")
    void divergesLikeTheReference() {
        MiniBatchConfig wild = new MiniBatchConfig(200, 64, OptimizerChoice.MOMENTUM_SGD, 5.0, LearningRateSchedule.CONSTANT, 0,
                MiniBatchConfig.NO_CLIPPING, MiniBatchConfig.NO_EMA, 0.9);
        TrainingDivergedException ref = assertThrows(TrainingDivergedException.class, () -> MiniBatchTrainer.train(
                net(ScalarTimeEmbedding.INSTANCE, 4), DATA, SCHEDULE, wild, new SplittableRandom(5), TrainingMonitor.NONE));
        TrainingDivergedException fast = assertThrows(TrainingDivergedException.class, () -> FastMiniBatchTrainer.train(
                net(ScalarTimeEmbedding.INSTANCE, 4), DATA, SCHEDULE, wild, new SplittableRandom(5), TrainingMonitor.NONE));
        assertEquals(ref.step(), fast.step());
    }

    @Test
    @DisplayName("data with the wrong number of columns is rejected")
    void wrongColumns() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FastMiniBatchTrainer.train(
                net(ScalarTimeEmbedding.INSTANCE, 1), new SimpleMatrix(10, 3), SCHEDULE,
                config(OptimizerChoice.ADAM, LearningRateSchedule.CONSTANT, 0, 1, 0), new SplittableRandom(1), TrainingMonitor.NONE));
        assertTrue(e.getMessage().contains("3 columns"), e.getMessage());
    }
}
