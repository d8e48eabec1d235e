package org.diffusionlab.cli;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.data.Digits;
import org.diffusionlab.data.FashionMnist;
import org.diffusionlab.data.ImageSet;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.metrics.DigitClassifier;
import org.diffusionlab.metrics.ImageMetrics;
import org.diffusionlab.metrics.Memorisation;
import org.diffusionlab.model.image.Tensor;
import org.diffusionlab.model.image.FastConv2d;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.plot.Figures;
import org.diffusionlab.plot.Gif;
import org.diffusionlab.plot.ImageGrid;
import org.diffusionlab.sample.ImageSampler;
import org.diffusionlab.sample.TimestepSpacing;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.ImageCheckpoint;
import org.diffusionlab.train.ImageTrainConfig;
import org.diffusionlab.train.ImageTrainer;
import org.diffusionlab.train.LearningRateSchedule;
import picocli.CommandLine.ParameterException;

/**
 * The image recipe end to end ({@code --dataset digits} or {@code fashion-mnist}): data, a judge
 * classifier, U-Net training, sampling, metrics beside their floors, figures and
 * {@code metrics.json}. It reads its flags from {@link Main} (one set of flags for both kinds of
 * run); the 2-D-only flags are rejected here, and {@link Main} rejects the image-only ones for 2-D
 * datasets.
 *
 * <p>The digits recipe: the 1442 training digits, T = 100 cosine schedule, the default
 * {@link UNet.Config#digits} conditional U-Net (base 16, 10 labels + none) on the fast convolution,
 * {@link ImageTrainConfig#digits} (1000 steps of 64, AdamW 2e-3 cosine, λ 1e-4, clip 1, EMA 0.999,
 * ε, labels dropped 10 %), posterior-variance DDPM with x̂0 clipped to [−1, 1], guidance w = 2,
 * 200 samples (label ⌊i/10⌋ mod 10, so the first 100 fill a grid with one row per label).
 * {@code --save-checkpoint} writes the trained U-Net ({@link ImageCheckpoint}); {@code --load-checkpoint}
 * samples from one instead of training (the training flags are then rejected).
 */
final class ImageJob {

    /** The flags an image run uses; every other matched flag is an error. */
    static final List<String> IMAGE_FLAGS = List.of("--dataset", "--steps", "--lr", "--batch-size", "--timesteps", "--samples",
            "--seed", "--out", "--sampler", "--ddim-steps", "--eta", "--width", "--ema", "--clip-norm", "--schedule",
            "--label", "--guidance", "--prediction", "--timestep-spacing", "--downscale", "--data-dir", "--save-checkpoint", "--load-checkpoint",
            "--gif", "--help", "--version");
    /** Training flags, rejected with --load-checkpoint (the checkpoint fixes them). */
    static final List<String> TRAINING_FLAGS = List.of("--steps", "--lr", "--batch-size", "--ema", "--clip-norm", "--timesteps",
            "--prediction", "--width", "--schedule", "--save-checkpoint");
    /** Flags that only an image run accepts. */
    static final List<String> IMAGE_ONLY_FLAGS = List.of("--label", "--guidance", "--prediction", "--timestep-spacing", "--downscale", "--data-dir");

    static final int DEFAULT_T = 100;
    static final int DEFAULT_SAMPLES = 200;
    static final double DEFAULT_GUIDANCE = 2.0;
    /** Fashion-MNIST: images used for training and for the held-out set (of 60 000 and 10 000), down-scaled 28 → 14. */
    static final int FASHION_TRAIN = 10000;
    static final int FASHION_HELD_OUT = 2000;

    private final Main m;
    private final PrintStream out;

    ImageJob(Main main, PrintStream out) {
        this.m = main;
        this.out = out;
    }

    static boolean isImageDataset(String name) {
        return name.equals("digits") || name.equals("fashion-mnist");
    }

    private boolean given(String flag) {
        return m.spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    private ParameterException bad(String message) {
        return new ParameterException(m.spec.commandLine(), message);
    }

    int run() throws IOException {
        for (var option : m.spec.commandLine().getParseResult().matchedOptions()) {
            if (!IMAGE_FLAGS.contains(option.longestName())) {
                throw bad(option.longestName() + " does not apply to --dataset " + m.datasetName + " (image flags: "
                        + String.join(" ", IMAGE_FLAGS.subList(1, IMAGE_FLAGS.size() - 2)) + ")");
            }
        }
        boolean fashion = m.datasetName.equals("fashion-mnist");
        ImageCheckpoint loaded = null;
        if (m.loadCheckpoint != null) {
            for (String flag : TRAINING_FLAGS) {
                if (given(flag)) throw bad(flag + " does not apply with --load-checkpoint (the checkpoint fixes the model and its training)");
            }
            try {
                loaded = ImageCheckpoint.load(m.loadCheckpoint);
            } catch (IOException e) {
                throw bad("--load-checkpoint " + m.loadCheckpoint + ": " + e.getMessage());
            }
            if (!loaded.dataset().equals(m.datasetName)) {
                throw bad("--load-checkpoint " + m.loadCheckpoint + " holds a model of " + loaded.dataset() + ", not --dataset " + m.datasetName);
            }
        }
        int T = loaded != null ? loaded.schedule().T() : m.timesteps != null ? m.timesteps : DEFAULT_T;
        if (T < 2) throw bad("--timesteps = " + T + " is invalid: need at least 2 steps");
        if (m.scheduleName != null && !m.scheduleName.equals("cosine")) throw bad("--schedule " + m.scheduleName + " is invalid for images: only cosine");
        int n = given("--samples") ? m.samples : DEFAULT_SAMPLES;
        if (n < 2) throw bad("--samples = " + n + " is invalid: must be >= 2");
        double guidance = m.guidance != null ? m.guidance : DEFAULT_GUIDANCE;
        if (!(guidance >= 0) || Double.isInfinite(guidance)) throw bad("--guidance = " + guidance + " is invalid: must be finite and >= 0");
        if (m.label != null && (m.label < 0 || m.label > 9)) throw bad("--label = " + m.label + " is invalid: must lie in [0, 9]");
        PredictionType prediction;
        try {
            prediction = loaded != null ? loaded.prediction() : m.prediction == null ? PredictionType.EPS : PredictionType.parse(m.prediction);
        } catch (IllegalArgumentException e) {
            throw bad("--" + e.getMessage());
        }
        String sampler = m.samplerName == null ? "posterior" : m.samplerName;
        if (!sampler.equals("posterior") && !sampler.equals("ddim")) {
            throw bad("--sampler " + sampler + " is invalid for images: posterior (DDPM with the posterior variance) or ddim");
        }
        if ((m.ddimSteps != null || m.eta != null || m.timestepSpacing != null) && !sampler.equals("ddim")) {
            throw bad("--ddim-steps, --eta and --timestep-spacing apply only with --sampler ddim");
        }
        int ddimSteps = m.ddimSteps != null ? m.ddimSteps : T;
        double eta = m.eta != null ? m.eta : 0.0;
        if (ddimSteps < 1 || ddimSteps > T) throw bad("--ddim-steps = " + ddimSteps + " is invalid: must lie in [1, " + T + "]");
        if (!(eta >= 0 && eta <= 1)) throw bad("--eta = " + eta + " is invalid: must lie in [0, 1]");
        int[] tau;
        String spacingText = m.timestepSpacing == null ? "trailing" : m.timestepSpacing;
        try {
            String[] parts = spacingText.split(":", 2);
            int offset = parts.length == 2 ? Integer.parseInt(parts[1]) : 0;
            tau = TimestepSpacing.parse(parts[0]).steps(T, ddimSteps, offset);
        } catch (IllegalArgumentException e) {
            throw bad("--timestep-spacing " + spacingText + " is invalid: " + e.getMessage());
        }
        ImageTrainConfig config = trainConfig(prediction);
        int base = m.width != null ? m.width : 16;
        if (base < 8 || base % 8 != 0) throw bad("--width = " + base + " is invalid for images: the U-Net's base channels must be a multiple of 8");
        Files.createDirectories(m.outDir);

        SplittableRandom root = new SplittableRandom(m.seed);
        SplittableRandom initRng = root.split(), trainRng = root.split(), sampleRng = root.split(),
                judgeRng = root.split(), floorRng = root.split(), figureRng = root.split();
        Map<String, Object> metrics = new LinkedHashMap<>();
        Map<String, Double> times = new LinkedHashMap<>();
        long t0 = System.nanoTime();

        // data
        ImageSet train, heldOut;
        if (fashion) {
            Path dir = m.dataDir != null ? m.dataDir : Path.of(FashionMnist.DEBIAN_DIR);
            try {
                train = FashionMnist.load(dir, true, FASHION_TRAIN);
                heldOut = FashionMnist.load(dir, false, FASHION_HELD_OUT);
            } catch (IOException e) {
                throw bad(e.getMessage());
            }
        } else {
            if (m.dataDir != null) throw bad("--data-dir applies only to --dataset fashion-mnist");
            train = Digits.train();
            heldOut = Digits.heldOut();
        }
        int factor = m.downscale != null ? m.downscale : fashion ? 2 : 1;
        if (factor < 1 || train.height() % factor != 0 || (train.height() / factor) % 2 != 0) {
            throw bad("--downscale = " + factor + " is invalid: must divide the image side " + train.height() + " into an even size");
        }
        if (factor > 1) {
            train = train.downscale(factor);
            heldOut = heldOut.downscale(factor);
        }
        int side = train.height();
        UNet.Config netConfig = fashion || base != 16 || factor != 1 ? UNet.Config.grey(side, base, train.classes(), T) : UNet.Config.digits(train.classes(), T);
        UNet net = loaded != null ? loaded.net() : new UNet(netConfig, initRng);
        net.useFastPath(true);
        NoiseSchedule schedule = loaded != null ? loaded.schedule() : NoiseSchedule.cosineBetaSchedule(T);
        if (net.config().height() != side) {
            // a checkpoint trained on other-sized images
            throw bad("--load-checkpoint " + m.loadCheckpoint + " holds a " + net.config().height() + "x" + net.config().width()
                    + " model, but the data is " + side + "x" + side);
        }
        out.printf(Locale.ROOT, "images: %s, %d train / %d held-out %dx%d images; cosine schedule T = %d; %s; %s prediction; seed %d%n",
                m.datasetName, train.size(), heldOut.size(), side, side, T, net.describe(), prediction.label(), m.seed);
        t0 = phase(times, "data", t0, train.size() + " + " + heldOut.size() + " images");

        // the judge
        DigitClassifier judge = DigitClassifier.train(train, judgeRng);
        double judgeAccuracy = judge.accuracy(heldOut.images(), heldOut.labels());
        metrics.put("classifier_heldout_accuracy", judgeAccuracy);
        t0 = phase(times, "judge", t0, String.format(Locale.ROOT, "classifier %d -> 128 -> %d, held-out accuracy %.1f %%",
                train.pixels(), train.classes(), 100 * judgeAccuracy));

        // train
        List<Double> smoothed = new ArrayList<>();
        int every = Math.max(1, config.steps() / 10);
        long trainStart = System.nanoTime();
        if (loaded == null) {
            new ImageTrainer(net, schedule, config).train(train, trainRng, (k, loss, s) -> {
                smoothed.add(s);
                if (k % every == 0 || k == config.steps()) {
                    out.printf(Locale.ROOT, "  step %5d / %d  smoothed loss %.4f  %.0f s%n", k, config.steps(), s, (System.nanoTime() - trainStart) / 1e9);
                }
            });
            t0 = phase(times, "train", t0, String.format(Locale.ROOT, "%d steps of %d images, smoothed loss %.4f -> %.4f (convolutions: %s)",
                    config.steps(), config.batchSize(), smoothed.get(0), smoothed.get(smoothed.size() - 1), FastConv2d.describeProducts()));
            if (m.saveCheckpoint != null) {
                new ImageCheckpoint(net, prediction, schedule, m.datasetName).save(m.saveCheckpoint);
                t0 = phase(times, "save", t0, "U-Net checkpoint " + m.saveCheckpoint);
            }
        } else {
            t0 = phase(times, "load", t0, "U-Net from " + m.loadCheckpoint + " (no training)");
        }

        // sample
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = m.label != null ? m.label : (i / 10) % 10;
        ImageSampler imageSampler = new ImageSampler(net, schedule, prediction, true);
        int[] snapshotSteps = snapshotSteps(T);
        List<double[][]> snapshots = new ArrayList<>();
        snapshots.add(null);
        int shown = Math.min(100, n), zoom = side <= 8 ? 6 : 3, gifStride = Math.max(1, T / 25);
        List<BufferedImage> reverseFrames = new ArrayList<>();
        ImageSampler.Observer observer = (t, x) -> {
            for (int s : snapshotSteps) if (s == t) snapshots.add(firstImages(x, 10));
            if (m.gif && (t % gifStride == 0)) reverseFrames.add(ImageGrid.render(firstImages(x, shown), side, side, (shown + 9) / 10, 10, zoom));
        };
        Tensor generated = sampler.equals("ddim")
                ? imageSampler.ddim(n, labels, guidance, tau, eta, sampleRng, observer)
                : imageSampler.ddpm(n, labels, guidance, sampleRng, observer);
        double[][] images = generated.images();
        t0 = phase(times, "sample", t0, String.format(Locale.ROOT, "%d images, %s, guidance w = %s", n,
                sampler.equals("ddim") ? "DDIM S = " + ddimSteps + " (" + spacingText + "), eta = " + eta : "DDPM posterior variance, x0 clipped to [-1, 1]",
                RecipeText.plain(guidance)));

        // metrics
        ImageMetrics im = ImageMetrics.measure(judge, images, labels, train, heldOut, floorRng);
        Memorisation memo = im.memorisation();
        metrics.put("frechet_distance", im.frechet());
        metrics.put("frechet_floor", im.frechetFloor());
        metrics.put("frechet_ratio", im.frechetRatio());
        metrics.put("frechet_set_size", im.size());
        metrics.put("conditional_accuracy", im.conditionalAccuracy());
        metrics.put("per_label_accuracy", im.perLabelAccuracy());
        metrics.put("predicted_label_counts", im.predictedCounts());
        metrics.put("memorisation_generated_median", memo.generatedMedian());
        metrics.put("memorisation_heldout_median", memo.heldOutMedian());
        metrics.put("memorisation_ratio", memo.ratio());
        metrics.put("memorisation_closer_than_any_heldout", memo.closerThanAnyHeldOut());
        t0 = phase(times, "metrics", t0, "Frechet distance, conditional accuracy, memorisation");
        out.printf(Locale.ROOT, "  Frechet distance (classifier features, %d vs %d held-out)  %.3f   floor (train vs held-out) %.3f   ratio %.2f%n",
                im.size(), im.size(), im.frechet(), im.frechetFloor(), im.frechetRatio());
        out.printf(Locale.ROOT, "  conditional accuracy (judge agrees with the requested label)  %.1f %%   per label %s%n",
                100 * im.conditionalAccuracy(), percentList(im.perLabelAccuracy()));
        out.printf(Locale.ROOT, "  nearest training image: median distance %.3f generated vs %.3f held-out (ratio %.2f); %.1f %% of samples closer than any held-out image%n",
                memo.generatedMedian(), memo.heldOutMedian(), memo.ratio(), 100 * memo.closerThanAnyHeldOut());

        // figures
        Path grid = m.outDir.resolve("samples.png");
        ImageGrid.write(grid, java.util.Arrays.copyOf(images, shown), side, side, (shown + 9) / 10, 10, zoom);
        ImageGrid.write(m.outDir.resolve("forward.png"), forwardStrip(heldOut, schedule, figureRng), side, side, 8, 7, zoom);
        ImageGrid.write(m.outDir.resolve("reverse.png"), reverseStrip(snapshots), side, side, 10, snapshots.size() - 1, zoom);
        if (m.gif) {
            Gif.write(reverseFrames, m.outDir.resolve("reverse.gif"), 120, true);
            Gif.write(forwardFrames(heldOut, schedule, gifStride, zoom, figureRng), m.outDir.resolve("forward.gif"), 120, true);
        }
        if (!smoothed.isEmpty()) {
            Figures.lossCurve(smoothed.stream().mapToDouble(Double::doubleValue).toArray(), m.outDir.resolve("loss.png"));
        }
        t0 = phase(times, "figures", t0, "samples.png (one row per label), forward.png, reverse.png" + (smoothed.isEmpty() ? "" : ", loss.png")
                + (m.gif ? ", forward.gif, reverse.gif" : ""));

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", m.datasetName);
        json.put("seed", m.seed);
        json.put("image_side", side);
        json.put("timesteps", T);
        json.put("steps", loaded != null ? null : config.steps());
        json.put("checkpoint", loaded != null ? m.loadCheckpoint.toString() : m.saveCheckpoint != null ? m.saveCheckpoint.toString() : null);
        json.put("batch_size", config.batchSize());
        json.put("prediction", prediction.label());
        json.put("sampler", sampler);
        if (sampler.equals("ddim")) {
            json.put("ddim_steps", ddimSteps);
            json.put("eta", eta);
            json.put("timestep_spacing", spacingText);
        }
        json.put("guidance", guidance);
        json.put("samples", n);
        json.put("label", m.label);
        json.put("parameters", net.parameterCount());
        json.putAll(metrics);
        json.put("seconds", times);
        Files.writeString(m.outDir.resolve("metrics.json"), JsonText.of(json) + "\n");
        out.printf(Locale.ROOT, "wrote %s, forward.png, reverse.png, %smetrics.json in %s%n", grid.getFileName(), smoothed.isEmpty() ? "" : "loss.png and ", m.outDir);
        return 0;
    }

    private ImageTrainConfig trainConfig(PredictionType prediction) {
        ImageTrainConfig c = ImageTrainConfig.digits().withPrediction(prediction);
        if (m.steps != null) {
            if (m.steps < 1) throw bad("--steps = " + m.steps + " is invalid: must be >= 1");
            c = c.withSteps(m.steps);
        }
        if (m.lr != null) {
            if (!(m.lr > 0)) throw bad("--lr = " + m.lr + " is invalid: must be > 0");
            c = c.withLr(m.lr);
        }
        if (m.batchSize != null) {
            try {
                int b = Integer.parseInt(m.batchSize);
                if (b < 1) throw new NumberFormatException();
                c = c.withBatchSize(b);
            } catch (NumberFormatException e) {
                throw bad("--batch-size = " + m.batchSize + " is invalid for images: a number >= 1");
            }
        }
        if (m.ema != null) {
            double d = m.ema.equals("off") ? 0 : parse("--ema", m.ema);
            if (!(d >= 0 && d < 1)) throw bad("--ema = " + m.ema + " is invalid: in (0, 1) or off");
            c = c.withEma(d);
        }
        if (m.clipNorm != null) {
            double cn = m.clipNorm.equals("off") ? Double.POSITIVE_INFINITY : parse("--clip-norm", m.clipNorm);
            if (!(cn > 0)) throw bad("--clip-norm = " + m.clipNorm + " is invalid: > 0 or off");
            c = new ImageTrainConfig(c.steps(), c.batchSize(), c.lr(), LearningRateSchedule.COSINE, c.weightDecay(), cn, c.emaDecay(), c.prediction(), c.dropLabel());
        }
        return c;
    }

    private double parse(String flag, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw bad(flag + " = " + value + " is invalid: not a number");
        }
    }

    private long phase(Map<String, Double> times, String name, long since, String detail) {
        long now = System.nanoTime();
        double s = (now - since) / 1e9;
        times.put(name, s);
        out.printf(Locale.ROOT, "%-7s %7.2f s  %s%n", name, s, detail);
        return now;
    }

    /** The steps after which the reverse strip records the images: T·(1 − k/6) rounded, k = 1..5, and 0. */
    static int[] snapshotSteps(int T) {
        return new int[] {T * 5 / 6, T * 4 / 6, T * 3 / 6, T * 2 / 6, T / 6, 0};
    }

    private static double[][] firstImages(Tensor x, int k) {
        double[][] f = new double[Math.min(k, x.n)][];
        for (int i = 0; i < f.length; i++) f[i] = x.image(i);
        return f;
    }

    /** Rows: the first 10 samples; columns: the images after the steps of {@link #snapshotSteps} (5T/6 … 0). */
    private static double[][] reverseStrip(List<double[][]> snapshots) {
        List<double[][]> cols = snapshots.subList(1, snapshots.size());
        int rows = cols.get(0).length, c = cols.size();
        double[][] out = new double[rows * c][];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < c; j++) out[r * c + j] = cols.get(j)[r];
        }
        return out;
    }

    /**
     * Frames of 100 held-out images (ten per label, one row per label, as the sample grid) noised by
     * q(x_t | x_0) with one fixed ε each, at t = 0, stride, 2·stride, …, T.
     */
    private static List<BufferedImage> forwardFrames(ImageSet heldOut, NoiseSchedule schedule, int stride, int zoom, SplittableRandom rng) {
        double[][] x0 = new double[heldOut.classes() * 10][];
        int[] seen = new int[heldOut.classes()];
        for (int i = 0; i < heldOut.size(); i++) {
            int y = heldOut.labels()[i];
            if (seen[y] < 10) x0[y * 10 + seen[y]++] = heldOut.images()[i];
        }
        int d = heldOut.pixels();
        for (int i = 0; i < x0.length; i++) if (x0[i] == null) x0[i] = new double[d];
        double[][] eps = new double[x0.length][d];
        for (double[] e : eps) for (int j = 0; j < d; j++) e[j] = rng.nextGaussian();
        List<BufferedImage> frames = new ArrayList<>();
        for (int t = 0; t <= schedule.T(); t += stride) {
            double[][] xt = new double[x0.length][d];
            for (int i = 0; i < x0.length; i++) {
                for (int j = 0; j < d; j++) {
                    xt[i][j] = t == 0 ? x0[i][j] : schedule.sqrtAlphaBar(t) * x0[i][j] + schedule.sqrtOneMinusAlphaBar(t) * eps[i][j];
                }
            }
            frames.add(ImageGrid.render(xt, heldOut.height(), heldOut.width(), heldOut.classes(), 10, zoom));
        }
        return frames;
    }

    /** 8 held-out images (rows) noised by q(x_t | x_0) with one ε each, at t = 0 (clean) and 6 steps up to T. */
    private static double[][] forwardStrip(ImageSet heldOut, NoiseSchedule schedule, SplittableRandom rng) {
        int T = schedule.T();
        int[] ts = {0, Math.max(1, T / 20), T / 10, T / 4, T / 2, 3 * T / 4, T};
        double[][] out = new double[8 * ts.length][];
        for (int r = 0; r < 8; r++) {
            double[] x0 = heldOut.images()[r * (heldOut.size() / 8)];
            double[] eps = new double[x0.length];
            for (int i = 0; i < eps.length; i++) eps[i] = rng.nextGaussian();
            for (int j = 0; j < ts.length; j++) {
                double[] x = new double[x0.length];
                for (int i = 0; i < x.length; i++) {
                    x[i] = ts[j] == 0 ? x0[i] : schedule.sqrtAlphaBar(ts[j]) * x0[i] + schedule.sqrtOneMinusAlphaBar(ts[j]) * eps[i];
                }
                out[r * ts.length + j] = x;
            }
        }
        return out;
    }

    static String percentList(double[] a) {
        StringBuilder s = new StringBuilder();
        for (int k = 0; k < a.length; k++) {
            if (Double.isNaN(a[k])) continue;
            s.append(s.length() == 0 ? "" : " ").append(k).append(':').append(Math.round(100 * a[k]));
        }
        return s.toString();
    }
}
