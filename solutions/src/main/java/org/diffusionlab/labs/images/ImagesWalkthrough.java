package org.diffusionlab.labs.images;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.data.ImageSet;
import org.diffusionlab.labs.common.Walkthrough;
import org.diffusionlab.metrics.DigitClassifier;
import org.diffusionlab.metrics.Memorisation;
import org.diffusionlab.model.image.LabelEmbedding;
import org.diffusionlab.model.image.Tensor;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.plot.ImageGrid;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.ImageTrainConfig;
import org.diffusionlab.train.ImageTrainer;
import org.ejml.simple.SimpleMatrix;

/**
 * Runs the image lab end to end with your functions and writes grids of 8×8 digits into
 * {@code outputs/images/}: {@code real.png}, {@code edges.png} (your convolution with a Sobel kernel,
 * then your GroupNorm and SiLU) and {@code samples.png} (one row per label, generated with your
 * x̂0, reverse step and guidance from a U-Net trained here), and judges the samples: your Fréchet
 * distance on the features of a digit classifier (the "judge"), beside its floor (training digits
 * against the same held-out digits), and the judge's conditional accuracy.
 *
 * <p>Where the pieces come from. Yours: the scaling (the U-Net trains on your scaled digits), the
 * convolution, GroupNorm, SiLU and the residual block (run on real digits, exercises 2–4), x̂0, the
 * reverse step, the guided ε̂ and the label dropout (the whole sampling loop, exercises 5–6) and the
 * Fréchet distance (exercise 7; the matrix square root is the given one). The reference's: the U-Net
 * and its training ({@code model.image.UNet}, {@code train.ImageTrainer}) on the fast path
 * ({@code FastConv2d}, im2col and float products, ≈ 7× the readable loops you wrote: with yours,
 * training would take ≈ 10 minutes), the noise schedule, and the judge ({@code metrics.DigitClassifier},
 * whose hidden layer gives the features). That is why this class, and only it, may call the core
 * (see the labs' ArchitectureTest).
 *
 * <p>Options: {@code --T} (100, cosine schedule), {@code --steps} (500 training steps of
 * {@code --batch} 64; the core's default run trains 1000), {@code --guidance} (2), {@code --clip}
 * (true), {@code --per-label} (10 samples per digit), {@code --seed} (42), {@code --out} (outputs/images).
 */
public final class ImagesWalkthrough {

    private ImagesWalkthrough() {}

    public static void main(String[] args) throws Exception {
        String defaults = "--T 100 --steps 500 --batch 64 --guidance 2 --clip true --per-label 10 --seed 42";
        Map<String, String> opt = Walkthrough.options(args, defaults);
        int T = Integer.parseInt(opt.getOrDefault("T", "100"));
        int steps = Integer.parseInt(opt.getOrDefault("steps", "500"));
        int batchSize = Integer.parseInt(opt.getOrDefault("batch", "64"));
        double w = Double.parseDouble(opt.getOrDefault("guidance", "2"));
        boolean clip = Boolean.parseBoolean(opt.getOrDefault("clip", "true"));
        int perLabel = Integer.parseInt(opt.getOrDefault("per-label", "10"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "42"));
        Path out = Path.of(opt.getOrDefault("out", "outputs/images"));
        if (T < 1 || steps < 1 || batchSize < 1 || perLabel < 2 || !(w >= 0)) {
            throw new IllegalArgumentException("--T " + T + " --steps " + steps + " --batch " + batchSize + " --per-label " + perLabel
                    + " --guidance " + w + " is invalid: need T, steps, batch >= 1, per-label >= 2, guidance >= 0");
        }
        Files.createDirectories(out);
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom blockRng = root.split(), dropRng = root.split(), initRng = root.split(), trainRng = root.split(),
                sampleRng = root.split(), judgeRng = root.split();
        long start = System.nanoTime();

        DigitsData.Raw raw = DigitsData.load();
        double[][] all = run("1.1", "DigitsData.scale", () -> DigitsData.scale(raw.pixels()));
        List<double[]> trainX = new ArrayList<>(), heldX = new ArrayList<>();
        List<Integer> trainY = new ArrayList<>(), heldY = new ArrayList<>();
        int[] seen = new int[10];
        for (int i = 0; i < all.length; i++) {
            int y = raw.labels()[i];
            if (seen[y]++ % 5 == 4) {
                heldX.add(all[i]);
                heldY.add(y);
            } else {
                trainX.add(all[i]);
                trainY.add(y);
            }
        }
        double[][] train = trainX.toArray(double[][]::new), held = heldX.toArray(double[][]::new);
        int[] labels = trainY.stream().mapToInt(Integer::intValue).toArray(), heldLabels = heldY.stream().mapToInt(Integer::intValue).toArray();
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

        // A random block 1 → 8 channels on the real digits, under two embeddings (two "noise levels").
        int dim = 16;
        ResBlock.Params block = ResBlock.Params.random(1, 8, dim, 4, blockRng);
        Maps early = embedding(batch.n(), dim, 0), late = embedding(batch.n(), dim, 1);
        Maps yEarly = run("4.1", "ResBlock.forward", () -> ResBlock.forward(batch, early, block, ResBlock.LAB));
        Maps yLate = run("4.1", "ResBlock.forward", () -> ResBlock.forward(batch, late, block, ResBlock.LAB));
        ResBlock.Grads bg = run("4.2", "ResBlock.backward", () -> ResBlock.backward(batch, early, block, yEarly, ResBlock.LAB));
        double moved = 0;
        for (int i = 0; i < yEarly.data().length; i++) moved += Math.abs(yEarly.data()[i] - yLate.data()[i]) / yEarly.data().length;
        System.out.printf("4. [yours: ResBlock] %s → %s (1×1-conv skip); another embedding moves y by %.3f per value on average; "
                + "∂(½‖y‖²)/∂e has norm %.1f%n", batch.shape(), yEarly.shape(), moved, Math.sqrt(sumOfSquares(bg.de().data())));

        NoiseSchedule schedule = NoiseSchedule.cosineBetaSchedule(T);
        double[] betas = new double[T];
        for (int t = 1; t <= T; t++) betas[t - 1] = schedule.beta(t);
        int[] dropped = run("6.2", "Guidance.dropLabels", () -> Guidance.dropLabels(labels, 0.1, dropRng));
        long none = Arrays.stream(dropped).filter(y -> y == Guidance.NO_LABEL).count();
        System.out.printf("5. [yours: Guidance.dropLabels] p = 0.1 hides %d of %d training labels (the trainer drops labels by the same "
                + "rule, so one network learns ε̂(x_t, y) and ε̂(x_t, ∅))%n", none, labels.length);

        // Fail fast: try every piece the sampling and judging use on a tiny input before the minute of training.
        double[] tiny = {0.5};
        run("6.1", "Guidance.guided", () -> Guidance.guided(tiny, tiny, w));
        run("5.1", "ImageStep.predictX0", () -> ImageStep.predictX0(tiny, tiny, 0.5, clip));
        run("5.2", "ImageStep.reverseStep", () -> ImageStep.reverseStep(tiny, tiny, 1, new double[] {0.1}, null, clip));
        Frechet.Stats twoPoints = run("7.1", "Frechet.stats", () -> Frechet.stats(new SimpleMatrix(new double[][] {{0}, {1}})));
        run("7.2", "Frechet.distance", () -> Frechet.distance(twoPoints, twoPoints, Frechet.SYMMETRIC_SQRT));

        // The reference's U-Net and trainer (fast path) on your scaled digits.
        long training = System.nanoTime();
        ImageSet trainSet = new ImageSet("digits train (your scaling)", train, labels, 1, 8, 8, 10);
        UNet net = new UNet(UNet.Config.digits(10, T), initRng);
        net.useFastPath(true);
        ImageTrainConfig config = ImageTrainConfig.digits().withSteps(steps).withBatchSize(batchSize);
        int every = Math.max(1, steps / 5);
        List<Double> losses = new ImageTrainer(net, schedule, config).train(trainSet, trainRng, (k, loss, smoothed) -> {
            if (k % every == 0) System.out.printf(Locale.ROOT, "   step %4d / %d  smoothed loss %.4f  %.0f s%n", k, steps, smoothed, (System.nanoTime() - training) / 1e9);
        });
        System.out.printf("6. trained the reference's U-Net (%d parameters, fast path FastConv2d) on your scaled digits: %d steps of %d, "
                + "loss %.3f → %.3f (first and last step), %.1f s%n", net.parameterCount(), steps, batchSize, losses.get(0),
                losses.get(losses.size() - 1), (System.nanoTime() - training) / 1e9);

        // Sampling: the network gives ε̂_y and ε̂_∅ (one pass of 2n images); everything else is yours.
        long sampling = System.nanoTime();
        int n = 10 * perLabel;
        int[] want = new int[n];
        for (int i = 0; i < n; i++) want[i] = i / perLabel;
        double[][] x = new double[n][64];
        for (double[] xi : x) for (int p = 0; p < 64; p++) xi[p] = sampleRng.nextGaussian();
        double[] firstX0 = new double[1];
        run("5.2", "ImageStep.reverseStep", () -> {
            for (int t = T; t >= 1; t--) {
                Tensor both = new Tensor(2 * n, 1, 8, 8);
                int[] steps2 = new int[2 * n], labels2 = new int[2 * n];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(x[i], 0, both.data, i * 64, 64);
                    System.arraycopy(x[i], 0, both.data, (n + i) * 64, 64);
                    steps2[i] = steps2[n + i] = t;
                    labels2[i] = want[i];
                    labels2[n + i] = LabelEmbedding.NO_LABEL;
                }
                Tensor f = net.forward(both, steps2, labels2);
                for (int i = 0; i < n; i++) {
                    double[] eps = Guidance.guided(f.image(i), f.image(n + i), w);
                    if (t == T && i == 0) firstX0[0] = maxAbs(ImageStep.predictX0(x[i], eps, schedule.alphaBar(t), false));
                    double[] z = new double[64];
                    for (int p = 0; p < 64; p++) z[p] = sampleRng.nextGaussian();
                    x[i] = ImageStep.reverseStep(x[i], eps, t, betas, t > 1 ? z : null, clip);
                }
            }
            return null;
        });
        System.out.printf("7. [yours: ImageStep, Guidance] sampled %d digits (T = %d, cosine, guidance w = %s, clip %s) with your guided ε̂, "
                + "x̂0 and reverse step from the trained U-Net's ε̂ in %.1f s; at t = T the largest |x̂0| before clipping was %.1f "
                + "(pixels lie in [−1, 1])%n", n, T, w, clip, (System.nanoTime() - sampling) / 1e9, firstX0[0]);
        Path png = out.resolve("samples.png");
        ImageGrid.write(png, x, 8, 8, 10, perLabel, 6);

        // Judging: the reference's classifier gives features and labels; the Fréchet distance on them is yours.
        long judging = System.nanoTime();
        DigitClassifier judge = DigitClassifier.train(trainSet, judgeRng);
        double[][] reference = new double[n][], other = new double[n][];
        for (int i = 0; i < n; i++) {
            reference[i] = held[(i * 7) % held.length];
            other[i] = train[(i * 13) % train.length];
        }
        Frechet.Stats heldStats = run("7.1", "Frechet.stats", () -> Frechet.stats(new SimpleMatrix(judge.features(reference))));
        double value = run("7.2", "Frechet.distance",
                () -> Frechet.distance(Frechet.stats(new SimpleMatrix(judge.features(x))), heldStats, Frechet.SYMMETRIC_SQRT));
        double floor = Frechet.distance(Frechet.stats(new SimpleMatrix(judge.features(other))), heldStats, Frechet.SYMMETRIC_SQRT);
        double pixels = Frechet.distance(Frechet.stats(new SimpleMatrix(x)), Frechet.stats(new SimpleMatrix(reference)), Frechet.SYMMETRIC_SQRT);
        double pixelFloor = Frechet.distance(Frechet.stats(new SimpleMatrix(other)), Frechet.stats(new SimpleMatrix(reference)), Frechet.SYMMETRIC_SQRT);
        Memorisation memo = Memorisation.measure(x, reference, train);
        System.out.printf("8. [yours: Frechet] judge (the reference's DigitClassifier, 64 → 128 → 10) reads %.1f %% of held-out digits right; "
                + "%.1f s%n", 100 * judge.accuracy(held, heldLabels), (System.nanoTime() - judging) / 1e9);
        System.out.printf("   Fréchet distance on the judge's 128 features, %d samples vs %d held-out digits: %.2f; floor (%d training digits "
                + "vs the same held-out digits) %.2f; ratio %.2f%n", n, n, value, n, floor, value / floor);
        System.out.printf("   (on pixels instead: %.2f, floor %.2f, ratio %.2f)%n", pixels, pixelFloor, pixels / pixelFloor);
        System.out.printf("   conditional accuracy: the judge reads %.1f %% of the samples as the label they were generated for; "
                + "nearest training digit: median distance %.2f for samples vs %.2f for held-out digits (ratio %.2f: below 1 means copies)%n",
                100 * judge.accuracy(x, want), memo.generatedMedian(), memo.heldOutMedian(), memo.ratio());
        System.out.printf("9. saved %s (row r: label r), real.png and edges.png in %.1f s. Now answer the reflections (Reflections.java).%n",
                png.toAbsolutePath(), (System.nanoTime() - start) / 1e9);
    }

    /** n copies of one embedding vector, SiLU of a fixed pattern (variant 0 or 1), as the U-Net's e of one step. */
    private static Maps embedding(int n, int dim, int variant) {
        double[] d = new double[n * dim];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < dim; i++) {
                double v = variant == 0 ? Math.sin(i + 1.0) : Math.cos(2.0 * i);
                d[b * dim + i] = v / (1 + Math.exp(-v));
            }
        }
        return new Maps(n, dim, 1, 1, d);
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

    private static double sumOfSquares(double[] a) {
        double s = 0;
        for (double v : a) s += v * v;
        return s;
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
