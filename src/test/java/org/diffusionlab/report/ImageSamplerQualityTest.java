package org.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.data.Digits;
import org.diffusionlab.data.ImageSet;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.metrics.DigitClassifier;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.sample.ImageSampler;
import org.diffusionlab.sample.TimestepSpacing;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.ImageTrainConfig;
import org.diffusionlab.train.ImageTrainer;
import org.diffusionlab.train.TrainingMonitor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each image sampler path on a tiny trained model (4×4 digits, a few seconds): the judge, trained
 * on the same 4×4 digits, must read most samples as the label they were generated for. Chance is
 * 10 %; the thresholds leave a wide margin below what was measured (printed).
 */
class ImageSamplerQualityTest {

    static final int T = 20;
    static ImageSet train;
    static DigitClassifier judge;
    static UNet net;
    static NoiseSchedule schedule = NoiseSchedule.cosineBetaSchedule(T);
    static int[] labels = new int[100];

    @BeforeAll
    static void trainTinyModel() {
        train = Digits.train().downscale(2);
        SplittableRandom rng = new SplittableRandom(42);
        judge = DigitClassifier.train(train, rng);
        net = new UNet(new UNet.Config(1, 4, 4, 8, new int[] {1, 2}, 4, 16, 32, 10, T), rng);
        net.useFastPath(true);
        new ImageTrainer(net, schedule, ImageTrainConfig.digits().withSteps(200).withLr(5e-3)).train(train, rng, TrainingMonitor.NONE);
        for (int i = 0; i < labels.length; i++) labels[i] = i % 10;
    }

    private static void check(String what, double[][] images, double threshold) {
        double acc = judge.accuracy(images, labels);
        System.out.printf("tiny 4x4 model, %s: conditional accuracy %.0f %%%n", what, 100 * acc);
        assertTrue(acc >= threshold, what + ": " + acc);
    }

    @Test
    @DisplayName("DDPM with the posterior variance and guidance 2: most samples carry their label")
    void ddpm() {
        ImageSampler s = new ImageSampler(net, schedule, PredictionType.EPS, true);
        check("DDPM w = 2", s.ddpm(100, labels, 2.0, new SplittableRandom(1), ImageSampler.Observer.NONE).images(), 0.5);
    }

    @Test
    @DisplayName("DDIM (eta 0, 10 of 20 steps, trailing and linspace) with guidance 2: most samples carry their label")
    void ddim() {
        ImageSampler s = new ImageSampler(net, schedule, PredictionType.EPS, true);
        check("DDIM trailing S = 10", s.ddim(100, labels, 2.0, 10, 0.0, new SplittableRandom(2), ImageSampler.Observer.NONE).images(), 0.5);
        check("DDIM linspace S = 10", s.ddim(100, labels, 2.0, TimestepSpacing.LINSPACE.steps(T, 10, 0), 0.0, new SplittableRandom(3),
                ImageSampler.Observer.NONE).images(), 0.5);
    }

    @Test
    @DisplayName("guidance helps: w = 3 reads the label at least as often as w = 1 on the same draws")
    void guidance() {
        ImageSampler s = new ImageSampler(net, schedule, PredictionType.EPS, true);
        double plain = judge.accuracy(s.ddpm(100, labels, 1.0, new SplittableRandom(4), ImageSampler.Observer.NONE).images(), labels);
        double guided = judge.accuracy(s.ddpm(100, labels, 3.0, new SplittableRandom(4), ImageSampler.Observer.NONE).images(), labels);
        System.out.printf("tiny 4x4 model: conditional accuracy %.0f %% at w = 1, %.0f %% at w = 3%n", 100 * plain, 100 * guided);
        assertTrue(guided >= plain, plain + " -> " + guided);
    }
}
