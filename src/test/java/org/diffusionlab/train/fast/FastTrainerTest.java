package org.diffusionlab.train.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.TrainConfig;
import org.diffusionlab.train.Trainer;
import org.diffusionlab.train.TrainingDivergedException;
import org.diffusionlab.train.TrainingMonitor;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FastTrainerTest {

    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linearBetaSchedule(100, 1e-4, 5e-3);

    /** The lab's setup at a smaller size; weights rounded to float so both trainers start equal. */
    private static Mlp labMlp(int hidden, long seed) {
        Mlp mlp = Mlp.init(hidden, new SplittableRandom(seed));
        for (SimpleMatrix p : mlp.parameters()) {
            double[] a = p.getDDRM().data;
            for (int i = 0; i < a.length; i++) a[i] = (float) a[i];
        }
        return mlp;
    }

    private static SimpleMatrix spiral(int n) {
        return Datasets.makeSpiral(n, 0.02, new SplittableRandom(99));
    }

    @Test
    @DisplayName("the same seed gives bit-identical weights and losses on 1, 2, 3 and 4 threads")
    void resultDoesNotDependOnThreads() {
        SimpleMatrix data = spiral(301);  // not a multiple of the chunk count or the block size
        TrainConfig config = TrainConfig.notebook().withSteps(25);
        Mlp first = null;
        double[] firstLosses = null;
        for (int threads = 1; threads <= FastTrainer.CHUNKS; threads++) {
            Mlp mlp = labMlp(32, 4);
            double[] losses = FastTrainer.train(mlp, data, SCHEDULE, config, new SplittableRandom(8), TrainingMonitor.NONE, threads);
            if (first == null) {
                first = mlp;
                firstLosses = losses;
                continue;
            }
            assertArrayEquals(firstLosses, losses, "losses with " + threads + " threads");
            for (int p = 0; p < 6; p++) {
                assertArrayEquals(first.parameters().get(p).getDDRM().data, mlp.parameters().get(p).getDDRM().data,
                        Mlp.parameterNames().get(p) + " with " + threads + " threads");
            }
        }
    }

    @Test
    @DisplayName("backup copies of chunks (started at once, racing the originals) leave the result bit-identical")
    void backupExecutionDoesNotChangeTheResult() {
        SimpleMatrix data = spiral(301);
        TrainConfig config = TrainConfig.notebook().withSteps(25);
        Mlp single = labMlp(32, 4), raced = labMlp(32, 4);
        double[] expected = FastTrainer.train(single, data, SCHEDULE, config, new SplittableRandom(8), TrainingMonitor.NONE, 1);
        // backupAfterNanos = 0: every idle thread immediately runs a copy of every unfinished
        // chunk, so winners alternate between threads and losers are cut off mid-chunk
        double[] actual = FastTrainer.train(raced, data, SCHEDULE, config, new SplittableRandom(8), TrainingMonitor.NONE,
                FastTrainer.CHUNKS, 0);
        assertArrayEquals(expected, actual, "losses");
        for (int p = 0; p < 6; p++) {
            assertArrayEquals(single.parameters().get(p).getDDRM().data, raced.parameters().get(p).getDDRM().data,
                    Mlp.parameterNames().get(p));
        }
    }

    @Test
    @DisplayName("the fast trainer follows the reference trainer to float precision, and leaves the rng in the same state")
    void agreesWithReferenceTrainer() {
        SimpleMatrix data = spiral(200);
        TrainConfig config = TrainConfig.notebook().withSteps(30);
        Mlp reference = labMlp(64, 6), fast = reference.copy();
        SplittableRandom rngReference = new SplittableRandom(12), rngFast = new SplittableRandom(12);
        double[] expected = Trainer.train(reference, data, SCHEDULE, config, rngReference, TrainingMonitor.NONE);
        double[] actual = FastTrainer.train(fast, data, SCHEDULE, config, rngFast, TrainingMonitor.NONE, 2);

        assertEquals(rngReference.nextLong(), rngFast.nextLong(), "the fast trainer must draw exactly what the reference draws");
        // Losses are means of 400 squared errors computed from float activations: relative
        // rounding ≈1e-7 per value; 1e-5 leaves room for 30 steps of drift between the weights.
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 1e-5 * expected[k], "smoothed loss after step " + (k + 1));
        }
        // Weights move by ≈ lr·|g|·steps²/2 over 30 momentum steps; float gradients differ from
        // double ones by ≈1e-5 relative (see FusedMlpTest), plus one float rounding of the weight
        // itself (≈1e-7 relative). 1e-4 of the largest change plus 1e-6 of the weight covers both
        // with a factor of ten to spare, and is far below the change itself.
        for (int p = 0; p < 6; p++) {
            double[] before = labMlp(64, 6).parameters().get(p).getDDRM().data;
            double[] e = reference.parameters().get(p).getDDRM().data, a = fast.parameters().get(p).getDDRM().data;
            double moved = 0;
            for (int i = 0; i < e.length; i++) moved = Math.max(moved, Math.abs(e[i] - before[i]));
            assertTrue(moved > 1e-4, Mlp.parameterNames().get(p) + " barely moved: the comparison would be empty");
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], 1e-4 * moved + 1e-6 * Math.abs(e[i]), Mlp.parameterNames().get(p) + "[" + i + "]");
            }
        }
    }

    @Test
    @DisplayName("the monitor sees every step, with the returned smoothed losses")
    void monitorSeesEveryStep() {
        List<Double> seen = new ArrayList<>();
        List<Integer> steps = new ArrayList<>();
        double[] losses = FastTrainer.train(labMlp(16, 1), spiral(50), SCHEDULE, TrainConfig.notebook().withSteps(7),
                new SplittableRandom(3), (step, loss, smoothed) -> {
                    steps.add(step);
                    seen.add(smoothed);
                });
        assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), steps);
        for (int k = 0; k < losses.length; k++) assertEquals(losses[k], seen.get(k), 0.0);
    }

    @Test
    @DisplayName("a diverging run stops no later than the reference trainer (float overflows first), with finite weights")
    void divergenceIsReportedLikeTheReference() {
        SimpleMatrix data = spiral(100);
        TrainConfig config = new TrainConfig(200, 50.0, 0.999, 0.999);
        Mlp reference = labMlp(16, 2), fast = reference.copy();
        TrainingDivergedException expected = assertThrows(TrainingDivergedException.class,
                () -> Trainer.train(reference, data, SCHEDULE, config, new SplittableRandom(5), TrainingMonitor.NONE));
        TrainingDivergedException actual = assertThrows(TrainingDivergedException.class,
                () -> FastTrainer.train(fast, data, SCHEDULE, config, new SplittableRandom(5), TrainingMonitor.NONE));
        // float's range ends at 3.4e38, double's at 1.8e308: the same blow-up overflows float first
        assertTrue(actual.step() <= expected.step(), "fast diverged at " + actual.step() + ", reference at " + expected.step());
        assertTrue(actual.step() > 1, "lr = 50 should take a few steps to overflow: the test would not check the write-back");
        for (SimpleMatrix p : fast.parameters()) {
            for (double v : p.getDDRM().data) assertTrue(Double.isFinite(v), "weights written back must be the last finite ones");
        }
    }

    @Test
    @DisplayName("the default thread count is between 1 and the chunk count")
    void defaultThreadsIsValid() {
        int threads = FastTrainer.defaultThreads();
        assertTrue(threads >= 1 && threads <= FastTrainer.CHUNKS, "defaultThreads() = " + threads);
    }

    @Test
    @DisplayName("bad arguments are rejected with the parameter's name")
    void rejectsBadArguments() {
        Mlp mlp = labMlp(8, 1);
        TrainConfig config = TrainConfig.notebook().withSteps(1);
        var zero = assertThrows(IllegalArgumentException.class,
                () -> FastTrainer.train(mlp, spiral(10), SCHEDULE, config, new SplittableRandom(1), TrainingMonitor.NONE, 0));
        assertTrue(zero.getMessage().startsWith("threads = 0"), zero.getMessage());
        var columns = assertThrows(IllegalArgumentException.class,
                () -> FastTrainer.train(mlp, new SimpleMatrix(10, 3), SCHEDULE, config, new SplittableRandom(1), TrainingMonitor.NONE));
        assertTrue(columns.getMessage().startsWith("data has 3 columns"), columns.getMessage());
    }
}
