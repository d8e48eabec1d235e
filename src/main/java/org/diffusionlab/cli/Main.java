package org.diffusionlab.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.diffusionlab.metrics.HeldOutPairs;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.model.TimeEmbedding;
import org.diffusionlab.plot.Figures;
import org.diffusionlab.plot.Gif;
import org.diffusionlab.plot.ScatterFrames;
import org.diffusionlab.report.Recipe;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.DdimSampler;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.sample.Trajectory;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.Checkpoint;
import org.diffusionlab.train.LearningRateSchedule;
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.OptimizerChoice;
import org.diffusionlab.train.TrainConfig;
import org.diffusionlab.train.TrainingDivergedException;
import org.diffusionlab.train.TrainingMonitor;
import org.diffusionlab.train.fast.FastEpsilonModel;
import org.diffusionlab.train.fast.FastTrainer;
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
 * distance) between the samples and held-out real points, beside its real-vs-real floor at the
 * same sample size (see {@link #heldOut}).
 *
 * <p>{@code --recipe} ({@link Recipe}) sets the defaults of the data size, the schedule, the
 * sampler, the network and its training: {@code notebook} (the default) is notebook 000's
 * full-batch momentum SGD on the 3-layer MLP with the t/T input; {@code default} is the tuned
 * mini-batch recipe ({@link DeepMlp}, sinusoidal embedding, AdamW, clipping, EMA). Every flag
 * overrides its recipe value. With {@code --recipe notebook}, a mini-batch flag (see
 * {@link #MINI_BATCH_FLAGS}) switches training to the mini-batch trainer, starting from the
 * notebook's network and a full batch; the optimizer must then be named, because the mini-batch
 * trainer's SGD has momentum {@value OptimizerChoice#SGD_MOMENTUM}, not the notebook's.
 *
 * <p>The other flags pick the dataset, the schedule (linear with its β range, or cosine: then the
 * β flags are rejected rather than ignored), the sampler (ddpm, posterior, ddim with S steps and η,
 * optional x̂0 clipping), and extras: GIFs, three more figures, saving a checkpoint after training,
 * or loading one instead of training (then the training and schedule flags are rejected: the
 * checkpoint fixes them). Without flags the run and its six figures are those of the minimal lab.
 * A flag that does not apply to the chosen options is a usage error, not a silent no-op.
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

    @Spec
    CommandSpec spec;

    @Option(names = "--recipe", defaultValue = "notebook", paramLabel = "NAME",
            description = "notebook (notebook 000: full-batch momentum SGD on the 3-layer MLP) or default (the tuned "
                    + "mini-batch recipe); sets the defaults marked (recipe), listed at the end (default: ${DEFAULT-VALUE}).")
    String recipeName;

    @Option(names = "--points", paramLabel = "N",
            description = "Data points to train on, >= 2 (recipe).")
    Integer points;

    @Option(names = "--jitter", defaultValue = "0.02", paramLabel = "SIGMA",
            description = "Gaussian jitter of the spiral before standardizing, >= 0 (default: ${DEFAULT-VALUE}).")
    double jitter;

    @Option(names = "--timesteps", paramLabel = "T",
            description = "Diffusion steps T, >= 1 (recipe).")
    Integer timesteps;

    @Option(names = "--beta-start", paramLabel = "B",
            description = "beta_1 of the linear schedule, in (0, 1) (recipe, else 1e-4).")
    Double betaStart;

    @Option(names = "--beta-end", paramLabel = "B",
            description = "beta_T of the linear schedule, in (0, 1) (recipe, else 5e-3).")
    Double betaEnd;

    @Option(names = {"--width", "--hidden"}, paramLabel = "W",
            description = "Width of every hidden layer, >= 1 (recipe).")
    Integer width;

    @Option(names = "--hidden-layers", paramLabel = "L",
            description = "Hidden layers of the network, >= 1 (recipe; mini-batch).")
    Integer hiddenLayers;

    @Option(names = "--embedding", paramLabel = "KIND",
            description = "Time input: scalar (t/T) or sinusoidal[:K] (K even >= 2 sines and cosines of t; "
                    + "sinusoidal alone: K = " + Recipe.EMBEDDING + ") (recipe; mini-batch).")
    String embeddingName;

    @Option(names = "--steps", paramLabel = "K",
            description = "Training steps (optimizer updates), >= 1 (recipe).")
    Integer steps;

    @Option(names = "--optimizer", paramLabel = "KIND",
            description = "sgd (momentum " + OptimizerChoice.SGD_MOMENTUM + "), adam or adamw (recipe; mini-batch).")
    String optimizerName;

    @Option(names = "--lr", paramLabel = "LR",
            description = "Learning rate (the base rate of --lr-schedule), > 0 (recipe).")
    Double lr;

    @Option(names = "--momentum", paramLabel = "M",
            description = "Momentum of the full-batch SGD, in [0, 1) (recipe; full batch only).")
    Double momentum;

    @Option(names = "--batch-size", paramLabel = "B",
            description = "Points per mini-batch, >= 1, or full (every point in every step) (recipe; mini-batch).")
    String batchSize;

    @Option(names = "--lr-schedule", paramLabel = "KIND",
            description = "constant or cosine (decay to ~0 over --steps; not with sgd) (recipe; mini-batch).")
    String lrScheduleName;

    @Option(names = "--weight-decay", paramLabel = "LAMBDA",
            description = "Decoupled weight decay of adamw, >= 0 (recipe, else the default recipe's; adamw only).")
    Double weightDecay;

    @Option(names = "--clip-norm", paramLabel = "C",
            description = "Clip the gradient's global L2 norm to C > 0, or off (recipe; mini-batch).")
    String clipNorm;

    @Option(names = "--ema", paramLabel = "D",
            description = "Sample from an exponential moving average of the weights with decay D in (0, 1), or off "
                    + "(recipe; mini-batch).")
    String ema;

    @Option(names = "--samples", defaultValue = "1000", paramLabel = "N",
            description = "Samples to generate, >= 2 (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "S",
            description = "Seed of every random draw (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--dataset", defaultValue = "spiral", paramLabel = "NAME",
            description = "Toy dataset: spiral, two_gaussians, moons, circles, swiss_roll, checkerboard (default: ${DEFAULT-VALUE}). --jitter applies to spiral only.")
    String datasetName;

    @Option(names = "--schedule", paramLabel = "KIND",
            description = "Noise schedule: linear (--beta-start, --beta-end) or cosine (improved DDPM, s = 0.008; "
                    + "the beta flags are then rejected) (recipe).")
    String scheduleName;

    @Option(names = "--sampler", paramLabel = "KIND",
            description = "ddpm (sigma^2 = beta), posterior (sigma^2 = posterior variance) or ddim "
                    + "(--ddim-steps, --eta) (recipe).")
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
        cmd.getCommandSpec().usageMessage().footer(recipeFooter());
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

    /** What training hands to sampling: the trained model ({@link Mlp} or {@link DeepMlp}) and its smoothed loss curve. */
    record Trained(EpsilonModel model, double[] smoothedLoss) {}

    /**
     * The network and its training, after the recipe's defaults and the flags.
     *
     * @param hiddenLayers L ≥ 1 (2 for the full-batch {@link Mlp})
     * @param width w ≥ 1, every hidden layer's width
     * @param embedding the time input (the {@link ScalarTimeEmbedding} t/T for the full-batch {@link Mlp})
     * @param config a {@link TrainConfig} (full batch, the notebook's {@link Mlp}) or a
     *     {@link MiniBatchConfig} (a {@link DeepMlp} trained by {@link Recipe#trainDeepMlp})
     */
    record ModelChoice(int hiddenLayers, int width, TimeEmbedding embedding, Record config) {

        boolean fullBatch() {
            return config instanceof TrainConfig;
        }

        int steps() {
            return config instanceof TrainConfig c ? c.steps() : ((MiniBatchConfig) config).steps();
        }

        double lr() {
            return config instanceof TrainConfig c ? c.lr() : ((MiniBatchConfig) config).lr();
        }
    }

    /**
     * The one place the model is built and trained, timed as the "train" phase. Full batch: the
     * notebook's {@link Mlp} (weights from {@code initRng}) trained by the fast float trainer, which
     * makes the same random draws and the same updates as the readable reference {@code Trainer}
     * (FastTrainerTest checks the two agree). Mini-batch: {@link Recipe#trainDeepMlp}, which draws
     * the initial weights and then the training from {@code trainRng} ({@code initRng} is unused).
     */
    static Trained train(SimpleMatrix data, NoiseSchedule schedule, ModelChoice choice,
                         RandomGenerator initRng, RandomGenerator trainRng, TrainingMonitor monitor) {
        if (choice.config() instanceof TrainConfig config) {
            Mlp model = Mlp.init(choice.width(), initRng);
            double[] smoothedLoss = FastTrainer.train(model, data, schedule, config, trainRng, monitor);
            return new Trained(model, smoothedLoss);
        }
        Recipe.Trained trained = Recipe.trainDeepMlp(data, schedule, choice.hiddenLayers(), choice.width(),
                choice.embedding(), (MiniBatchConfig) choice.config(), trainRng, monitor);
        return new Trained(trained.model(), trained.smoothedLosses());
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
                sampleRng = root.split(), heldOutRng = root.split(), shuffleRng = root.split(),
                noiseRng = root.split(), figureRng = root.split(), gifRng = root.split();

        String dataPart = dataset == Dataset.SPIRAL
                ? String.format(Locale.ROOT, "%d points (jitter %s)", nPoints, plain(jitter))
                : String.format(Locale.ROOT, "%d %s points", nPoints, dataset.id());
        String schedulePart = scheduleKind == ScheduleKind.CHECKPOINT ? "schedule from the checkpoint"
                : scheduleKind == ScheduleKind.COSINE ? "cosine schedule"
                : scheduleKind == ScheduleKind.LINEAR ? "beta " + plain(linearStart) + " -> " + plain(linearEnd)
                : "the " + recipe.id() + " recipe's schedule";
        String trainPart;
        if (setup.loaded() == null) {
            trainPart = (recipe == Recipe.NOTEBOOK && choice.fullBatch() ? "" : "recipe " + recipe.id() + ", ")
                    + describe(network(choice), choice.config(), "", nPoints);
        } else {
            trainPart = "model from " + loadCheckpoint + " (" + describe(network(setup.loaded().model()),
                    setup.loaded().config(), "trained ", 0) + ")";
        }
        out.printf(Locale.ROOT, "diffusion-lab: %s, T = %d, %s, %s, %d samples, seed %d%n",
                dataPart, T, schedulePart, trainPart, samples, seed);
        out.println("sampler: " + samplerDescription(T));
        double abT = schedule.terminalAlphaBar();
        out.printf(Locale.ROOT, "alpha_bar_T = %.4f: x_T = %.3f*x0 + %.3f*eps%n", abT, Math.sqrt(abT), Math.sqrt(1 - abT));
        schedule.terminalWarning().ifPresent(out::println);

        long start = System.nanoTime();
        long t0 = start;
        SimpleMatrix data = draw(nPoints, dataRng);
        t0 = phase("data", t0, String.format(Locale.ROOT, "%d %s points", nPoints, dataset.id()));

        EpsilonModel model;
        double[] loss;
        if (setup.loaded() == null) {
            Trained trained;
            try (TrainingProgress progress = TrainingProgress.start(choice.steps(), out, interactive)) {
                trained = train(data, schedule, choice, initRng, trainRng, progress);
            }
            model = trained.model();
            loss = trained.smoothedLoss();
            t0 = phase("train", t0, String.format(Locale.ROOT, "%d steps, smoothed loss %.4g -> %.4g",
                    choice.steps(), loss[0], loss[loss.length - 1]));
            // Noise moves the smoothed loss a little either way; a diverging run grows by orders of magnitude.
            if (loss[loss.length - 1] > 2 * loss[0]) {
                out.printf(Locale.ROOT, "WARNING: the loss more than doubled; training is probably diverging (try a smaller --lr "
                        + "than %s).%n", plain(choice.lr()));
            }
            if (saveCheckpoint != null) {
                Path parent = saveCheckpoint.toAbsolutePath().getParent();
                if (parent != null) Files.createDirectories(parent);
                new Checkpoint(model, schedule, choice.config()).save(saveCheckpoint);
                t0 = phase("save", t0, "checkpoint " + saveCheckpoint);
            }
        } else {
            model = setup.loaded().model();
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
                            + "rate (--lr %s now).", loss[loss.length - 1], plain(choice.lr()))
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
        HeldOutPairs real = heldOut(dataset, jitter, samples, heldOutRng, shuffleRng);
        Floored sw = Floored.of("sliced W1", Wasserstein::sliced, generated, real);
        Floored w1 = Floored.perAxis("W1", Wasserstein::perAxis, generated, real);
        Floored overlap = Floored.perAxis("overlap", DistributionMetrics::histogramOverlapPerAxis, generated, real);
        Floored energy = Floored.of("energy distance", DistributionMetrics::energyDistance, generated, real);
        double noise = Wasserstein.sliced(ForwardProcess.gaussian(samples, 2, noiseRng), real.a(0));
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
        boolean cosine = scheduleKind == ScheduleKind.COSINE;
        if ((cosine || allFigures) && T >= 2) {
            Map<String, NoiseSchedule> compared = new LinkedHashMap<>();
            if (setup.loaded() != null) compared.put("checkpoint", schedule);
            if (scheduleKind == ScheduleKind.RECIPE) compared.put(recipe.id() + " recipe", schedule);
            compared.put("linear " + plain(linearStart) + " -> " + plain(linearEnd),
                    NoiseSchedule.linearBetaSchedule(T, linearStart, linearEnd));
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
                    setup.loaded() != null ? "loaded model" : cosine ? "cosine schedule"
                            : scheduleKind == ScheduleKind.LINEAR ? "linear schedule" : recipe.id() + " recipe's schedule",
                    T, sampler.id, seed);
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

    /** Pairs (A_k, B_k) of held-out real samples that every metric and its floor are averaged over. */
    static final int HELD_OUT_PAIRS = 5;

    /** The held-out pool holds this many times --samples points (twice the rows the pairs use), so its random rows are close to independent draws. */
    static final int HELD_OUT_POOL_FACTOR = 4 * HELD_OUT_PAIRS;

    /**
     * The real points every metric compares with: {@value #HELD_OUT_PAIRS} pairs (A_k, B_k) of
     * held-out real samples of {@code samples} rows each, which the model never saw
     * ({@link HeldOutPairs}: why held out, why shuffled, why several pairs). A pool of
     * {@value #HELD_OUT_POOL_FACTOR}·{@code samples} fresh points of the dataset is drawn from
     * {@code poolRng} (in the run: a stream split from the same seeded root as the training data's),
     * its rows are shuffled with {@code shuffleRng}, and the pairs are taken from position 0.
     *
     * @param dataset the dataset ({@code jitter} applies to the spiral only)
     * @param samples rows n of each real sample, ≥ 1
     */
    static HeldOutPairs heldOut(Dataset dataset, double jitter, int samples, RandomGenerator poolRng,
                                RandomGenerator shuffleRng) {
        SimpleMatrix pool = draw(dataset, jitter, HELD_OUT_POOL_FACTOR * samples, poolRng);
        int[] order = HeldOutPairs.shuffledOrder(pool.getNumRows(), shuffleRng);
        return HeldOutPairs.fromPool(pool, order, 0, HELD_OUT_PAIRS, samples);
    }

    /**
     * A metric between the generated samples and the held-out pairs beside its real-vs-real floor
     * ({@link HeldOutPairs#value}, {@link HeldOutPairs#floor}): one entry for a joint metric, one
     * per axis for a per-axis one. {@code higherIsBetter} marks the overlap, whose floor is a ceiling.
     */
    record Floored(String name, boolean perAxis, boolean higherIsBetter, double[] value, double[] floor) {

        static Floored of(String name, ToDoubleBiFunction<SimpleMatrix, SimpleMatrix> metric,
                          SimpleMatrix generated, HeldOutPairs real) {
            return of(name, (a, b) -> new double[] {metric.applyAsDouble(a, b)}, generated, real, false);
        }

        static Floored perAxis(String name, BiFunction<SimpleMatrix, SimpleMatrix, double[]> metric,
                               SimpleMatrix generated, HeldOutPairs real) {
            return of(name, metric, generated, real, true);
        }

        private static Floored of(String name, BiFunction<SimpleMatrix, SimpleMatrix, double[]> metric,
                                  SimpleMatrix generated, HeldOutPairs real, boolean perAxis) {
            return new Floored(name, perAxis, name.equals("overlap"), real.value(metric, generated), real.floor(metric));
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
        return draw(dataset, jitter, n, rng);
    }

    /** n points of {@code dataset}: the spiral with {@code jitter}, any other with its default parameters. */
    static SimpleMatrix draw(Dataset dataset, double jitter, int n, RandomGenerator rng) {
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

    /** Runs the chosen sampler ({@link #sample(SamplerKind, int, double, double[], EpsilonModel, int, NoiseSchedule, RandomGenerator)}). */
    private Trajectory sample(EpsilonModel model, NoiseSchedule schedule, RandomGenerator rng) {
        return sample(sampler, ddimSteps(schedule.T()), eta == null ? 0 : eta, clip, model, samples, schedule, rng);
    }

    /**
     * Runs a sampler and keeps every state. DDPM keeps its snapshots at every t, which leaves its
     * draws and its samples as without snapshots.
     *
     * @param ddimSteps S in 1..T (DDIM only)
     * @param eta η in [0, 1] (DDIM only)
     * @param clip {MIN, MAX} for x̂0, or null (posterior and DDIM only)
     * @param n samples
     */
    static Trajectory sample(SamplerKind kind, int ddimSteps, double eta, double[] clip, EpsilonModel network, int n,
                             NoiseSchedule schedule, RandomGenerator rng) {
        EpsilonModel model = FastEpsilonModel.fastestFor(network);
        switch (kind) {
            case DDPM -> {
                Set<Integer> all = new TreeSet<>();
                for (int t = 0; t <= schedule.T(); t++) all.add(t);
                SortedMap<Integer, SimpleMatrix> states = DdpmSampler.pSampleLoop(model, n, schedule, rng, all).snapshots();
                return new Trajectory(new ArrayList<>(states.keySet()), new ArrayList<>(states.values()));
            }
            case POSTERIOR -> {
                AncestralSampler s = AncestralSampler.of(Variance.POSTERIOR);
                if (clip != null) s = s.withClipping(clip[0], clip[1]);
                return s.trajectory(model, n, schedule, rng);
            }
            default -> {
                DdimSampler s = new DdimSampler(ddimSteps, eta);
                if (clip != null) s = s.withClipping(clip[0], clip[1]);
                return s.trajectory(model, n, schedule, rng);
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

    /** Where the schedule came from: a linear β range, the cosine schedule, a recipe's schedule of another shape, or a checkpoint. */
    enum ScheduleKind { LINEAR, COSINE, RECIPE, CHECKPOINT }

    /** The β range of the linear schedule when neither the flags nor the recipe give one (notebook 000's). */
    static final double LINEAR_BETA_START = 1e-4, LINEAR_BETA_END = 5e-3;

    /** The notebook recipe's network width ({@link Recipe#NOTEBOOK}: 3 → 128 → 128 → 2). */
    static final int NOTEBOOK_WIDTH = 128;

    /**
     * The flags that choose the mini-batch trainer's options; with {@code --recipe notebook} any of
     * them switches training from full-batch momentum SGD to the mini-batch trainer.
     */
    static final List<String> MINI_BATCH_FLAGS = List.of("--hidden-layers", "--embedding", "--optimizer", "--batch-size",
            "--lr-schedule", "--weight-decay", "--clip-norm", "--ema");

    /**
     * What a recipe sets when its flags are not given.
     *
     * @param points training points
     * @param schedule its noise schedule (T and the β_t, t = 1..T)
     * @param sampler its sampler
     * @param model its network and training (a full-batch {@link TrainConfig} or a {@link MiniBatchConfig})
     */
    record RecipeDefaults(int points, NoiseSchedule schedule, SamplerKind sampler, ModelChoice model) {}

    /** The defaults of {@code recipe}, read from {@link Recipe} (its constants and its schedule). */
    static RecipeDefaults defaultsOf(Recipe recipe) {
        return switch (recipe) {
            case NOTEBOOK -> new RecipeDefaults(recipe.trainingPoints(), recipe.schedule(), SamplerKind.DDPM,
                    new ModelChoice(2, NOTEBOOK_WIDTH, ScalarTimeEmbedding.INSTANCE,
                            TrainConfig.notebook().withSteps(recipe.defaultSteps())));
            case DEFAULT -> new RecipeDefaults(recipe.trainingPoints(), recipe.schedule(), SamplerKind.DDPM,
                    new ModelChoice(Recipe.HIDDEN_LAYERS, Recipe.WIDTH, new SinusoidalTimeEmbedding(Recipe.EMBEDDING),
                            Recipe.TRAINING.withSteps(recipe.defaultSteps())));
        };
    }

    /** The recipe defaults as flags, for the end of --help. */
    static String recipeFooter() {
        List<String> lines = new ArrayList<>(List.of("", "Recipe defaults (each flag overrides its value):"));
        for (Recipe r : Recipe.values()) {
            RecipeDefaults d = defaultsOf(r);
            NoiseSchedule s = d.schedule();
            List<String> flags = new ArrayList<>(List.of("--points " + d.points(), "--sampler " + d.sampler().id));
            if (r == Recipe.NOTEBOOK) {
                flags.addAll(List.of("--schedule linear", "--timesteps " + s.T(), "--beta-start " + plain(LINEAR_BETA_START),
                        "--beta-end " + plain(LINEAR_BETA_END)));
            } else {
                flags.add(isCosine(s) ? "--schedule cosine --timesteps " + s.T() : "its own schedule (T = " + s.T() + ")");
            }
            lines.addAll(wrap("  " + r.id() + ":", flags));
            flags = new ArrayList<>();
            ModelChoice m = d.model();
            if (m.config() instanceof TrainConfig c) {
                flags.addAll(List.of("--width " + m.width() + " (" + m.hiddenLayers() + " hidden layers, t/T)",
                        "--steps " + c.steps(), "--lr " + plain(c.lr()), "--momentum " + plain(c.momentum())));
            } else {
                MiniBatchConfig c = (MiniBatchConfig) m.config();
                flags.addAll(List.of("--hidden-layers " + m.hiddenLayers(), "--width " + m.width(),
                        "--embedding " + embeddingFlag(m.embedding()), "--steps " + c.steps(),
                        "--optimizer " + optimizerFlag(c.optimizer()), "--lr " + plain(c.lr()),
                        "--lr-schedule " + c.lrSchedule().name().toLowerCase(Locale.ROOT)));
                if (c.optimizer() == OptimizerChoice.ADAMW) flags.add("--weight-decay " + plain(c.weightDecay()));
                flags.addAll(List.of("--batch-size " + c.batchSize(),
                        "--clip-norm " + (c.clipNorm() == MiniBatchConfig.NO_CLIPPING ? "off" : plain(c.clipNorm())),
                        "--ema " + (c.emaDecay() == MiniBatchConfig.NO_EMA ? "off" : plain(c.emaDecay()))));
            }
            lines.addAll(wrap(m.fullBatch() ? "    full batch:" : "    mini-batch:", flags));
        }
        lines.addAll(wrap("", Arrays.asList(("With --recipe notebook, a mini-batch flag (" + String.join(", ", MINI_BATCH_FLAGS)
                + ") switches to the mini-batch trainer, starting from the notebook's network (2 x " + NOTEBOOK_WIDTH
                + ", t/T), a full batch, a constant learning rate, no clipping and no EMA; then name --optimizer too "
                + "(its sgd has momentum " + OptimizerChoice.SGD_MOMENTUM + ", not --momentum).").split(" "))));
        return String.join(System.lineSeparator(), lines);
    }

    /** {@code head} and the words, filled into lines of at most 79 characters; continuation lines indented by 4. */
    private static List<String> wrap(String head, List<String> words) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(head);
        for (String w : words) {
            if (line.length() > 4 && line.length() + 1 + w.length() > 79) {
                lines.add(line.toString());
                line = new StringBuilder(head.isEmpty() ? "" : "   ");
            }
            if (line.length() > 0) line.append(' ');
            line.append(w);
        }
        lines.add(line.toString());
        return lines;
    }

    /** Whether {@code s} is exactly the cosine schedule of its length. */
    private static boolean isCosine(NoiseSchedule s) {
        return Arrays.equals(s.betas(), NoiseSchedule.cosineBetaSchedule(s.T()).betas());
    }

    private static String embeddingFlag(TimeEmbedding e) {
        return e instanceof ScalarTimeEmbedding ? "scalar" : "sinusoidal:" + e.dimension();
    }

    private static String optimizerFlag(OptimizerChoice o) {
        return o == OptimizerChoice.MOMENTUM_SGD ? "sgd" : o.name().toLowerCase(Locale.ROOT);
    }

    /** "hidden 128" for the notebook's {@link Mlp}; "4 x 64 hidden, sinusoidal k=32" for a {@link DeepMlp}. */
    private static String network(EpsilonModel model) {
        if (model instanceof Mlp mlp) return "hidden " + mlp.hiddenDim();
        DeepMlp deep = (DeepMlp) model;
        return deep.hiddenLayers() + " x " + deep.width() + " hidden, " + deep.embedding();
    }

    private static String network(ModelChoice m) {
        return m.fullBatch() ? "hidden " + m.width() : m.hiddenLayers() + " x " + m.width() + " hidden, " + m.embedding();
    }

    /**
     * The training part of the header: steps, optimizer and its settings; {@code stepsPrefix} e.g.
     * "trained ". A batch of at least {@code trainingPoints} reads "full batch" (0: unknown, as for a
     * loaded checkpoint).
     */
    private static String describe(String network, Record config, String stepsPrefix, int trainingPoints) {
        if (config instanceof TrainConfig c) {
            return String.format(Locale.ROOT, "%s, %s%d steps, lr %s, momentum %s", network, stepsPrefix, c.steps(),
                    plain(c.lr()), plain(c.momentum()));
        }
        MiniBatchConfig c = (MiniBatchConfig) config;
        String optimizer = optimizerFlag(c.optimizer()) + (c.optimizer() == OptimizerChoice.MOMENTUM_SGD
                ? " (momentum " + plain(OptimizerChoice.SGD_MOMENTUM) + ")" : "");
        String decay = c.optimizer() == OptimizerChoice.ADAMW ? ", weight decay " + plain(c.weightDecay()) : "";
        String batch = trainingPoints > 0 && c.batchSize() >= trainingPoints ? "full batch" : "batch " + c.batchSize();
        return String.format(Locale.ROOT, "%s, %s%d steps, %s lr %s (%s)%s, %s, %s, %s", network, stepsPrefix, c.steps(),
                optimizer, plain(c.lr()), c.lrSchedule() == LearningRateSchedule.COSINE ? "cosine decay" : "constant", decay,
                batch, c.clipNorm() == MiniBatchConfig.NO_CLIPPING ? "no clipping" : "clip " + plain(c.clipNorm()),
                c.emaDecay() == MiniBatchConfig.NO_EMA ? "no ema" : "ema " + plain(c.emaDecay()));
    }

    /** The parsed choices, set by {@link #validate}. */
    private Recipe recipe;
    private Dataset dataset;
    private int nPoints;
    private ScheduleKind scheduleKind;
    private double linearStart, linearEnd;
    private SamplerKind sampler;
    private double[] clip;
    private ModelChoice choice;

    /** What validation hands to the run: the schedule and the loaded checkpoint if any. */
    record Setup(NoiseSchedule schedule, Checkpoint loaded) {}

    /** Checks every value before any work, naming the flag, so a typo costs no training time. */
    private Setup validate() {
        try {
            recipe = Recipe.byName(recipeName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--recipe " + recipeName + " is invalid: must be one of "
                    + Recipe.validNames());
        }
        RecipeDefaults defaults = defaultsOf(recipe);
        nPoints = points != null ? points : defaults.points();
        require(nPoints >= 2, "--points", nPoints, "must be >= 2");
        require(jitter >= 0 && Double.isFinite(jitter), "--jitter", jitter, "must be finite and >= 0");
        require(timesteps == null || timesteps >= 1, "--timesteps", timesteps, "must be >= 1");
        require(betaStart == null || (betaStart > 0 && betaStart < 1), "--beta-start", betaStart, "must lie in (0, 1)");
        require(betaEnd == null || (betaEnd > 0 && betaEnd < 1), "--beta-end", betaEnd, "must lie in (0, 1)");
        require(width == null || width >= 1, "--width (--hidden)", width, "must be >= 1");
        require(hiddenLayers == null || hiddenLayers >= 1, "--hidden-layers", hiddenLayers, "must be >= 1");
        require(steps == null || steps >= 1, "--steps", steps, "must be >= 1");
        require(lr == null || (lr > 0 && Double.isFinite(lr)), "--lr", lr, "must be finite and > 0");
        require(momentum == null || (momentum >= 0 && momentum < 1), "--momentum", momentum, "must lie in [0, 1)");
        require(weightDecay == null || (weightDecay >= 0 && Double.isFinite(weightDecay)), "--weight-decay", weightDecay,
                "must be finite and >= 0");
        // The floor compares two held-out samples of this size, and standardizing needs two points.
        require(samples >= 2, "--samples", samples, "must be >= 2");

        try {
            dataset = Dataset.byName(datasetName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--dataset " + datasetName + " is invalid: must be one of "
                    + Dataset.validNames());
        }
        requireOnlyWith("--jitter", dataset == Dataset.SPIRAL, "--dataset spiral");
        require(scheduleName == null || scheduleName.equals("linear") || scheduleName.equals("cosine"), "--schedule",
                scheduleName, "must be linear or cosine");
        sampler = defaults.sampler();
        if (samplerName != null) {
            sampler = null;
            for (SamplerKind k : SamplerKind.values()) {
                if (k.id.equals(samplerName)) sampler = k;
            }
            require(sampler != null, "--sampler", samplerName, "must be ddpm, posterior or ddim");
        }
        requireOnlyWith("--ddim-steps", sampler == SamplerKind.DDIM, "--sampler ddim");
        requireOnlyWith("--eta", sampler == SamplerKind.DDIM, "--sampler ddim");
        requireOnlyWith("--clip-x0", sampler != SamplerKind.DDPM, "--sampler posterior or ddim");
        require(eta == null || (eta >= 0 && eta <= 1), "--eta", eta, "must lie in [0, 1]");
        clip = clipRange == null ? null : parseClip(clipRange);

        NoiseSchedule schedule;
        Checkpoint loaded = null;
        if (loadCheckpoint != null) {
            List<String> fixed = new ArrayList<>(List.of("--timesteps", "--beta-start", "--beta-end", "--schedule", "--width",
                    "--steps", "--lr", "--momentum", "--save-checkpoint"));
            fixed.addAll(MINI_BATCH_FLAGS);
            for (String flag : fixed) {
                requireOnlyWith(flag, false, "training (the checkpoint fixes the model, its schedule and its config)");
            }
            try {
                loaded = Checkpoint.load(loadCheckpoint);
            } catch (IOException e) {
                throw new ParameterException(spec.commandLine(), "--load-checkpoint " + loadCheckpoint
                        + " cannot be used: " + e.getMessage());
            }
            schedule = loaded.schedule();
            scheduleKind = ScheduleKind.CHECKPOINT;
            linearStart = LINEAR_BETA_START;
            linearEnd = LINEAR_BETA_END;
        } else {
            schedule = resolveSchedule(defaults.schedule());
            choice = resolveModel(defaults.model());
        }
        int T = schedule.T();
        require(ddimSteps == null || (ddimSteps >= 1 && ddimSteps <= T), "--ddim-steps", ddimSteps,
                "must lie in [1, T = " + T + "]");
        return new Setup(schedule, loaded);
    }

    /**
     * The schedule from the flags, with the recipe's as default: its kind (linear or cosine), its T
     * and, for a linear one, its β range. A recipe schedule that is neither the cosine one nor the
     * notebook's linear one is used as it is, and then only --schedule may replace it.
     */
    private NoiseSchedule resolveSchedule(NoiseSchedule recipeSchedule) {
        ScheduleKind recipeKind = recipe == Recipe.NOTEBOOK ? ScheduleKind.LINEAR
                : isCosine(recipeSchedule) ? ScheduleKind.COSINE : ScheduleKind.RECIPE;
        scheduleKind = scheduleName == null ? recipeKind : scheduleName.equals("cosine") ? ScheduleKind.COSINE : ScheduleKind.LINEAR;
        // The cosine schedule has no beta range; silently ignoring one would hide a typo.
        requireOnlyWith("--beta-start", scheduleKind == ScheduleKind.LINEAR, "--schedule linear");
        requireOnlyWith("--beta-end", scheduleKind == ScheduleKind.LINEAR, "--schedule linear");
        requireOnlyWith("--timesteps", scheduleKind != ScheduleKind.RECIPE, "--schedule linear or cosine (the "
                + recipe.id() + " recipe's schedule is neither)");
        linearStart = betaStart != null ? betaStart : LINEAR_BETA_START;
        linearEnd = betaEnd != null ? betaEnd : LINEAR_BETA_END;
        int T = timesteps != null ? timesteps : recipeSchedule.T();
        try {
            return switch (scheduleKind) {
                case LINEAR -> NoiseSchedule.linearBetaSchedule(T, linearStart, linearEnd);
                case COSINE -> NoiseSchedule.cosineBetaSchedule(T);
                case RECIPE, CHECKPOINT -> recipeSchedule;
            };
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    /** The network and its training from the flags, with the recipe's as defaults (rules in the class comment). */
    private ModelChoice resolveModel(ModelChoice base) {
        String miniBatchFlag = null;
        for (String flag : MINI_BATCH_FLAGS) {
            if (miniBatchFlag == null && matched(flag)) miniBatchFlag = flag;
        }
        if (base.config() instanceof TrainConfig full) {
            if (miniBatchFlag == null) {
                return new ModelChoice(base.hiddenLayers(), width != null ? width : base.width(), base.embedding(),
                        new TrainConfig(steps != null ? steps : full.steps(), lr != null ? lr : full.lr(),
                                momentum != null ? momentum : full.momentum(), full.smoothing()));
            }
            if (!matched("--optimizer")) {
                throw new ParameterException(spec.commandLine(), given(miniBatchFlag) + " is invalid here without --optimizer: "
                        + "with --recipe " + recipe.id() + " it switches to the mini-batch trainer, whose optimizer must "
                        + "then be named (--optimizer sgd, adam or adamw; its sgd has momentum "
                        + OptimizerChoice.SGD_MOMENTUM + ", not --momentum)");
            }
            // The notebook's network on a full batch, with nothing the notebook does not do.
            base = new ModelChoice(base.hiddenLayers(), base.width(), base.embedding(), new MiniBatchConfig(full.steps(),
                    nPoints, OptimizerChoice.ADAM, full.lr(), LearningRateSchedule.CONSTANT, 0, MiniBatchConfig.NO_CLIPPING,
                    MiniBatchConfig.NO_EMA, full.smoothing()));
        }
        requireOnlyWith("--momentum", false, "full-batch training (--recipe notebook without " + String.join(", ",
                MINI_BATCH_FLAGS) + "); the mini-batch sgd has momentum " + OptimizerChoice.SGD_MOMENTUM);
        MiniBatchConfig c = (MiniBatchConfig) base.config();
        OptimizerChoice optimizer = c.optimizer();
        if (optimizerName != null) {
            optimizer = switch (optimizerName) {
                case "sgd" -> OptimizerChoice.MOMENTUM_SGD;
                case "adam" -> OptimizerChoice.ADAM;
                case "adamw" -> OptimizerChoice.ADAMW;
                default -> throw new ParameterException(spec.commandLine(), "--optimizer " + optimizerName
                        + " is invalid: must be sgd, adam or adamw");
            };
        }
        boolean sgd = optimizer == OptimizerChoice.MOMENTUM_SGD;
        LearningRateSchedule lrSchedule = sgd ? LearningRateSchedule.CONSTANT : c.lrSchedule();
        if (lrScheduleName != null) {
            require(lrScheduleName.equals("constant") || lrScheduleName.equals("cosine"), "--lr-schedule", lrScheduleName,
                    "must be constant or cosine");
            lrSchedule = lrScheduleName.equals("cosine") ? LearningRateSchedule.COSINE : LearningRateSchedule.CONSTANT;
            require(!(sgd && lrSchedule == LearningRateSchedule.COSINE), "--lr-schedule", lrScheduleName,
                    "must be constant with --optimizer sgd (momentum SGD's learning rate is fixed)");
        }
        requireOnlyWith("--weight-decay", optimizer == OptimizerChoice.ADAMW, "--optimizer adamw");
        double decay = optimizer != OptimizerChoice.ADAMW ? 0
                : weightDecay != null ? weightDecay
                : c.optimizer() == OptimizerChoice.ADAMW ? c.weightDecay() : Recipe.TRAINING.weightDecay();
        int batch = c.batchSize();
        if (batchSize != null) {
            batch = batchSize.equals("full") ? nPoints : parseInt(batchSize, "--batch-size", "must be an integer >= 1 or full");
            require(batch >= 1, "--batch-size", batchSize, "must be an integer >= 1 or full");
        }
        double clipValue = c.clipNorm();
        if (clipNorm != null) {
            clipValue = clipNorm.equals("off") ? MiniBatchConfig.NO_CLIPPING
                    : parseDouble(clipNorm, "--clip-norm", "must be a finite number > 0 or off");
            require(clipValue > 0 && (Double.isFinite(clipValue) || clipNorm.equals("off")), "--clip-norm", clipNorm,
                    "must be a finite number > 0 or off");
        }
        double emaDecay = c.emaDecay();
        if (ema != null) {
            emaDecay = ema.equals("off") ? MiniBatchConfig.NO_EMA : parseDouble(ema, "--ema", "must lie in (0, 1) or be off");
            require(ema.equals("off") || (emaDecay > 0 && emaDecay < 1), "--ema", ema, "must lie in (0, 1) or be off");
        }
        TimeEmbedding embedding = embeddingName != null ? parseEmbedding(embeddingName) : base.embedding();
        return new ModelChoice(hiddenLayers != null ? hiddenLayers : base.hiddenLayers(), width != null ? width : base.width(),
                embedding, new MiniBatchConfig(steps != null ? steps : c.steps(), batch, optimizer, lr != null ? lr : c.lr(),
                        lrSchedule, decay, clipValue, emaDecay, c.smoothing()));
    }

    /** "scalar", "sinusoidal" (k = {@link Recipe#EMBEDDING}) or "sinusoidal:K" with K even and ≥ 2. */
    private TimeEmbedding parseEmbedding(String value) {
        String range = "must be scalar, sinusoidal or sinusoidal:K with K even and >= 2 (e.g. sinusoidal:32)";
        if (value.equals("scalar")) return ScalarTimeEmbedding.INSTANCE;
        if (value.equals("sinusoidal")) return new SinusoidalTimeEmbedding(Recipe.EMBEDDING);
        int k = -1;
        if (value.startsWith("sinusoidal:")) {
            try {
                k = Integer.parseInt(value.substring("sinusoidal:".length()));
            } catch (NumberFormatException e) {
                k = -1;
            }
        }
        require(k >= 2 && k % 2 == 0, "--embedding", value, range);
        return new SinusoidalTimeEmbedding(k);
    }

    private int parseInt(String value, String flag, String range) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), flag + " " + value + " is invalid: " + range);
        }
    }

    private double parseDouble(String value, String flag, String range) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), flag + " " + value + " is invalid: " + range);
        }
    }

    private boolean matched(String flag) {
        return spec.commandLine().getParseResult().hasMatchedOption(flag);
    }

    /** The flag as given, with its value: "--ema 0.99". */
    private String given(String flag) {
        List<String> values = spec.commandLine().getParseResult().matchedOption(flag).stringValues();
        return values.isEmpty() ? flag : flag + " " + String.join(" ", values);
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
        if (!allowed && matched(flag)) {
            throw new ParameterException(spec.commandLine(), given(flag) + " is invalid here: it applies only to " + context);
        }
    }

    private void require(boolean ok, String flag, Object value, String range) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), flag + " " + value + " is invalid: " + range);
        }
    }
}
