package org.diffusionlab.labs.images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.labs.common.Walkthrough;
import org.ejml.simple.SimpleMatrix;
import org.diffusionlab.plot.ImageGrid;

/**
 * Runs the image lab end to end with your functions and writes grids of 8×8 digits into
 * {@code outputs/images/}: {@code real.png}, {@code edges.png} (your convolution with a Sobel kernel,
 * then your GroupNorm and SiLU) and {@code samples.png} (one row per label, generated with your
 * x̂0, reverse step and guidance), and prints the samples' Fréchet distance (yours, on pixels) to
 * held-out digits beside its floor (training digits against the same held-out digits).
 *
 * <p>Where the pieces come from: the data scaling, the convolution, GroupNorm, SiLU, x̂0, the reverse
 * step, the guided ε̂ and the Fréchet distance are yours (the matrix square root is the given one). The denoiser is not a trained U-Net: it is the <em>exact</em> ε̂ of
 * the training set (each x_t's posterior over the training digits, per label for ε̂_y and over all
 * digits for ε̂_∅), computed in closed form in this file. That keeps the walkthrough to seconds and
 * makes every difference in the grid come from the sampler; the price is that an exact denoiser of a
 * finite set can only reproduce training digits (memorisation), which a trained network does not.
 * The core's trained U-Net (docs/images.md) runs with
 * {@code mvn -q -pl src compile exec:java -Dexec.args="--dataset digits --out outputs/digits"}.
 *
 * <p>Options: {@code --T} (100, cosine schedule), {@code --guidance} (2), {@code --clip} (true),
 * {@code --per-label} (10 samples per digit), {@code --seed} (42), {@code --out} (outputs/images).
 */
public final class ImagesWalkthrough {

    private ImagesWalkthrough() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = Walkthrough.options(args, "--T 100 --guidance 2 --clip true --per-label 10 --seed 42");
        int T = Integer.parseInt(opt.getOrDefault("T", "100"));
        double w = Double.parseDouble(opt.getOrDefault("guidance", "2"));
        boolean clip = Boolean.parseBoolean(opt.getOrDefault("clip", "true"));
        int perLabel = Integer.parseInt(opt.getOrDefault("per-label", "10"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "42"));
        Path out = Path.of(opt.getOrDefault("out", "outputs/images"));
        Files.createDirectories(out);
        long start = System.nanoTime();

        DigitsData.Raw raw = DigitsData.load();
        double[][] all = run("1.1", "DigitsData.scale", () -> DigitsData.scale(raw.pixels()));
        List<double[]> trainX = new ArrayList<>(), heldX = new ArrayList<>();
        List<Integer> trainY = new ArrayList<>();
        int[] seen = new int[10];
        for (int i = 0; i < all.length; i++) {
            int y = raw.labels()[i];
            if (seen[y]++ % 5 == 4) {
                heldX.add(all[i]);
            } else {
                trainX.add(all[i]);
                trainY.add(y);
            }
        }
        double[][] train = trainX.toArray(double[][]::new), held = heldX.toArray(double[][]::new);
        int[] labels = trainY.stream().mapToInt(Integer::intValue).toArray();
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (double[] x : all) for (double v : x) { min = Math.min(min, v); max = Math.max(max, v); }
        System.out.printf("1. [yours: DigitsData.scale] %d digits, pixels in [%.1f, %.1f]; %d to train on, %d held out%n",
                all.length, min, max, train.length, held.length);
        ImageGrid.write(out.resolve("real.png"), firstPerLabel(train, labels, perLabel), 8, 8, 10, perLabel, 6);

        Maps batch = new Maps(perLabel * 10, 1, 8, 8, flatten(firstPerLabel(train, labels, perLabel)));
        double[] sobel = {-1, 0, 1, -2, 0, 2, -1, 0, 1};
        Maps edges = run("2.1", "Conv.forward", () -> Conv.forward(batch, sobel, new double[1], 3, 1, 1));
        Maps down = run("2.1", "Conv.forward", () -> Conv.forward(batch, sobel, new double[1], 3, 2, 1));
        Conv.Grads g = run("2.2", "Conv.backward", () -> Conv.backward(batch, edges, sobel, 3, 1, 1));
        System.out.printf("2. [yours: Conv] Sobel edges %s, stride 2 gives %s; ∂(½‖y‖²)/∂W[centre row] = %.1f, %.1f, %.1f%n",
                edges.shape(), down.shape(), g.dWeight()[3], g.dWeight()[4], g.dWeight()[5]);
        Maps normed = run("3.3", "Norm.groupNorm", () -> Norm.groupNorm(edges, 1, new double[] {1}, new double[] {0}));
        Maps act = run("3.1", "Norm.silu", () -> Norm.silu(normed));
        run("3.2", "Norm.siluBackward", () -> Norm.siluBackward(normed, act));
        run("3.4", "Norm.groupNormBackward", () -> Norm.groupNormBackward(edges, act, 1, new double[] {1}));
        System.out.printf("3. [yours: Norm] after GroupNorm mean %.3f, sd %.3f; after SiLU min %.3f (SiLU's minimum is −0.278)%n",
                mean(normed.data()), Math.sqrt(variance(normed.data())), minOf(act.data()));
        double[][] edgeImages = new double[batch.n()][];
        for (int i = 0; i < batch.n(); i++) {
            edgeImages[i] = new double[64];
            for (int p = 0; p < 64; p++) edgeImages[i][p] = Math.max(-1, Math.min(1, act.data()[i * 64 + p] - 1));
        }
        ImageGrid.write(out.resolve("edges.png"), edgeImages, 8, 8, 10, perLabel, 6);

        double[] betas = cosineBetas(T);
        ExactDenoiser denoiser = new ExactDenoiser(train, labels);
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 10 * perLabel;
        int[] want = new int[n];
        for (int i = 0; i < n; i++) want[i] = i / perLabel;
        double[][] x = new double[n][64];
        for (double[] xi : x) for (int p = 0; p < 64; p++) xi[p] = rng.nextGaussian();
        double ab = 1;
        for (double b : betas) ab *= 1 - b;
        double abT = ab;
        double[] eps0 = run("5.1", "Guidance.guided", () -> Guidance.guided(denoiser.eps(x[0], want[0], abT), denoiser.eps(x[0], -1, abT), w));
        double[] raw0 = run("4.1", "ImageStep.predictX0", () -> ImageStep.predictX0(x[0], eps0, abT, false));
        System.out.printf("4. [yours: ImageStep, Guidance] at t = T, ᾱ_T = %.2e: the largest |x̂0| before clipping is %.1f "
                + "(the pixels lie in [−1, 1]%s)%n",
                abT, maxAbs(raw0), w > 1 ? "; guidance w = " + w + " extrapolates x̂0 beyond the data" : "");
        long sampling = System.nanoTime();
        run("4.2", "ImageStep.reverseStep", () -> {
            for (int t = T; t >= 1; t--) {
                double abt = 1;
                for (int s = 0; s < t; s++) abt *= 1 - betas[s];
                for (int i = 0; i < n; i++) {
                    double[] cond = denoiser.eps(x[i], want[i], abt), uncond = denoiser.eps(x[i], -1, abt);
                    double[] eps = Guidance.guided(cond, uncond, w);
                    double[] z = new double[64];
                    for (int p = 0; p < 64; p++) z[p] = rng.nextGaussian();
                    x[i] = ImageStep.reverseStep(x[i], eps, t, betas, t > 1 ? z : null, clip);
                }
            }
            return null;
        });
        System.out.printf("5. sampled %d digits (T = %d, cosine, guidance w = %s, clip %s) with your reverse step and guidance and the "
                + "exact ε̂ of the training set (not a trained U-Net) in %.1f s%n", n, T, w, clip, (System.nanoTime() - sampling) / 1e9);
        int copies = 0;
        for (double[] s : x) if (nearest(s, train) < 0.05) copies++;
        double[][] reference = new double[n][];
        for (int i = 0; i < n; i++) reference[i] = held[(i * 7) % held.length];
        double[][] other = new double[n][];
        for (int i = 0; i < n; i++) other[i] = train[(i * 13) % train.length];
        Frechet.Stats heldStats = run("6.1", "Frechet.stats", () -> Frechet.stats(new SimpleMatrix(reference)));
        double value = run("6.2", "Frechet.distance", () -> Frechet.distance(Frechet.stats(new SimpleMatrix(x)), heldStats, Frechet.SYMMETRIC_SQRT));
        double floor = Frechet.distance(Frechet.stats(new SimpleMatrix(other)), heldStats, Frechet.SYMMETRIC_SQRT);
        System.out.printf("6. [yours: Frechet] pixel-space Fréchet distance to %d held-out digits: samples %.2f, floor (training digits) %.2f, "
                + "ratio %.2f; %d of %d samples are copies of a training digit (RMS distance < 0.05): an exact denoiser memorises%n",
                n, value, floor, value / floor, copies, n);
        Path png = out.resolve("samples.png");
        ImageGrid.write(png, x, 8, 8, 10, perLabel, 6);
        System.out.printf("7. saved %s (row r: label r), real.png and edges.png in %.1f s. Now answer the reflections (Reflections.java).%n",
                png.toAbsolutePath(), (System.nanoTime() - start) / 1e9);
    }

    /**
     * The exact ε̂ of a finite set: x_t = √ᾱ·x_0 + √(1 − ᾱ)·ε with x_0 uniform over the training images
     * (of one label, or all for label −1), so x̂0 = Σ_i p_i x_i with p_i ∝ exp(−‖x_t − √ᾱ x_i‖² / (2(1 − ᾱ)))
     * and ε̂ = (x_t − √ᾱ·x̂0)/√(1 − ᾱ).
     */
    static final class ExactDenoiser {
        private final double[][] images;
        private final int[] labels;

        ExactDenoiser(double[][] images, int[] labels) {
            this.images = images;
            this.labels = labels;
        }

        double[] eps(double[] xt, int label, double alphaBar) {
            double a = Math.sqrt(alphaBar), var = 1 - alphaBar;
            double[] logW = new double[images.length];
            double best = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < images.length; i++) {
                if (label >= 0 && labels[i] != label) {
                    logW[i] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                double d = 0;
                for (int p = 0; p < xt.length; p++) {
                    double e = xt[p] - a * images[i][p];
                    d += e * e;
                }
                logW[i] = -d / (2 * var);
                best = Math.max(best, logW[i]);
            }
            double[] x0 = new double[xt.length];
            double total = 0;
            for (int i = 0; i < images.length; i++) {
                if (logW[i] == Double.NEGATIVE_INFINITY) continue;
                double wi = Math.exp(logW[i] - best);
                if (wi < 1e-12) continue;
                total += wi;
                for (int p = 0; p < x0.length; p++) x0[p] += wi * images[i][p];
            }
            double[] eps = new double[xt.length];
            for (int p = 0; p < eps.length; p++) eps[p] = (xt[p] - a * x0[p] / total) / Math.sqrt(var);
            return eps;
        }
    }

    /** Improved-DDPM cosine β_1..β_T (s = 0.008), capped at 0.999. */
    static double[] cosineBetas(int T) {
        double[] betas = new double[T];
        for (int t = 1; t <= T; t++) betas[t - 1] = Math.min(1 - f(t, T) / f(t - 1, T), 0.999);
        return betas;
    }

    private static double f(int t, int T) {
        double c = Math.cos(((double) t / T + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    private static double[][] firstPerLabel(double[][] images, int[] labels, int k) {
        double[][] out = new double[10 * k][];
        int[] count = new int[10];
        for (int i = 0; i < images.length; i++) {
            int y = labels[i];
            if (count[y] < k) out[y * k + count[y]++] = images[i];
        }
        return out;
    }

    private static double[] flatten(double[][] images) {
        double[] d = new double[images.length * 64];
        for (int i = 0; i < images.length; i++) System.arraycopy(images[i], 0, d, i * 64, 64);
        return d;
    }

    private static double nearest(double[] x, double[][] set) {
        double best = Double.MAX_VALUE;
        for (double[] s : set) {
            double d = 0;
            for (int p = 0; p < x.length; p++) d += (x[p] - s[p]) * (x[p] - s[p]);
            best = Math.min(best, d);
        }
        return Math.sqrt(best / x.length);
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) s += v;
        return s / a.length;
    }

    private static double variance(double[] a) {
        double m = mean(a), s = 0;
        for (double v : a) s += (v - m) * (v - m);
        return s / a.length;
    }

    private static double minOf(double[] a) {
        double m = Double.MAX_VALUE;
        for (double v : a) m = Math.min(m, v);
        return m;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) m = Math.max(m, Math.abs(v));
        return m;
    }

    private static <V> V run(String todo, String where, Callable<V> stage) throws Exception {
        return Walkthrough.stage("images", todo, where, stage);
    }
}
