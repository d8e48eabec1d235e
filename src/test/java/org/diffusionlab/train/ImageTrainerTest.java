package org.diffusionlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.data.Digits;
import org.diffusionlab.data.ImageSet;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ImageTrainerTest {

    static final ImageSet SMALL = Digits.train().downscale(2).first(256);

    static UNet tiny(SplittableRandom rng) {
        return new UNet(new UNet.Config(1, 4, 4, 4, new int[] {1, 2}, 2, 8, 16, 10, 20), rng);
    }

    private static List<Double> run(PredictionType p, int steps, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        UNet net = tiny(rng);
        net.useFastPath(true);
        ImageTrainConfig c = ImageTrainConfig.digits().withSteps(steps).withBatchSize(32).withPrediction(p).withLr(5e-3);
        return new ImageTrainer(net, NoiseSchedule.cosineBetaSchedule(20), c).train(SMALL, rng, TrainingMonitor.NONE);
    }

    private static double mean(List<Double> l, int from, int to) {
        return l.subList(from, to).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
    }

    @Test
    @DisplayName("each prediction type (eps, x0, v) trains: the mean loss of the last 20 of 120 steps is below that of the first 20")
    void everyPredictionTypeLearns() {
        for (PredictionType p : PredictionType.values()) {
            List<Double> losses = run(p, 120, 3);
            double first = mean(losses, 0, 20), last = mean(losses, 100, 120);
            System.out.printf("image trainer, %s: mean loss of steps 1-20 %.4f, of steps 101-120 %.4f%n", p.label(), first, last);
            assertTrue(last < 0.8 * first, p + ": " + first + " -> " + last);
        }
    }

    @Test
    @DisplayName("the same seed gives the same losses")
    void deterministic() {
        assertEquals(run(PredictionType.EPS, 5, 9), run(PredictionType.EPS, 5, 9));
    }

    @Test
    @DisplayName("a schedule with another T, or data of another shape, is rejected")
    void mismatches() {
        UNet net = tiny(new SplittableRandom(1));
        assertThrows(IllegalArgumentException.class, () -> new ImageTrainer(net, NoiseSchedule.cosineBetaSchedule(21), ImageTrainConfig.digits()));
        ImageTrainer trainer = new ImageTrainer(net, NoiseSchedule.cosineBetaSchedule(20), ImageTrainConfig.digits().withSteps(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> trainer.train(Digits.train().first(10), new SplittableRandom(1), TrainingMonitor.NONE));
        assertTrue(e.getMessage().contains("1x8x8"), e.getMessage());
    }
}
