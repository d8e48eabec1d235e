package org.diffusionlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.Losses;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.MomentumSgd;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TrainerTest {

    private static final SimpleMatrix DATA = Datasets.makeSpiral(64, 0.02, new SplittableRandom(1));
    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linearBetaSchedule(20, 1e-3, 0.2);

    /** One (step, raw loss, smoothed loss) per monitor call. */
    private record Seen(int step, double loss, double smoothed) {}

    @Test
    @DisplayName("a loss that explodes while still finite counts as divergence; one that stays near its start does not")
    void explodingLossIsDivergence() {
        TrainingDivergedException.check(1, 0.9, 0.9, 1e-3);
        TrainingDivergedException.check(50, 0.9 * TrainingDivergedException.EXPLOSION_FACTOR, 0.9, 1e-3);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> TrainingDivergedException.check(7, 1e124, 0.9, 10));
        assertEquals(7, e.step());
        assertThrows(TrainingDivergedException.class, () -> TrainingDivergedException.check(3, Double.NaN, 0.9, 10));
    }

    @Test
    @DisplayName("a huge learning rate diverges with TrainingDivergedException naming the step and suggesting a smaller lr")
    void divergenceIsReported() {
        Mlp mlp = Mlp.init(16, new SplittableRandom(2));
        List<Seen> seen = new ArrayList<>();
        TrainConfig config = new TrainConfig(500, 1e3, 0.9, 0.9);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> Trainer.train(mlp, DATA, SCHEDULE, config, new SplittableRandom(3),
                        (step, loss, smoothed) -> seen.add(new Seen(step, loss, smoothed))));
        // The step that diverged is the first one the monitor never heard of.
        assertEquals(seen.size() + 1, e.step(), "step() should be the first step with a non-finite or exploded loss");
        assertTrue(e.step() > 1, () -> "the first loss, from the initial weights, is finite; got step " + e.step());
        assertTrue(seen.stream().allMatch(s -> Double.isFinite(s.loss())), "losses before the divergence are finite");
        String message = e.getMessage();
        assertTrue(message.contains("step " + e.step()), () -> "the message should name step " + e.step() + ": " + message);
        assertTrue(message.contains("smaller learning rate") && message.contains("lr = 1000.0"),
                () -> "the message should suggest a smaller lr than 1000.0: " + message);
    }

    @Test
    @DisplayName("the smoothed losses follow ℓ̄_1 = ℓ_1, ℓ̄_k = s·ℓ̄_{k−1} + (1 − s)·ℓ_k over the monitor's raw losses")
    void smoothedLossRecursion() {
        double s = 0.9;
        List<Seen> seen = new ArrayList<>();
        double[] smoothed = Trainer.train(Mlp.init(16, new SplittableRandom(2)), DATA, SCHEDULE,
                new TrainConfig(30, 1e-2, 0.9, s), new SplittableRandom(3),
                (step, loss, sm) -> seen.add(new Seen(step, loss, sm)));
        assertEquals(30, smoothed.length, "one smoothed loss per step");
        assertEquals(30, seen.size(), "one monitor call per step");
        double expected = 0;
        for (int k = 0; k < 30; k++) {
            Seen now = seen.get(k);
            assertEquals(k + 1, now.step(), "monitor steps are 1-based and in order");
            expected = k == 0 ? now.loss() : s * expected + (1 - s) * now.loss();
            int step = k + 1;
            double exp = expected;
            assertEquals(expected, smoothed[k], 1e-12 * expected, () -> "smoothed loss at step " + step + ", expected " + exp);
            assertEquals(smoothed[k], now.smoothed(), 0, () -> "monitor's smoothed loss at step " + step);
        }
    }

    @Test
    @DisplayName("the first step is exactly: draw n t's, then ε row by row, MSE of the MLP on [x_t, t/T], one momentum step")
    void firstStepMatchesTheAlgorithm() {
        Mlp trained = Mlp.init(16, new SplittableRandom(2));
        Mlp manual = trained.copy();
        List<Seen> seen = new ArrayList<>();
        Trainer.train(trained, DATA, SCHEDULE, new TrainConfig(1, 1e-2, 0.9, 0.9), new SplittableRandom(3),
                (step, loss, sm) -> seen.add(new Seen(step, loss, sm)));

        SplittableRandom rng = new SplittableRandom(3);
        int n = DATA.getNumRows(), T = SCHEDULE.T();
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextInt(1, T + 1);
        ForwardProcess.NoisySample noisy = ForwardProcess.qSample(DATA, t, SCHEDULE, rng);
        Mlp.Output out = manual.forward(Mlp.timeInput(noisy.xt(), t, T));
        Losses.Loss loss = Losses.mse(out.out(), noisy.eps());
        new MomentumSgd(1e-2, 0.9).step(manual, manual.backward(out.cache(), loss.grad()));

        assertEquals(loss.value(), seen.get(0).loss(), 0, "loss of step 1");
        for (int k = 0; k < 6; k++) {
            SimpleMatrix expected = manual.parameters().get(k), got = trained.parameters().get(k);
            String name = Mlp.parameterNames().get(k);
            assertTrue(expected.isIdentical(got, 0), () -> name + " after one step: expected\n" + expected + "got\n" + got);
        }
    }

    @Test
    @DisplayName("the same seeds give identical weights and losses; another data seed gives other weights")
    void sameSeedSameWeights() {
        TrainConfig config = new TrainConfig(20, 1e-2, 0.9, 0.9);
        Mlp a = Mlp.init(16, new SplittableRandom(2));
        Mlp b = Mlp.init(16, new SplittableRandom(2));
        Mlp c = Mlp.init(16, new SplittableRandom(2));
        double[] la = Trainer.train(a, DATA, SCHEDULE, config, new SplittableRandom(3), TrainingMonitor.NONE);
        double[] lb = Trainer.train(b, DATA, SCHEDULE, config, new SplittableRandom(3), TrainingMonitor.NONE);
        Trainer.train(c, DATA, SCHEDULE, config, new SplittableRandom(4), TrainingMonitor.NONE);
        assertEquals(java.util.Arrays.toString(la), java.util.Arrays.toString(lb), "smoothed losses for the same seed");
        for (int k = 0; k < 6; k++) {
            String name = Mlp.parameterNames().get(k);
            assertTrue(a.parameters().get(k).isIdentical(b.parameters().get(k), 0), () -> name + " differs for the same seed");
        }
        assertFalse(a.parameters().get(0).isIdentical(c.parameters().get(0), 1e-9), "W1 is the same for seeds 3 and 4");
    }

    @ParameterizedTest(name = "steps = {0}")
    @ValueSource(ints = {0, -5})
    @DisplayName("TrainConfig rejects fewer than 1 step, naming steps and its value")
    void configRejectsBadSteps(int steps) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new TrainConfig(steps, 1e-3, 0.9, 0.9));
        assertTrue(e.getMessage().contains("steps = " + steps), () -> "message: " + e.getMessage());
    }

    @Test
    @DisplayName("TrainConfig rejects a bad lr, momentum or smoothing, naming each; notebook() is the lab's recipe")
    void configValidation() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 0, 0.9, 0.9))
                .getMessage().contains("lr = 0.0"), "lr = 0");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 1e-3, 1.0, 0.9))
                .getMessage().contains("momentum = 1.0"), "momentum = 1");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new TrainConfig(1, 1e-3, 0.9, Double.NaN))
                .getMessage().contains("smoothing = NaN"), "smoothing = NaN");
        assertEquals(new TrainConfig(8000, 2e-3, 0.999, 0.999), TrainConfig.notebook(), "notebook()");
        assertEquals(new TrainConfig(10, 2e-3, 0.999, 0.999), TrainConfig.notebook().withSteps(10), "withSteps(10)");
    }
}
