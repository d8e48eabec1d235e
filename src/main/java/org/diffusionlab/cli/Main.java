package org.diffusionlab.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.BiFunction;
import java.util.function.ToDoubleBiFunction;
import java.util.random.RandomGenerator;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.metrics.DistributionMetrics;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.plot.Figures;
import org.diffusionlab.plot.Gif;
import org.diffusionlab.plot.ScatterFrames;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.DdimSampler;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.sample.Trajectory;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.Checkpoint;
import org.diffusionlab.train.TrainConfig;
import org.diffusionlab.train.fast.FastTrainer;
import org.diffusionlab.train.TrainingDivergedException;
import org.diffusionlab.train.TrainingMonitor;
import org.ejml.simple.SimpleMatrix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The whole lab in one command: data → schedule → training → sampling → metrics → figures, with
 * the minimal lab's defaults (notebook 000: spiral, linear schedule, DDPM sampler). Prints the time
 * of every phase and each metric (sliced W1, W1 per axis, histogram overlap per axis, energy
 * distance) beside its real-vs-real floor: the same metric between two fresh draws of the dataset,
 * as large as the data and as the samples.
 *
 * <p>The flags pick the dataset, the schedule (linear with its β range, or cosine: then the β flags
 * are rejected rather than ignored), the sampler (ddpm, posterior, ddim with S steps and η,
 * optional x̂0 clipping), and extras: GIFs, three more figures, saving a checkpoint after training,
 * or loading one instead of training (then the training and schedule flags are rejected: the
 * checkpoint fixes them). Without these flags the run and its six figures are those of the
 * minimal lab. A flag that does not apply to the chosen options is a usage error, not a silent
 * no-op.
 *
 * <p>Exit status: 0 on success; 1 if training diverges (a non-finite loss or non-finite samples)
 * or a figure or checkpoint cannot be written; 2 for an unknown flag, a bad value, a flag that does
 * not apply, or an unreadable checkpoint (with the usage on stderr).
 */
@Command(name = "diffusion-lab", mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false, version = "diffusion-lab 0.1.0",
        description = {
            "Runs a DDPM on a 2-D toy dataset end to end: makes the data, trains the",
            "noise predictor (or loads a checkpoint), samples, measures each metric",
            "beside its real-vs-real floor, and writes every figure as PNG into --out.",
            "Defaults are the minimal lab's (notebook 000): spiral, linear schedule, ddpm."
        })
public final class Main implements Callable<Integer> {

    /** Smoothing of the loss curve, as in the lab (independent of --momentum here). */
    static final double LOSS_SMOOTHING = 0.999;

    @Spec
    CommandSpec spec;

    @Option(names = "--points", defaultValue = "1500", paramLabel = "N",
            description = "Data points to train on, >= 2 (default: ${DEFAULT-VALUE}).")
    int points;

    @Option(names = "--jitter", defaultValue = "0.02", paramLabel = "SIGMA",
            description = "Gaussian jitter of the spiral before standardizing, >= 0 (default: ${DEFAULT-VALUE}).")
    double jitter;

    @Option(names = "--timesteps", defaultValue = "100", paramLabel = "T",
            description = "Diffusion steps T, >= 1 (default: ${DEFAULT-VALUE}).")
    int timesteps;

    @Option(names = "--beta-start", defaultValue = "1e-4", paramLabel = "B",
            description = "beta_1 of the linear schedule, in (0, 1) (default: ${DEFAULT-VALUE}).")
    double betaStart;

    @Option(names = "--beta-end", defaultValue = "5e-3", paramLabel = "B",
            description = "beta_T of the linear schedule, in (0, 1) (default: ${DEFAULT-VALUE}).")
    double betaEnd;

    @Option(names = "--hidden", defaultValue = "128", paramLabel = "H",
            description = "Width of both hidden layers, >= 1 (default: ${DEFAULT-VALUE}).")
    int hidden;

    @Option(names = "--steps", defaultValue = "8000", paramLabel = "K",
            description = "Full-batch training steps, >= 1 (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--lr", defaultValue = "2e-3", paramLabel = "LR",
            description = "Learning rate, > 0 (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(names = "--momentum", defaultValue = "0.999", paramLabel = "M",
            description = "Momentum of SGD, in [0, 1) (default: ${DEFAULT-VALUE}).")
    double momentum;

    @Option(names = "--samples", defaultValue = "1000", paramLabel = "N",
            description = "Samples to generate, >= 2 (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dataset", defaultValue = "spiral", paramLabel = "NAME",
            description = "Toy dataset: spiral, two_gaussians, moons, circles, swiss_roll, checkerboard (default: ${DEFAULT-VALUE}). --jitter applies to spiral only.")
    String datasetName;

    @Option(names = "--schedule", defaultValue = "linear", paramLabel = "KIND",
            description = "Noise schedule: linear (--beta-start, --beta-end) or cosine (improved DDPM, s = 0.008; "
                    + "the beta flags are then rejected) (default: ${DEFAULT-VALUE}).")
    String scheduleName;

    @Option(names = "--sampler", defaultValue = "ddpm", paramLabel = "KIND",
            description = "ddpm (sigma^2 = beta), posterior (sigma^2 = posterior variance) or ddim "
                    + "(--ddim-steps, --eta) (default: ${DEFAULT-VALUE}).")
    String samplerName;

    @Option(names = "--ddim-steps", paramLabel = "S",
            description = "DDIM sampling steps, in 1..T (default: T). Only with --sampler ddim.")
    Integer ddimSteps;

    @Option(names = "--eta", paramLabel = "E",
            description = "DDIM stochasticity, in [0, 1]: 0 deterministic, 1 DDPM-like (default: 0). Only with --sampler ddim.")
    Double eta;

    @Option(names = "--clip-x0", paramLabel = "MIN,MAX",
            description = "Clip x0_hat to [MIN, MAX] in every step (default: off). Only with --sampler posterior or ddim.")
    String clipRange;

    @Option(names = "--save-checkpoint", paramLabel = "FILE",
            description = "After training, save the model, schedule and training config to FILE.")
    Path saveCheckpoint;

    @Option(names = "--load-checkpoint", paramLabel = "FILE",
            description = "Sample from the model saved in FILE instead of training; the training and schedule flags "
                    + "are then rejected.")
    Path loadCheckpoint;

    @Option(names = "--gif",
            description = "Also write forward.gif and reverse.gif (animated scatter plots) into --out.")
    boolean gif;

    @Option(names = "--all-figures",
            description = "Also write 7-schedules.png (linear vs cosine: beta, alpha_bar, SNR), 8-marginals.png and "
                    + "9-summary.png. --schedule cosine writes 7-schedules.png in any case.")
    boolean allFigures;

    @Option(names = "--out", defaultValue = "outputs", paramLabel = "DIR",
            description = "Directory for the figures, created if missing (default: ${DEFAULT-VALUE}).")
    Path outDir;

    private final PrintStream out;
    private final boolean interactive;

    private Main(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Parses {@code args} and runs the lab, writing the report to {@code out} and errors to
     * {@code err}. The progress bar is drawn in place only when {@code out} is the terminal.
     *
     * @return the exit status (0, 1 or 2, see the class comment)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean interactive = out == System.out && System.console() != null;
        CommandLine cmd = new CommandLine(new Main(out, interactive));
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler((ex, badArgs) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + ex.getMessage());
            c.usage(c.getErr());
            c.getErr().flush();
            return CommandLine.ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof TrainingDivergedException || ex instanceof IOException) {
                c.getErr().println("error: " + ex.getMessage());
                c.getErr().flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
            throw ex;
        });
        return cmd.execute(args);
    }

    /** What training hands to sampling: the trained model and its smoothed loss curve. */
    record Trained(Mlp model, double[] smoothedLoss) {}

    /**
     * The one place the model is built and trained, timed as the "train" phase. It uses the fast
     * float trainer, which makes the same random draws and the same updates as the readable
     * reference {@code Trainer} (FastTrainerTest checks the two agree).
     */
    static Trained train(SimpleMatrix data, NoiseSchedule schedule, int hidden, TrainConfig config,
                         RandomGenerator initRng, RandomGenerator trainRng, TrainingMonitor monitor) {
        Mlp model = Mlp.init(hidden, initRng);
        double[] smoothedLoss = FastTrainer.train(model, data, schedule, config, trainRng, monitor);
        return new Trained(model, smoothedLoss);
    }

    /** The reverse-process sampler chosen with --sampler. */
    enum SamplerKind {
        /** {@link DdpmSampler}: DDPM eq. 11 with σ_t² = β_t, T steps. */
        DDPM("ddpm"),
        /** {@link AncestralSampler} with σ_t² = β̃_t, the posterior variance, T steps. */
        POSTERIOR("posterior"),
        /** {@link DdimSampler} with --ddim-steps S and --eta. */
        DDIM("ddim");

        final String id;

        SamplerKind(String id) {
            this.id = id;
        }
    }

    @Override
    public Integer call() throws IOException {
        Setup setup = validate();
        NoiseSchedule schedule = setup.schedule();
        TrainConfig config = setup.config();
        int T = schedule.T();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--out " + outDir + " cannot be created: " + e);
        }

        // One independent stream per use, split in a fixed order, so that e.g. --steps does not
        // change the data, the initial weights or the floor. New streams go at the end.
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom dataRng = root.split(), initRng = root.split(), trainRng = root.split(),
                sampleRng = root.split(), floorRngA = root.split(), floorRngB = root.split(),
                noiseRng = root.split(), figureRng = root.split(), gifRng = root.split();

        String dataPart = dataset == Dataset.SPIRAL
                ? String.format(Locale.ROOT, "%d points (jitter %s)", points, plain(jitter))
                : String.format(Locale.ROOT, "%d %s points", points, dataset.id());
        String schedulePart = cosine ? "cosine schedule" : "beta " + plain(betaStart) + " -> " + plain(betaEnd);
        String trainPart = setup.loaded() == null
                ? String.format(Locale.ROOT, "hidden %d, %d steps, lr %s, momentum %s", hidden, steps, plain(lr), plain(momentum))
                : String.format(Locale.ROOT, "model from %s (hidden %d, trained %d steps, lr %s, momentum %s)",
                        loadCheckpoint, setup.loaded().hiddenDim(), config.steps(), plain(config.lr()), plain(config.momentum()));
        if (setup.loaded() != null) schedulePart = "schedule from the checkpoint";
        out.printf(Locale.ROOT, "diffusion-lab: %s, T = %d, %s, %s, %d samples, seed %d%n",
                dataPart, T, schedulePart, trainPart, samples, seed);
        out.println("sampler: " + samplerDescription(T));
        double abT = schedule.terminalAlphaBar();
        out.printf(Locale.ROOT, "alpha_bar_T = %.4f: x_T = %.3f*x0 + %.3f*eps%n", abT, Math.sqrt(abT), Math.sqrt(1 - abT));
        schedule.terminalWarning().ifPresent(out::println);

        long start = System.nanoTime();
        long t0 = start;
        SimpleMatrix data = draw(points, dataRng);
        t0 = phase("data", t0, String.format(Locale.ROOT, "%d %s points", points, dataset.id()));

        Mlp model;
        double[] loss;
        if (setup.loaded() == null) {
            Trained trained;
            try (TrainingProgress progress = TrainingProgress.start(steps, out, interactive)) {
                trained = train(data, schedule, hidden, config, initRng, trainRng, progress);
            }
            model = trained.model();
            loss = trained.smoothedLoss();
            t0 = phase("train", t0, String.format(Locale.ROOT, "%d steps, smoothed loss %.4g -> %.4g",
                    steps, loss[0], loss[loss.length - 1]));
            // Noise moves the smoothed loss a little either way; a diverging run grows by orders of magnitude.
            if (loss[loss.length - 1] > 2 * loss[0]) {
                out.printf(Locale.ROOT, "WARNING: the loss more than doubled; training is probably diverging (try a smaller --lr "
                        + "than %s).%n", plain(lr));
            }
            if (saveCheckpoint != null) {
                Path parent = saveCheckpoint.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                new Checkpoint(model, schedule, config).save(saveCheckpoint);
                t0 = phase("save", t0, "checkpoint " + saveCheckpoint);
            }
        } else {
            model = setup.loaded();
            loss = new double[0];
            t0 = phase("load", t0, "checkpoint " + loadCheckpoint + ", no training");
        }

        Trajectory trajectory = sample(model, schedule, sampleRng);
        SimpleMatrix generated = trajectory.samples();
        t0 = phase("sample", t0, String.format(Locale.ROOT, "%d samples over %d reverse steps (%s)",
                samples, trajectory.timesteps().size() - 1, sampler.id));
        if (!allFinite(generated)) {
            // A loss can blow up to 1e100 and stay finite; the samples then overflow.
            String why = setup.loaded() == null
                    ? String.format(Locale.ROOT, "training went wrong (final smoothed loss %.4g). Try a smaller learning "
                            + "rate (--lr %s now).", loss[loss.length - 1], plain(lr))
                    : "the loaded model or the sampler settings are broken.";
            spec.commandLine().getErr().println("error: some samples are NaN or infinite: " + why);
            spec.commandLine().getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        }

        int far = farOutside(generated, data);
        if (far > 0) {
            // A few exploded samples dominate every distance (and squeeze the histograms into one bin).
            out.printf(Locale.ROOT, "WARNING: %d of %d samples lie more than %s times as far from 0 as any data point; "
                    + "the metrics below are dominated by them. A tiny alpha_bar_T (cosine) amplifies the model's error "
                    + "at t = T: try --sampler posterior --clip-x0 -3,3, or more --steps.%n", far, samples, plain(FAR));
        }
        // The floor: the same metric between two fresh real samples of the data's and the
        // samples' sizes (every metric here is symmetric in its two arguments).
        SimpleMatrix realA = draw(points, floorRngA), realB = draw(samples, floorRngB);
        Floored sw = Floored.of("sliced W1", Wasserstein::sliced, generated, data, realA, realB);
        Floored w1 = Floored.perAxis("W1", Wasserstein::perAxis, generated, data, realA, realB);
        Floored overlap = Floored.perAxis("overlap", DistributionMetrics::histogramOverlapPerAxis, generated, data, realA, realB);
        Floored energy = Floored.of("energy distance", DistributionMetrics::energyDistance, generated, data, realA, realB);
        double noise = Wasserstein.sliced(ForwardProcess.gaussian(samples, 2, noiseRng), data);
        List<String> metricLines = new ArrayList<>();
        metricLines.add("metric (generated vs data)   value     floor     ratio");
        for (Floored m : List.of(sw, w1, overlap, energy)) metricLines.addAll(m.lines());
        t0 = phase("metrics", t0, "sliced W1 (" + Wasserstein.DEFAULT_DIRECTIONS + " directions), W1 per axis, histogram "
                + "overlap (" + DistributionMetrics.DEFAULT_BINS + " bins), energy distance");

        SortedMap<Integer, SimpleMatrix> forward = new TreeMap<>();
        for (int t : Figures.forwardTimes(T)) {
            forward.put(t, ForwardProcess.qSample(data, t, schedule, figureRng).xt());
        }
        String caption = String.format(Locale.ROOT, "SW %.3f (floor %.3f)", sw.value()[0], sw.floor()[0]);
        List<Path> figures = new ArrayList<>();
        figures.add(Figures.dataset(data, outDir.resolve("1-dataset.png")));
        figures.add(Figures.schedule(schedule, outDir.resolve("2-schedule.png")));
        figures.add(Figures.forwardProcess(forward, schedule, outDir.resolve("3-forward.png")));
        if (loss.length > 0) figures.add(Figures.lossCurve(loss, outDir.resolve("4-loss.png")));
        figures.add(Figures.reverseSnapshots(snapshots(trajectory, T), data, outDir.resolve("5-reverse.png")));
        figures.add(Figures.realVsGenerated(data, generated, caption, outDir.resolve("6-real-vs-generated.png")));
        if ((cosine || allFigures) && T >= 2) {
            Map<String, NoiseSchedule> compared = new LinkedHashMap<>();
            if (setup.loaded() != null) compared.put("checkpoint", schedule);
            compared.put("linear " + plain(betaStart) + " -> " + plain(betaEnd), NoiseSchedule.linearBetaSchedule(T, betaStart, betaEnd));
            compared.put("cosine (s = " + plain(NoiseSchedule.COSINE_DEFAULT_OFFSET) + ")", NoiseSchedule.cosineBetaSchedule(T));
            figures.add(Figures.scheduleComparison(compared, outDir.resolve("7-schedules.png")));
        }
        if (allFigures) {
            List<String> axisCaptions = new ArrayList<>();
            for (int j = 0; j < 2; j++) {
                axisCaptions.add(String.format(Locale.ROOT, "%s: W1 %.3f (floor %.3f), overlap %.3f (floor %.3f)",
                        j == 0 ? "x" : "y", w1.value()[j], w1.floor()[j], overlap.value()[j], overlap.floor()[j]));
            }
            figures.add(Figures.marginals(data, generated, axisCaptions, DistributionMetrics.DEFAULT_BINS,
                    outDir.resolve("8-marginals.png")));
            String title = String.format(Locale.ROOT, "%s, %s, T = %d, %s sampler, seed %d", dataset.id(),
                    setup.loaded() != null ? "loaded model" : cosine ? "cosine schedule" : "linear schedule", T, sampler.id, seed);
            List<String> text = new ArrayList<>(List.of("sampler: " + samplerDescription(T), ""));
            text.addAll(metricLines);
            figures.add(Figures.summary(data, schedule, loss, generated, title, text, outDir.resolve("9-summary.png")));
        }
        if (gif) {
            Path forwardGif = outDir.resolve("forward.gif"), reverseGif = outDir.resolve("reverse.gif");
            Gif.write(ScatterFrames.forwardProcess(data, schedule, gifTimes(T), gifRng, GIF_PIXELS, gifRange(data)),
                    forwardGif, GIF_DELAY_MILLIS, true);
            int every = Math.max(1, (trajectory.states().size() - 1) / GIF_FRAMES);
            Gif.write(ScatterFrames.reverseProcess(trajectory, every, GIF_PIXELS, gifRange(data)), reverseGif,
                    GIF_DELAY_MILLIS, true);
            figures.add(forwardGif);
            figures.add(reverseGif);
        }
        phase("plots", t0, figures.size() + " figures in " + outDir);
        for (Path figure : figures) out.println("  " + figure);
        if (loss.length == 0) out.println("  (no 4-loss.png: the model was loaded, not trained)");
        if (cosine && T < 2) out.println("  (no 7-schedules.png: comparing schedules needs T >= 2)");

        out.printf(Locale.ROOT, "total   %7.2f s%n", (System.nanoTime() - start) / 1e9);
        for (String line : metricLines) out.println(line);
        out.printf(Locale.ROOT, "sliced W1 to the data: generated %.4g, real-vs-real floor %.4g (ratio %.3g), "
                + "N(0, I) %.4g%n", sw.value()[0], sw.floor()[0], sw.value()[0] / sw.floor()[0], noise);
        return CommandLine.ExitCode.OK;
    }

    /** Frames per GIF, about: enough to see the motion, small enough to write in a second. */
    static final int GIF_FRAMES = 40;
    static final int GIF_PIXELS = 360;
    static final int GIF_DELAY_MILLIS = 80;

    /**
     * A metric between the generated samples and the data beside its real-vs-real floor: value[j]
     * = metric(generated, data)[j] and floor[j] = metric(realA, realB)[j], with realA as large as
     * the data and realB as large as the samples. One entry for a joint metric, one per axis for
     * a per-axis one. {@code higherIsBetter} marks the overlap, whose floor is a ceiling.
     */
    record Floored(String name, boolean perAxis, boolean higherIsBetter, double[] value, double[] floor) {

        static Floored of(String name, ToDoubleBiFunction<SimpleMatrix, SimpleMatrix> metric,
                          SimpleMatrix generated, SimpleMatrix data, SimpleMatrix realA, SimpleMatrix realB) {
            return new Floored(name, false, false, new double[] {metric.applyAsDouble(generated, data)},
                    new double[] {metric.applyAsDouble(realA, realB)});
        }

        static Floored perAxis(String name, BiFunction<SimpleMatrix, SimpleMatrix, double[]> metric,
                               SimpleMatrix generated, SimpleMatrix data, SimpleMatrix realA, SimpleMatrix realB) {
            return new Floored(name, true, name.equals("overlap"), metric.apply(generated, data), metric.apply(realA, realB));
        }

        /** One printed line per entry: name, value, floor and value/floor. */
        List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (int j = 0; j < value.length; j++) {
                String label = perAxis ? name + " " + (char) ('x' + j) : name;
                lines.add(String.format(Locale.ROOT, "  %-26s %-9.4g %-9.4g %.3g%s", label, value[j], floor[j],
                        value[j] / floor[j], higherIsBetter ? "  (higher is better; floor = real vs real)" : ""));
            }
            return lines;
        }
    }

    /** How far outside the data a sample must lie, in multiples of the data's largest |coordinate|, to be counted by {@link #farOutside}. */
    static final double FAR = 3;

    /** Samples with a coordinate beyond {@link #FAR} times the data's largest |coordinate|. */
    private static int farOutside(SimpleMatrix generated, SimpleMatrix data) {
        double limit = FAR * data.elementMaxAbs();
        int far = 0;
        for (int i = 0; i < generated.getNumRows(); i++) {
            if (Math.abs(generated.get(i, 0)) > limit || Math.abs(generated.get(i, 1)) > limit) far++;
        }
        return far;
    }

    /** x_0 of the chosen dataset: the spiral with --jitter, any other with its default parameters. */
    private SimpleMatrix draw(int n, RandomGenerator rng) {
        return dataset == Dataset.SPIRAL ? Datasets.makeSpiral(n, jitter, rng) : dataset.sample(n, rng);
    }

    private String samplerDescription(int T) {
        String clipNote = clip == null ? "" : ", x0_hat clipped to [" + plain(clip[0]) + ", " + plain(clip[1]) + "]";
        return switch (sampler) {
            case DDPM -> "ddpm, sigma_t^2 = beta_t, " + T + " steps";
            case POSTERIOR -> "posterior, sigma_t^2 = beta_tilde_t, " + T + " steps" + clipNote;
            case DDIM -> "ddim, " + ddimSteps(T) + " of " + T + " steps, eta " + plain(eta == null ? 0 : eta) + clipNote;
        };
    }

    private int ddimSteps(int T) {
        return ddimSteps == null ? T : ddimSteps;
    }

    /**
     * Runs the chosen sampler and keeps every state. DDPM keeps its snapshots at every t, which
     * leaves its draws and its samples as without snapshots.
     */
    private Trajectory sample(EpsilonModel model, NoiseSchedule schedule, RandomGenerator rng) {
        switch (sampler) {
            case DDPM -> {
                Set<Integer> all = new TreeSet<>();
                for (int t = 0; t <= schedule.T(); t++) all.add(t);
                SortedMap<Integer, SimpleMatrix> states = DdpmSampler.pSampleLoop(model, samples, schedule, rng, all).snapshots();
                return new Trajectory(new ArrayList<>(states.keySet()), new ArrayList<>(states.values()));
            }
            case POSTERIOR -> {
                AncestralSampler s = AncestralSampler.of(Variance.POSTERIOR);
                if (clip != null) s = s.withClipping(clip[0], clip[1]);
                return s.trajectory(model, samples, schedule, rng);
            }
            default -> {
                DdimSampler s = new DdimSampler(ddimSteps(schedule.T()), eta == null ? 0 : eta);
                if (clip != null) s = s.withClipping(clip[0], clip[1]);
                return s.trajectory(model, samples, schedule, rng);
            }
        }
    }

    /**
     * The states shown in the reverse figure: for each t of {@link Figures#forwardTimes} and 0, the
     * visited state whose step is nearest (DDIM visits only S of the T steps), keyed by its step.
     */
    private static SortedMap<Integer, SimpleMatrix> snapshots(Trajectory trajectory, int T) {
        List<Integer> wanted = new ArrayList<>(Figures.forwardTimes(T));
        wanted.add(0);
        SortedMap<Integer, SimpleMatrix> shown = new TreeMap<>();
        for (int t : wanted) {
            int best = 0;
            for (int k = 1; k < trajectory.timesteps().size(); k++) {
                if (Math.abs(trajectory.timesteps().get(k) - t) < Math.abs(trajectory.timesteps().get(best) - t)) best = k;
            }
            shown.put(trajectory.timesteps().get(best), trajectory.states().get(best));
        }
        return shown;
    }

    /** 0, then about {@link #GIF_FRAMES} evenly spaced steps up to T. */
    private static List<Integer> gifTimes(int T) {
        int every = Math.max(1, T / GIF_FRAMES);
        List<Integer> ts = new ArrayList<>();
        for (int t = 0; t < T; t += every) ts.add(t);
        ts.add(T);
        return ts;
    }

    /** Half-width of the GIF frames: the data and N(0, I) noise (|x| ≲ 3.5) both fit. */
    private static double gifRange(SimpleMatrix data) {
        double max = 3.5;
        for (int i = 0; i < data.getNumRows(); i++) {
            max = Math.max(max, 1.1 * Math.max(Math.abs(data.get(i, 0)), Math.abs(data.get(i, 1))));
        }
        return max;
    }

    /** Prints one phase's wall time and returns the new start time. */
    private long phase(String name, long since, String detail) {
        long now = System.nanoTime();
        out.printf(Locale.ROOT, "%-7s %7.2f s  %s%n", name, (now - since) / 1e9, detail);
        return now;
    }

    private static boolean allFinite(SimpleMatrix m) {
        for (int i = 0; i < m.getNumRows(); i++) {
            for (int j = 0; j < m.getNumCols(); j++) {
                if (!Double.isFinite(m.get(i, j))) return false;
            }
        }
        return true;
    }

    /** 0.0001 rather than 1.0E-4: the way the flags are usually typed. */
    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** The parsed choices, set by {@link #validate}. */
    private Dataset dataset;
    private boolean cosine;
    private SamplerKind sampler;
    private double[] clip;

    /** What validation hands to the run: the schedule, the training config, and the loaded model if any. */
    record Setup(NoiseSchedule schedule, TrainConfig config, Mlp loaded) {}

    /** Checks every value before any work, naming the flag, so a typo costs no training time. */
    private Setup validate() {
        require(points >= 2, "--points", points, "must be >= 2");
        require(jitter >= 0 && Double.isFinite(jitter), "--jitter", jitter, "must be finite and >= 0");
        require(timesteps >= 1, "--timesteps", timesteps, "must be >= 1");
        require(betaStart > 0 && betaStart < 1, "--beta-start", betaStart, "must lie in (0, 1)");
        require(betaEnd > 0 && betaEnd < 1, "--beta-end", betaEnd, "must lie in (0, 1)");
        require(hidden >= 1, "--hidden", hidden, "must be >= 1");
        require(steps >= 1, "--steps", steps, "must be >= 1");
        require(lr > 0 && Double.isFinite(lr), "--lr", lr, "must be finite and > 0");
        require(momentum >= 0 && momentum < 1, "--momentum", momentum, "must lie in [0, 1)");
        // The floor compares against a fresh dataset of this size, and standardizing needs two points.
        require(samples >= 2, "--samples", samples, "must be >= 2");

        try {
            dataset = Dataset.byName(datasetName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--dataset " + datasetName + " is invalid: must be one of "
                    + Dataset.validNames());
        }
        requireOnlyWith("--jitter", dataset == Dataset.SPIRAL, "--dataset spiral");
        require(scheduleName.equals("linear") || scheduleName.equals("cosine"), "--schedule", scheduleName,
                "must be linear or cosine");
        cosine = scheduleName.equals("cosine");
        // The cosine schedule has no beta range; silently ignoring one would hide a typo.
        requireOnlyWith("--beta-start", !cosine, "--schedule linear");
        requireOnlyWith("--beta-end", !cosine, "--schedule linear");
        sampler = null;
        for (SamplerKind k : SamplerKind.values()) {
            if (k.id.equals(samplerName)) sampler = k;
        }
        require(sampler != null, "--sampler", samplerName, "must be ddpm, posterior or ddim");
        requireOnlyWith("--ddim-steps", sampler == SamplerKind.DDIM, "--sampler ddim");
        requireOnlyWith("--eta", sampler == SamplerKind.DDIM, "--sampler ddim");
        requireOnlyWith("--clip-x0", sampler != SamplerKind.DDPM, "--sampler posterior or ddim");
        require(eta == null || (eta >= 0 && eta <= 1), "--eta", eta, "must lie in [0, 1]");
        clip = clipRange == null ? null : parseClip(clipRange);

        NoiseSchedule schedule;
        TrainConfig config;
        Mlp loaded = null;
        if (loadCheckpoint != null) {
            for (String flag : new String[] {"--timesteps", "--beta-start", "--beta-end", "--schedule", "--hidden",
                "--steps", "--lr", "--momentum", "--save-checkpoint"}) {
                requireOnlyWith(flag, false, "training (the checkpoint fixes the model, its schedule and its config)");
            }
            Checkpoint checkpoint;
            try {
                checkpoint = Checkpoint.load(loadCheckpoint);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--load-checkpoint " + loadCheckpoint
                        + " cannot be used: " + e.getMessage());
            }
            schedule = checkpoint.schedule();
            config = checkpoint.config();
            loaded = checkpoint.model();
        } else {
            try {
                schedule = cosine ? NoiseSchedule.cosineBetaSchedule(timesteps)
                        : NoiseSchedule.linearBetaSchedule(timesteps, betaStart, betaEnd);
                config = new TrainConfig(steps, lr, momentum, LOSS_SMOOTHING);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage(), e);
            }
        }
        int T = schedule.T();
        require(ddimSteps == null || (ddimSteps >= 1 && ddimSteps <= T), "--ddim-steps", ddimSteps,
                "must lie in [1, T = " + T + "]");
        return new Setup(schedule, config, loaded);
    }

    /** "MIN,MAX" with finite MIN < MAX. */
    private double[] parseClip(String value) {
        String[] parts = value.split(",", -1);
        double[] range = new double[2];
        boolean ok = parts.length == 2;
        for (int i = 0; ok && i < 2; i++) {
            try {
                range[i] = Double.parseDouble(parts[i].trim());
                ok = Double.isFinite(range[i]);
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        require(ok && range[0] < range[1], "--clip-x0", value, "must be MIN,MAX with finite MIN < MAX, e.g. -3,3");
        return range;
    }

    /** A flag given on the command line although {@code allowed} is false is a usage error. */
    private void requireOnlyWith(String flag, boolean allowed, String context) {
        if (!allowed && spec.commandLine().getParseResult().hasMatchedOption(flag)) {
            throw new ParameterException(spec.commandLine(), flag + " is invalid here: it applies only to " + context);
        }
    }

    private void require(boolean ok, String flag, Object value, String range) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), flag + " " + value + " is invalid: " + range);
        }
    }
}
