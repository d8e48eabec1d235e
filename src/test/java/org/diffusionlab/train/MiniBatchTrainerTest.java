package org.diffusionlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MiniBatchTrainerTest {

    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linearBetaSchedule(50, 1e-4, 0.2);
    private static final SimpleMatrix DATA = Dataset.TWO_GAUSSIANS.sample(256, new SplittableRandom(1));

    private static DeepMlp net(long seed) {
        return DeepMlp.init(2, new SinusoidalTimeEmbedding(8), 2, 32, 0.1, 0.0, new SplittableRandom(seed));
    }

    private static MiniBatchConfig config(int steps) {
        return new MiniBatchConfig(steps, 64, OptimizerChoice.ADAMW, 3e-3, LearningRateSchedule.CONSTANT, 1e-4, 1.0, MiniBatchConfig.NO_EMA, 0.9);
    }

    @Test
    @DisplayName("the same seeds give the same losses and the same weights")
    void deterministic() {
        DeepMlp a = net(2), b = net(2);
        double[] la = MiniBatchTrainer.train(a, DATA, SCHEDULE, config(30), new SplittableRandom(3), TrainingMonitor.NONE);
        double[] lb = MiniBatchTrainer.train(b, DATA, SCHEDULE, config(30), new SplittableRandom(3), TrainingMonitor.NONE);
        assertArrayEquals(la, lb, 0.0);
        for (int k = 0; k < a.parameters().size(); k++) {
            assertArrayEquals(a.parameters().get(k).getDDRM().data, b.parameters().get(k).getDDRM().data, 0.0);
        }
        double[] lc = MiniBatchTrainer.train(net(2), DATA, SCHEDULE, config(30), new SplittableRandom(4), TrainingMonitor.NONE);
        assertTrue(lc[29] != la[29], "another seed gives another run");
    }

    @Test
    @DisplayName("on two Gaussian blobs the loss falls well below its starting value of about 1")
    void lossDecreases() {
        List<Double> raw = new ArrayList<>();
        MiniBatchTrainer.train(net(5), DATA, SCHEDULE, config(400), new SplittableRandom(6),
                (step, loss, smoothed) -> raw.add(loss));
        assertEquals(400, raw.size());
        double first = raw.subList(0, 20).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = raw.subList(300, 400).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        // ε̂ ≈ 0 at first, so MSE ≈ E[ε²] = 1; a trained model predicts ε well at small t
        assertTrue(first > 0.8, "first 20 steps average " + first);
        assertTrue(last < 0.75 * first, "last 100 steps average " + last + " vs first 20 " + first);
    }

    @Test
    @DisplayName("with emaDecay the model ends with the bias-corrected moving average of the weights along the same run")
    void endsWithMovingAverage() {
        DeepMlp plain = net(9), averaged = net(9);
        double d = 0.9;
        int steps = 20;
        // Σ_j (1 − d)·d^{k−j}·θ_j, accumulated from zero, then divided by 1 − d^k
        List<SimpleMatrix> sum = new ArrayList<>();
        for (SimpleMatrix p : plain.parameters()) sum.add(new SimpleMatrix(p.getNumRows(), p.getNumCols()));
        MiniBatchTrainer.train(plain, DATA, SCHEDULE, config(steps), new SplittableRandom(10), (step, loss, smoothed) -> {
            for (int k = 0; k < plain.parameters().size(); k++) {
                sum.get(k).setTo(sum.get(k).scale(d).plus(plain.parameters().get(k).scale(1 - d)));
            }
        });
        MiniBatchConfig withEma = new MiniBatchConfig(steps, 64, OptimizerChoice.ADAMW, 3e-3, LearningRateSchedule.CONSTANT, 1e-4, 1.0, d, 0.9);
        MiniBatchTrainer.train(averaged, DATA, SCHEDULE, withEma, new SplittableRandom(10), TrainingMonitor.NONE);
        for (int k = 0; k < plain.parameters().size(); k++) {
            assertArrayEquals(sum.get(k).divide(1 - Math.pow(d, steps)).getDDRM().data,
                    averaged.parameters().get(k).getDDRM().data, 1e-12);
        }
        assertTrue(plain.parameters().get(0).minus(averaged.parameters().get(0)).elementMaxAbs() > 1e-6,
                "the average differs from the last weights");
    }

    @Test
    @DisplayName("with the cosine schedule, steps get smaller toward the end than with a constant rate")
    void cosineScheduleShrinksLateSteps() {
        double[] lastStep = new double[2];
        LearningRateSchedule[] schedules = {LearningRateSchedule.CONSTANT, LearningRateSchedule.COSINE};
        for (int s = 0; s < 2; s++) {
            DeepMlp model = net(12);
            SimpleMatrix[] before = new SimpleMatrix[1];
            int steps = 40, sIndex = s;
            MiniBatchConfig c = new MiniBatchConfig(steps, 64, OptimizerChoice.ADAM, 3e-3, schedules[s], 0, MiniBatchConfig.NO_CLIPPING,
                    MiniBatchConfig.NO_EMA, 0.9);
            MiniBatchTrainer.train(model, DATA, SCHEDULE, c, new SplittableRandom(13), (step, loss, smoothed) -> {
                if (step == steps - 1) before[0] = model.parameters().get(0).copy();
                if (step == steps) lastStep[sIndex] = model.parameters().get(0).minus(before[0]).elementMaxAbs();
            });
        }
        // Adam moves a weight by at most lr·(1 − β1)/√(1 − β2) ≈ 3.2·lr per step (Kingma & Ba, section 2.1);
        // the cosine factor at k = K = 40 is ½(1 + cos(39π/40)) ≈ 0.0015
        assertTrue(lastStep[0] > 1e-4 && lastStep[0] < 3.2 * 3e-3, "constant: " + lastStep[0]);
        assertTrue(lastStep[1] < 3.2 * 3e-3 * 0.0016, "cosine: " + lastStep[1]);
    }

    @Test
    @DisplayName("a huge learning rate ends in TrainingDivergedException, not in NaN weights")
    void diverges() {
        MiniBatchConfig wild = new MiniBatchConfig(200, 64, OptimizerChoice.MOMENTUM_SGD, 1e3, LearningRateSchedule.CONSTANT, 0, MiniBatchConfig.NO_CLIPPING, 0, 0.9);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> MiniBatchTrainer.train(net(7), DATA, SCHEDULE, wild, new SplittableRandom(8), TrainingMonitor.NONE));
        assertTrue(e.step() >= 1 && e.step() <= 200, "step " + e.step());
    }

    @Test
    @DisplayName("the config rejects bad values with the parameter named")
    void rejectsBadConfig() {
        assertThrows(IllegalArgumentException.class, () -> new MiniBatchConfig(0, 64, OptimizerChoice.ADAM, 1e-3, LearningRateSchedule.CONSTANT, 0, 1, 0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new MiniBatchConfig(10, 0, OptimizerChoice.ADAM, 1e-3, LearningRateSchedule.CONSTANT, 0, 1, 0, 0.9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new MiniBatchConfig(10, 64, OptimizerChoice.ADAM, 1e-3, LearningRateSchedule.CONSTANT, 0.01, 1, 0, 0.9));
        assertTrue(e.getMessage().contains("weightDecay = 0.01"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MiniBatchConfig(10, 64, OptimizerChoice.ADAMW, 1e-3, LearningRateSchedule.CONSTANT, 0, 0, 0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new MiniBatchConfig(10, 64, OptimizerChoice.ADAM, 1e-3, LearningRateSchedule.CONSTANT, 0, 1, 1.0, 0.9));
        IllegalArgumentException sgd = assertThrows(IllegalArgumentException.class, () -> new MiniBatchConfig(10, 64,
                OptimizerChoice.MOMENTUM_SGD, 1e-3, LearningRateSchedule.COSINE, 0, 1, 0, 0.9));
        assertTrue(sgd.getMessage().contains("lrSchedule = COSINE"), sgd.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new MiniBatchConfig(10, 64, OptimizerChoice.ADAM, 1e-3, null, 0, 1, 0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> new MiniBatchConfig(10, 64, null, 1e-3, LearningRateSchedule.CONSTANT, 0, 1, 0, 0.9));
        assertThrows(IllegalArgumentException.class, () -> MiniBatchTrainer.train(net(1), new SimpleMatrix(10, 3), SCHEDULE,
                config(1), new SplittableRandom(1), TrainingMonitor.NONE));
    }
}
