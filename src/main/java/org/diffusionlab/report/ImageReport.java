package org.diffusionlab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.data.Digits;
import org.diffusionlab.data.ImageSet;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.metrics.DigitClassifier;
import org.diffusionlab.metrics.ImageMetrics;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.sample.ImageSampler;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.ImageTrainConfig;
import org.diffusionlab.train.ImageTrainer;
import org.diffusionlab.train.TrainingMonitor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The image quality report: trains the digits recipe once (T = 100 cosine, {@link UNet.Config#digits},
 * {@link ImageTrainConfig#digits}) and measures several ways of sampling from it with
 * {@link ImageMetrics} (Fréchet distance on the judge's features beside its train-vs-held-out
 * floor, conditional accuracy, memorisation), each on the same number of images. The bars of the
 * default sampler (DDPM, posterior variance, x̂0 clipped, guidance w = {@value #GUIDANCE}):
 * FD ≤ {@value #FRECHET_GOAL} × floor and conditional accuracy ≥ {@value #ACCURACY_GOAL}.
 * <pre>
 *   mvn -q -pl src compile exec:java -Dexec.mainClass=org.diffusionlab.report.ImageReport [-Dexec.args="--steps 1000 --samples 200 --seed 42 --prediction eps"]
 * </pre>
 * Exits with status 2 when the default sampler misses a bar.
 */
@Command(name = "image-report", mixinStandardHelpOptions = true, description = "Trains the digits recipe once and measures several samplers.")
public final class ImageReport implements Callable<Integer> {

    public static final double FRECHET_GOAL = 2.0;
    public static final double ACCURACY_GOAL = 0.9;
    public static final double GUIDANCE = 2.0;
    public static final int T = 100;

    @Option(names = "--timesteps", defaultValue = "100", description = "Diffusion steps T (default: ${DEFAULT-VALUE}); the DDIM rows use min(S, T) steps.")
    int timesteps;

    @Option(names = "--steps", defaultValue = "1000", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--samples", defaultValue = "200", description = "Images per sampler (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--prediction", defaultValue = "eps", description = "eps, x0 or v (default: ${DEFAULT-VALUE}).")
    String prediction;

    /** One way of sampling. */
    record Row(String name, String method, double guidance, int ddimSteps, boolean clip) {}

    static final List<Row> ROWS = List.of(
            new Row("DDPM posterior, clip, w = 2 (default)", "ddpm", GUIDANCE, 0, true),
            new Row("DDPM posterior, clip, w = 1 (no guidance)", "ddpm", 1.0, 0, true),
            new Row("DDPM posterior, clip, w = 0 (unconditional)", "ddpm", 0.0, 0, true),
            new Row("DDPM posterior, no clip, w = 2", "ddpm", GUIDANCE, 0, false),
            new Row("DDIM eta 0, S = 100, clip, w = 2", "ddim", GUIDANCE, 100, true),
            new Row("DDIM eta 0, S = 20, clip, w = 2", "ddim", GUIDANCE, 20, true));

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Parses {@code args}, prints the report on standard output and returns the exit status (0 met, 2 missed or bad usage). */
    public static int run(String[] args) {
        return new CommandLine(new ImageReport()).execute(args);
    }

    @Override
    public Integer call() {
        if (steps < 1 || samples < 2 || timesteps < 2) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--steps >= 1, --samples >= 2 and --timesteps >= 2 are required");
        }
        PredictionType p = PredictionType.parse(prediction);
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom initRng = root.split(), trainRng = root.split(), judgeRng = root.split(), sampleRoot = root.split();
        ImageSet train = Digits.train(), heldOut = Digits.heldOut();
        long start = System.nanoTime();
        DigitClassifier judge = DigitClassifier.train(train, judgeRng);
        double judgeSeconds = seconds(start);
        System.out.printf(Locale.ROOT, "judge: held-out accuracy %.1f %% (%.1f s)%n", 100 * judge.accuracy(heldOut.images(), heldOut.labels()), judgeSeconds);
        NoiseSchedule schedule = NoiseSchedule.cosineBetaSchedule(timesteps);
        UNet net = new UNet(UNet.Config.digits(10, timesteps), initRng);
        net.useFastPath(true);
        long trainStart = System.nanoTime();
        new ImageTrainer(net, schedule, ImageTrainConfig.digits().withSteps(steps).withPrediction(p)).train(train, trainRng, TrainingMonitor.NONE);
        double trainSeconds = seconds(trainStart);
        System.out.printf(Locale.ROOT, "train: %d steps, %s prediction, %.1f s%n%n", steps, p.label(), trainSeconds);
        System.out.printf(Locale.ROOT, "| sampler | FD | floor | FD / floor (goal <= %.1f) | conditional accuracy (goal >= %.0f %%) | memorisation ratio | sample s |%n",
                FRECHET_GOAL, 100 * ACCURACY_GOAL);
        System.out.println("|---|---|---|---|---|---|---|");
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) labels[i] = (i / 10) % 10;
        List<ImageMetrics> results = new ArrayList<>();
        double defaultSampleSeconds = 0;
        for (Row row : ROWS) {
            SplittableRandom rng = sampleRoot.split(), metricRng = new SplittableRandom(seed + 1);
            ImageSampler sampler = new ImageSampler(net, schedule, p, row.clip());
            long s0 = System.nanoTime();
            double[][] images = (row.method().equals("ddim")
                    ? sampler.ddim(samples, labels, row.guidance(), Math.min(row.ddimSteps(), timesteps), 0.0, rng, ImageSampler.Observer.NONE)
                    : sampler.ddpm(samples, labels, row.guidance(), rng, ImageSampler.Observer.NONE)).images();
            double sampleSeconds = seconds(s0);
            if (results.isEmpty()) defaultSampleSeconds = sampleSeconds;
            ImageMetrics m = ImageMetrics.measure(judge, images, labels, train, heldOut, metricRng);
            results.add(m);
            System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.1f %% | %.2f | %.1f |%n", row.name(), m.frechet(), m.frechetFloor(),
                    m.frechetRatio(), 100 * m.conditionalAccuracy(), m.memorisation().ratio(), sampleSeconds);
        }
        ImageMetrics d = results.get(0);
        boolean ok = d.frechetRatio() <= FRECHET_GOAL && d.conditionalAccuracy() >= ACCURACY_GOAL;
        System.out.printf(Locale.ROOT, "%ndefault sampler: FD / floor %.2f (goal <= %.1f), conditional accuracy %.1f %% (goal >= %.0f %%): %s%n",
                d.frechetRatio(), FRECHET_GOAL, 100 * d.conditionalAccuracy(), 100 * ACCURACY_GOAL, ok ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "judge + training + default sampling: %.1f s (the main job adds data, metrics and figures, about 2 s)%n",
                judgeSeconds + trainSeconds + defaultSampleSeconds);
        return ok ? 0 : 2;
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
