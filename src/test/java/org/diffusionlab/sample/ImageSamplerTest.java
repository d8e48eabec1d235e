package org.diffusionlab.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.model.image.ImageDenoiser;
import org.diffusionlab.model.image.LabelEmbedding;
import org.diffusionlab.model.image.Tensor;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The image samplers against exact "oracle" denoisers: when the data is one fixed image per label,
 * the ideal network output is known in closed form, and every sampler must return that image.
 */
class ImageSamplerTest {

    static final int T = 40;
    static final NoiseSchedule SCHEDULE = NoiseSchedule.cosineBetaSchedule(T);
    static final UNet.Config CONFIG = new UNet.Config(1, 2, 2, 1, new int[] {1}, 1, 2, 2, 2, T);

    /** The "data": label 0 is this image, label 1 its negative; without a label, the zero image (their mean). */
    static final double[] IMAGE = {0.8, -0.5, 0.2, -0.9};

    static double[] target(int label) {
        double[] x = IMAGE.clone();
        if (label == 1) for (int i = 0; i < x.length; i++) x[i] = -x[i];
        if (label == LabelEmbedding.NO_LABEL) java.util.Arrays.fill(x, 0);
        return x;
    }

    /** Outputs exactly what a perfect network of the given prediction type would for x_0 = target(label). */
    static ImageDenoiser oracle(PredictionType p) {
        return new ImageDenoiser() {
            @Override
            public UNet.Config config() {
                return CONFIG;
            }

            @Override
            public Tensor forward(Tensor x, int[] t, int[] labels) {
                Tensor out = x.zerosLike();
                for (int n = 0; n < x.n; n++) {
                    double[] x0 = target(labels[n]);
                    for (int i = 0; i < 4; i++) {
                        double xt = x.data[n * 4 + i];
                        double eps = PredictionType.epsFromX0(x0[i], xt, t[n], SCHEDULE);
                        out.data[n * 4 + i] = p.target(x0[i], eps, t[n], SCHEDULE);
                    }
                }
                return out;
            }
        };
    }

    @Test
    @DisplayName("DDPM (posterior variance, clipped x0) and DDIM (eta 0, 0.5, 1; trailing, leading, linspace) return the oracle's image for eps, x0 and v")
    void oracleRecovered() {
        int[] labels = {0, 1, 0};
        for (PredictionType p : PredictionType.values()) {
            ImageSampler s = new ImageSampler(oracle(p), SCHEDULE, p, true);
            Tensor[] results = {
                s.ddpm(3, labels, 1.0, new SplittableRandom(1), ImageSampler.Observer.NONE),
                s.ddim(3, labels, 1.0, 10, 0.0, new SplittableRandom(2), ImageSampler.Observer.NONE),
                s.ddim(3, labels, 1.0, T, 1.0, new SplittableRandom(3), ImageSampler.Observer.NONE),
                s.ddim(3, labels, 1.0, TimestepSpacing.LEADING.steps(T, 8, 4), 0.5, new SplittableRandom(4), ImageSampler.Observer.NONE),
                s.ddim(3, labels, 1.0, TimestepSpacing.LINSPACE.steps(T, 7, 0), 0.0, new SplittableRandom(4), ImageSampler.Observer.NONE)};
            for (Tensor r : results) {
                for (int n = 0; n < 3; n++) assertArrayEquals(target(labels[n]), r.image(n), 1e-9, p + " image " + n);
            }
        }
    }

    @Test
    @DisplayName("DDIM with eta = 1 and S = T is DDPM with the posterior variance, draw for draw")
    void ddimEtaOneIsDdpm() {
        // a deliberately imperfect network: the eps oracle plus a bias, so x0-hat differs from the data
        ImageDenoiser exact = oracle(PredictionType.EPS);
        ImageDenoiser off = new ImageDenoiser() {
            public UNet.Config config() {
                return CONFIG;
            }

            public Tensor forward(Tensor x, int[] t, int[] labels) {
                Tensor f = exact.forward(x, t, labels);
                for (int i = 0; i < f.size(); i++) f.data[i] += 0.3 * Math.sin(i + t[0]);
                return f;
            }
        };
        ImageSampler s = new ImageSampler(off, SCHEDULE, PredictionType.EPS, false);
        Tensor a = s.ddpm(2, new int[] {0, 1}, 1.0, new SplittableRandom(5), ImageSampler.Observer.NONE);
        Tensor b = s.ddim(2, new int[] {0, 1}, 1.0, T, 1.0, new SplittableRandom(5), ImageSampler.Observer.NONE);
        assertArrayEquals(a.data, b.data, 1e-9);
    }

    @Test
    @DisplayName("guidance: w = 1 gives the labelled image, w = 0 the unconditional one, w = 1.5 the extrapolation (1.5 y - 0.5 none), clipped to [-1, 1]")
    void guidance() {
        ImageSampler s = new ImageSampler(oracle(PredictionType.X0), SCHEDULE, PredictionType.X0, true);
        assertArrayEquals(target(0), s.ddpm(1, new int[] {0}, 1.0, new SplittableRandom(1), ImageSampler.Observer.NONE).data, 1e-9);
        assertArrayEquals(target(LabelEmbedding.NO_LABEL), s.ddpm(1, new int[] {0}, 0.0, new SplittableRandom(1), ImageSampler.Observer.NONE).data, 1e-9);
        double[] expected = new double[4];
        for (int i = 0; i < 4; i++) expected[i] = Math.max(-1, Math.min(1, 1.5 * IMAGE[i]));
        assertArrayEquals(expected, s.ddpm(1, new int[] {0}, 1.5, new SplittableRandom(1), ImageSampler.Observer.NONE).data, 1e-9);
        assertArrayEquals(target(LabelEmbedding.NO_LABEL), s.ddim(1, null, 3.0, 5, 0, new SplittableRandom(1), ImageSampler.Observer.NONE).data, 1e-9);
    }

    @Test
    @DisplayName("an untrained eps network (output 0) gives x0-hat = x_t / sqrt(alpha_bar_T), far outside [-1, 1] at t = T; clipping keeps it inside")
    void clipping() {
        ImageDenoiser zero = new ImageDenoiser() {
            public UNet.Config config() {
                return CONFIG;
            }

            public Tensor forward(Tensor x, int[] t, int[] labels) {
                return x.zerosLike();
            }
        };
        Tensor x = new Tensor(1, 1, 2, 2, new double[] {1.0, -0.5, 0.3, 2.0});
        double[] free = new ImageSampler(zero, SCHEDULE, PredictionType.EPS, false).predictX0(x, T, null, 1);
        double[] clipped = new ImageSampler(zero, SCHEDULE, PredictionType.EPS, true).predictX0(x, T, null, 1);
        assertEquals(1.0 / SCHEDULE.sqrtAlphaBar(T), free[0], 1e-9);
        assertTrue(free[0] > 20, "unclipped " + free[0]);
        assertArrayEquals(new double[] {1.0, -1.0, 1.0, 1.0}, clipped, 1e-12);
    }

    @Test
    @DisplayName("the observer sees every step T-1 .. 0; bad steps, eta, guidance and label counts are rejected")
    void observerAndArguments() {
        ImageSampler s = new ImageSampler(oracle(PredictionType.EPS), SCHEDULE, PredictionType.EPS, true);
        int[] seen = {0, -5};
        s.ddpm(1, null, 1, new SplittableRandom(1), (t, x) -> {
            seen[0]++;
            seen[1] = t;
        });
        assertEquals(T, seen[0]);
        assertEquals(0, seen[1]);
        assertThrows(IllegalArgumentException.class, () -> s.ddim(1, null, 1, T + 1, 0, new SplittableRandom(1), ImageSampler.Observer.NONE));
        assertThrows(IllegalArgumentException.class, () -> s.ddim(1, null, 1, 5, 1.5, new SplittableRandom(1), ImageSampler.Observer.NONE));
        assertThrows(IllegalArgumentException.class, () -> s.ddpm(1, null, -1, new SplittableRandom(1), ImageSampler.Observer.NONE));
        assertThrows(IllegalArgumentException.class, () -> s.ddpm(2, new int[] {0}, 1, new SplittableRandom(1), ImageSampler.Observer.NONE));
    }
}
