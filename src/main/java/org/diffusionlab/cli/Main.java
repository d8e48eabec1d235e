package org.diffusionlab.cli;

import static org.diffusionlab.cli.RecipeText.describe;
import static org.diffusionlab.cli.RecipeText.network;
import static org.diffusionlab.cli.RecipeText.plain;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import org.diffusionlab.cli.Choices.ModelChoice;
import org.diffusionlab.cli.Choices.SamplerKind;
import org.diffusionlab.cli.Choices.ScheduleKind;
import org.diffusionlab.cli.MetricTable.Floored;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.data.TrainingData;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.metrics.DistributionMetrics;
import org.diffusionlab.metrics.HeldOutPairs;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.model.Mlp;
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
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.OptimizerChoice;
import org.diffusionlab.train.TrainConfig;
import org.diffusionlab.train.TrainingDivergedException;
import org.diffusionlab.train.TrainingMonitor;
import org.diffusionlab.train.fast.FastEpsilonModel;
import org.diffusionlab.train.fast.FastTrainer;
import org.diffusionlab.train.fast.FloatKernels;
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
 * of every phase and each metric beside its real-vs-real floor ({@link MetricTable}).
 *
 * <p>This class declares the flags and runs the phases in order; {@link Choices} checks the flags
 * and resolves them against the recipe's defaults ({@link RecipeDefaults}), {@link RecipeText}
 * writes the recipes and networks in words. Besides data, schedule, network, training and sampler,
 * the flags ask for extras: GIFs, three more figures, saving a checkpoint after training, or
 * loading one instead of training. Without flags the run and its six figures are those of the
 * minimal lab.
 *
 * <p>Exit status: 0 on success; 1 if training diverges (a non-finite or exploding loss, or samples
 * that blow up after a loss that grew) or a figure or checkpoint cannot be written; 2 for an
 * unknown flag, a bad value, a flag that does not apply, a run too large for the heap, an
 * unwritable or unreadable path (with the usage on stderr); {@value #EXIT_NUMERICAL} when sampling
 * or the metrics give NaN, infinite or exploded numbers although training went well (the message
 * names where and the likely cause).
 */
@Command(name = "diffusion-lab", mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false, version = "diffusion-lab 0.1.0",
        description = {
            "Runs a DDPM on a 2-D toy dataset end to end: makes the data, trains the",
            "noise predictor (or loads a checkpoint), samples, measures each metric",
            "beside its real-vs-real floor, and writes every figure as PNG into --out.",
            "Defaults are the minimal lab's (notebook 000): spiral, linear schedule, ddpm.",
            "--dataset digits (or fashion-mnist) runs the image recipe instead: a U-Net,",
            "a 10x10 sample grid and metrics.json (docs/images.md)."
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
            description = "Gaussian jitter of the spiral before standardizing, in [0, 1e6] (default: ${DEFAULT-VALUE}).")
    double jitter;

    @Option(names = "--timesteps", paramLabel = "T",
            description = "Diffusion steps T, >= 1 (recipe).")
    Integer timesteps;

    @Option(names = "--beta-start", paramLabel = "B",
            description = "beta_1 of the linear schedule, in [1e-12, 0.999] (recipe, else 1e-4).")
    Double betaStart;

    @Option(names = "--beta-end", paramLabel = "B",
            description = "beta_T of the linear schedule, in [1e-12, 0.999] (recipe, else 5e-3).")
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
            description = "Toy dataset: spiral, two_gaussians, moons, circles, swiss_roll, checkerboard (default: ${DEFAULT-VALUE}). --jitter applies to spiral only. "
                    + "Images: digits (8x8, shipped) or fashion-mnist (--data-dir) run the image recipe (U-Net; see docs/images.md).")
    String datasetName;

    @Option(names = "--label", paramLabel = "N",
            description = "Images only: generate every sample with label N in 0..9 (default: label floor(i/10) mod 10, one grid row per label).")
    Integer label;

    @Option(names = "--guidance", paramLabel = "W",
            description = "Images only: classifier-free guidance weight w >= 0 in f_none + w*(f_label - f_none); 1 = plain conditional, 0 = unconditional (default: 2).")
    Double guidance;

    @Option(names = "--prediction", paramLabel = "KIND",
            description = "Images only: what the U-Net learns to output: eps (default), x0 or v.")
    String prediction;

    @Option(names = "--timestep-spacing", paramLabel = "KIND[:OFFSET]",
            description = "Images only, with --sampler ddim: which --ddim-steps of the T steps to visit: trailing (default), leading[:OFFSET] or linspace (diffusers' timestep_spacing; docs/images.md).")
    String timestepSpacing;

    @Option(names = "--downscale", paramLabel = "F",
            description = "Images only: average F x F pixel blocks before training (default: 2 for fashion-mnist, 28 -> 14; 1 for digits).")
    Integer downscale;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Images only: folder with Fashion-MNIST's IDX files (default: /usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist).")
    Path dataDir;

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
            description = "After training, save the model, schedule, training config and training data (dataset, "
                    + "jitter, points) to FILE.")
    Path saveCheckpoint;

    @Option(names = "--load-checkpoint", paramLabel = "FILE",
            description = "Sample from the model saved in FILE instead of training, measured against the dataset "
                    + "(and jitter) it was trained on unless --dataset (--jitter) is given; the training and schedule "
                    + "flags are then rejected.")
    Path loadCheckpoint;

    @Option(names = "--gif",
            description = "Also write forward.gif and reverse.gif (animated scatter plots; for images, animated grids) into --out.")
    boolean gif;

    @Option(names = "--all-figures",
            description = "Also write 7-schedules.png (linear vs cosine: beta, alpha_bar, SNR), 8-marginals.png and "
                    + "9-summary.png. --schedule cosine writes 7-schedules.png in any case.")
    boolean allFigures;

    @Option(names = "--out", defaultValue = "outputs", paramLabel = "DIR",
            description = "Directory for the figures, created if missing and checked writable before any work "
                    + "(default: ${DEFAULT-VALUE}).")
    Path outDir;

    private final PrintStream out;
    private final boolean interactive;

    /** The flags checked and resolved, set first thing in {@link #call}. */
    private Choices choices;

    private Main(PrintStream out, boolean interactive) {
        this.out = out;
        this.interactive = interactive;
    }

    /** Runs the CLI; in a child JVM with the Vector API module when {@link VectorRelaunch#wanted()}. */
    public static void main(String[] args) {
        if (VectorRelaunch.wanted()) {
            int status = VectorRelaunch.run(Main.class, args);
            if (status >= 0) System.exit(status);
        }
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Parses {@code args} and runs the lab, writing the report to {@code out} and errors to
     * {@code err}. The progress bar is drawn in place only when {@code out} is the terminal.
     *
     * @return the exit status (0, 1, 2 or 3, see the class comment)
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        boolean interactive = out == System.out && System.console() != null;
        CommandLine cmd = new CommandLine(new Main(out, interactive));
        cmd.getCommandSpec().usageMessage().footer(RecipeText.recipeFooter());
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        cmd.setParameterExceptionHandler((ex, badArgs) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("error: " + typeError(ex));
            c.usage(c.getErr());
            c.getErr().flush();
            return CommandLine.ExitCode.USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parseResult) -> {
            if (ex instanceof TrainingDivergedException || ex instanceof IOException) {
                c.getErr().println("error: " + (ex instanceof IOException io ? "cannot write: " + PathChecks.reason(io)
                        : ex.getMessage()));
                c.getErr().flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
            throw ex;
        });
        return cmd.execute(args);
    }

    /**
     * picocli's message, with a type error made clearer: it names every name of the option (it
     * reports "--hidden" for a bad "--width") and says what an int flag accepts ("2e9" is no int).
     */
    private static String typeError(ParameterException ex) {
        String msg = ex.getMessage();
        if (ex.getArgSpec() instanceof CommandLine.Model.OptionSpec o && msg.startsWith("Invalid value for option")) {
            if (o.names().length > 1) msg = msg.replace("'" + o.longestName() + "'", "'" + String.join("' / '", o.names()) + "'");
            if (o.type() == Integer.class || o.type() == int.class) {
                msg += " (a whole number from -2147483648 to 2147483647, written out: 2000000000, not 2e9)";
            }
        }
        return msg;
    }

    /** What training hands to sampling: the trained model ({@link Mlp} or {@link DeepMlp}) and its smoothed loss curve. */
    record Trained(EpsilonModel model, double[] smoothedLoss) {}

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

    @Override
    public Integer call() throws IOException {
        if (ImageJob.isImageDataset(datasetName)) {
            return new ImageJob(this, out).run();
        }
        for (String flag : ImageJob.IMAGE_ONLY_FLAGS) {
            if (spec.commandLine().getParseResult().hasMatchedOption(flag)) {
                throw new ParameterException(spec.commandLine(), flag + " applies only to --dataset digits or fashion-mnist");
            }
        }
        choices = Choices.of(this);
        NoiseSchedule schedule = choices.schedule;
        int T = schedule.T();
        // Every path before any work: a read-only folder must not cost a training run.
        PathChecks.outputFolder(spec.commandLine(), "--out", outDir);
        if (saveCheckpoint != null) PathChecks.fileToWrite(spec.commandLine(), "--save-checkpoint", saveCheckpoint);

        // One independent stream per use, split in a fixed order, so that e.g. --steps does not
        // change the data, the initial weights or the floor. New streams go at the end.
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom dataRng = root.split(), initRng = root.split(), trainRng = root.split(),
                sampleRng = root.split(), heldOutRng = root.split(), shuffleRng = root.split(),
                noiseRng = root.split(), figureRng = root.split(), gifRng = root.split();

        // A dataset taken from a loaded checkpoint is named, even the spiral, and said to come from there.
        String source = choices.dataSource;
        String dataPart = choices.dataset == Dataset.SPIRAL
                ? String.format(Locale.ROOT, "%d %spoints (jitter %s%s)", choices.nPoints, source == null ? "" : "spiral ",
                        plain(choices.jitter), source == null ? "" : "; " + source)
                : String.format(Locale.ROOT, "%d %s points%s", choices.nPoints, choices.dataset.id(),
                        source == null ? "" : " (" + source + ")");
        String schedulePart = choices.scheduleKind == ScheduleKind.CHECKPOINT ? "schedule from the checkpoint"
                : choices.scheduleKind == ScheduleKind.COSINE ? "cosine schedule"
                : choices.scheduleKind == ScheduleKind.LINEAR
                        ? "beta " + plain(choices.linearStart) + " -> " + plain(choices.linearEnd)
                : "the " + choices.recipe.id() + " recipe's schedule";
        String trainPart;
        if (choices.loaded == null) {
            trainPart = (choices.recipe == Recipe.NOTEBOOK && choices.modelChoice.fullBatch() ? ""
                    : "recipe " + choices.recipe.id() + ", ")
                    + describe(network(choices.modelChoice), choices.modelChoice.config(), "", choices.nPoints);
        } else {
            trainPart = "model from " + loadCheckpoint + " (" + describe(network(choices.loaded.model()),
                    choices.loaded.config(), "trained ", 0) + ")";
        }
        out.printf(Locale.ROOT, "diffusion-lab: %s, T = %d, %s, %s, %d samples, seed %d%n",
                dataPart, T, schedulePart, trainPart, samples, seed);
        if (choices.dataNote != null) out.println(choices.dataNote);
        out.println("sampler: " + samplerDescription(T));
        double abT = schedule.terminalAlphaBar();
        out.printf(Locale.ROOT, "alpha_bar_T = %.4f: x_T = %.3f*x0 + %.3f*eps%n", abT, Math.sqrt(abT), Math.sqrt(1 - abT));
        schedule.terminalWarning().ifPresent(out::println);

        long start = System.nanoTime();
        long t0 = start;
        SimpleMatrix data = draw(choices.nPoints, dataRng);
        t0 = phase("data", t0, String.format(Locale.ROOT, "%d %s points", choices.nPoints, choices.dataset.id()));

        EpsilonModel model;
        double[] loss;
        if (choices.loaded == null) {
            Trained trained;
            try (TrainingProgress progress = TrainingProgress.start(choices.modelChoice.steps(), out, interactive)) {
                trained = train(data, schedule, choices.modelChoice, initRng, trainRng, progress);
            }
            model = trained.model();
            loss = trained.smoothedLoss();
            t0 = phase("train", t0, String.format(Locale.ROOT, "%d steps, smoothed loss %.4g -> %.4g%s",
                    choices.modelChoice.steps(), loss[0], loss[loss.length - 1],
                    choices.modelChoice.config() instanceof TrainConfig ? " (" + FloatKernels.describe() + ")" : ""));
            // Noise moves the smoothed loss a little either way; a diverging run grows by orders of magnitude.
            if (loss[loss.length - 1] > 2 * loss[0]) {
                out.printf(Locale.ROOT, "WARNING: the loss more than doubled; training is probably diverging (try a smaller --lr "
                        + "than %s).%n", plain(choices.modelChoice.lr()));
            }
            if (saveCheckpoint != null) {
                new Checkpoint(model, schedule, choices.modelChoice.config(),
                        new TrainingData(choices.dataset, choices.jitter, choices.nPoints)).save(saveCheckpoint);
                t0 = phase("save", t0, "checkpoint " + saveCheckpoint);
            }
        } else {
            model = choices.loaded.model();
            loss = new double[0];
            t0 = phase("load", t0, "checkpoint " + loadCheckpoint + ", no training");
        }

        Trajectory trajectory = sample(model, schedule, sampleRng);
        SimpleMatrix generated = trajectory.samples();
        t0 = phase("sample", t0, String.format(Locale.ROOT, "%d samples over %d reverse steps (%s)",
                samples, trajectory.timesteps().size() - 1, choices.sampler.id));
        // Non-finite or exploded samples: no metric of them means anything, so stop with the likely cause.
        double limit = MetricTable.EXPLODED * data.elementMaxAbs();
        int bad = firstBadStep(trajectory, limit);
        if (bad >= 0) {
            boolean finite = allFinite(generated);
            return numericalTrouble(String.format(Locale.ROOT, "sampling: the samples %s in the reverse step to t = %d (of T = %d, "
                    + "%s sampler)", finite ? "exploded beyond " + plain(MetricTable.EXPLODED) + " times the data's reach"
                    : "became NaN or infinite", bad, T, choices.sampler.id), schedule, loss);
        }

        int far = MetricTable.farOutside(generated, data);
        if (far > 0) {
            // A few exploded samples dominate every distance (and squeeze the histograms into one bin).
            out.printf(Locale.ROOT, "WARNING: %d of %d samples lie more than %s times as far from 0 as any data point; "
                    + "the metrics below are dominated by them. A tiny alpha_bar_T (cosine) amplifies the model's error "
                    + "at t = T: try --sampler posterior --clip-x0 -3,3, or more --steps.%n", far, samples,
                    plain(MetricTable.FAR));
        }
        HeldOutPairs real = MetricTable.heldOut(choices.dataset, choices.jitter, samples, heldOutRng, shuffleRng);
        MetricTable metrics = MetricTable.of(generated, real);
        Floored sw = metrics.slicedW1(), w1 = metrics.w1(), overlap = metrics.overlap();
        double noise = Wasserstein.sliced(ForwardProcess.gaussian(samples, 2, noiseRng), real.a(0));
        String badMetric = metrics.firstNonFinite();
        if (badMetric != null || !Double.isFinite(noise)) {
            return numericalTrouble("the metrics: " + (badMetric != null ? badMetric : "sliced W1 of N(0, I) = " + noise),
                    schedule, loss);
        }
        List<String> metricLines = metrics.lines();
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
        boolean cosine = choices.scheduleKind == ScheduleKind.COSINE;
        if ((cosine || allFigures) && T >= 2) {
            Map<String, NoiseSchedule> compared = new LinkedHashMap<>();
            if (choices.loaded != null) compared.put("checkpoint", schedule);
            if (choices.scheduleKind == ScheduleKind.RECIPE) compared.put(choices.recipe.id() + " recipe", schedule);
            compared.put("linear " + plain(choices.linearStart) + " -> " + plain(choices.linearEnd),
                    NoiseSchedule.linearBetaSchedule(T, choices.linearStart, choices.linearEnd));
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
            String title = String.format(Locale.ROOT, "%s, %s, T = %d, %s sampler, seed %d", choices.dataset.id(),
                    choices.loaded != null ? "loaded model" : cosine ? "cosine schedule"
                            : choices.scheduleKind == ScheduleKind.LINEAR ? "linear schedule"
                            : choices.recipe.id() + " recipe's schedule",
                    T, choices.sampler.id, seed);
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

        double totalSeconds = (System.nanoTime() - start) / 1e9;
        writeMetricsJson(metrics, noise, totalSeconds);
        out.printf(Locale.ROOT, "total   %7.2f s%n", totalSeconds);
        for (String line : metricLines) out.println(line);
        out.printf(Locale.ROOT, "sliced W1 to the data: generated %.4g, real-vs-real floor %.4g (ratio %s), "
                + "N(0, I) %.4g%n", sw.value()[0], sw.floor()[0], MetricTable.ratio(sw.value()[0], sw.floor()[0]), noise);
        return CommandLine.ExitCode.OK;
    }

    /**
     * Exit status 3: the flags were valid and training (if any) did not diverge, but sampling or
     * the metrics produced numbers that cannot be trusted (NaN, infinite, or samples exploded far
     * beyond the data).
     */
    static final int EXIT_NUMERICAL = 3;

    /**
     * The largest timestep whose state holds a NaN, an infinity or a |value| above {@code limit}
     * (the blow-up starts there: the reverse process runs from T down to 0), or −1 if none does.
     */
    static int firstBadStep(Trajectory trajectory, double limit) {
        int bad = -1;
        for (int k = 0; k < trajectory.states().size(); k++) {
            double[] x = trajectory.states().get(k).getDDRM().data;
            for (double v : x) {
                if (!(Math.abs(v) <= limit)) {
                    bad = Math.max(bad, trajectory.timesteps().get(k));
                    break;
                }
            }
        }
        return bad;
    }

    /**
     * Says where the numbers went wrong and the likely cause, and returns the exit status: 1 when
     * the training loss grew (the learning rate), else {@value #EXIT_NUMERICAL} (the schedule when
     * ᾱ_T is tiny, since the reverse process multiplies the model's error at t = T by up to
     * 1/√ᾱ_T; otherwise the data's scale or the loaded model).
     */
    private int numericalTrouble(String where, NoiseSchedule schedule, double[] loss) {
        double abT = schedule.terminalAlphaBar();
        boolean lossGrew = loss.length > 0 && !(loss[loss.length - 1] <= 2 * loss[0]);
        String cause;
        if (lossGrew) {
            cause = String.format(Locale.ROOT, "the learning rate: the smoothed training loss grew from %.4g to %.4g, "
                    + "so training went wrong. Try a smaller --lr (%s now).", loss[0], loss[loss.length - 1],
                    plain(choices.modelChoice.lr()));
        } else if (abT < SMALL_ALPHA_BAR_T) {
            cause = String.format(Locale.ROOT, "the schedule: alpha_bar_T = %.3g, so the reverse process can multiply "
                    + "the model's error at t = T by up to 1/sqrt(alpha_bar_T) = %.3g (largest beta_t %.4g). %s",
                    abT, 1 / Math.sqrt(abT), maxBeta(schedule), choices.loaded != null
                            ? "Try --sampler posterior --clip-x0=-3,3."
                            : "Use a smaller --beta-end or fewer --timesteps (alpha_bar_T near 1e-3 is plenty), "
                                    + "more --steps, or --sampler posterior --clip-x0=-3,3.");
        } else if (choices.loaded != null) {
            cause = "the loaded model or the sampler settings (the schedule, alpha_bar_T = "
                    + String.format(Locale.ROOT, "%.3g", abT) + ", is harmless).";
        } else {
            cause = "the data's scale or an undertrained model (the schedule, alpha_bar_T = "
                    + String.format(Locale.ROOT, "%.3g", abT) + ", and the loss look harmless): try more --steps.";
        }
        spec.commandLine().getErr().println("error: numerical trouble in " + where + ". Likely cause: " + cause);
        spec.commandLine().getErr().flush();
        return lossGrew ? CommandLine.ExitCode.SOFTWARE : EXIT_NUMERICAL;
    }

    /** Below this ᾱ_T the amplification 1/√ᾱ_T of the model's error at t = T exceeds 1000. */
    static final double SMALL_ALPHA_BAR_T = 1e-6;

    private static double maxBeta(NoiseSchedule schedule) {
        double max = 0;
        for (double b : schedule.betas()) max = Math.max(max, b);
        return max;
    }

    /**
     * {@code metrics.json} in --out: the run's settings, every printed metric with its real-vs-real
     * floor (per axis where the metric is), the sliced W1 of N(0, I) and the total time, for
     * comparing runs by script (image runs write their own, {@link ImageJob}).
     */
    private void writeMetricsJson(MetricTable metrics, double noise, double totalSeconds) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("dataset", choices.dataset.id());
        json.put("seed", seed);
        json.put("samples", samples);
        json.put("timesteps", choices.schedule.T());
        json.put("sampler", choices.sampler.id);
        json.put("held_out_pairs", MetricTable.HELD_OUT_PAIRS);
        for (Floored m : List.of(metrics.slicedW1(), metrics.w1(), metrics.overlap(), metrics.energy())) {
            String key = m.name().replace(' ', '_').toLowerCase(Locale.ROOT);
            json.put(key, m.value().length == 1 ? m.value()[0] : m.value());
            json.put(key + "_floor", m.floor().length == 1 ? m.floor()[0] : m.floor());
        }
        json.put("sliced_w1_of_gaussian_noise", noise);
        json.put("total_seconds", totalSeconds);
        Files.writeString(outDir.resolve("metrics.json"), JsonText.of(json) + "\n");
    }

    /** Frames per GIF, about: enough to see the motion, small enough to write in a second. */
    static final int GIF_FRAMES = 40;
    static final int GIF_PIXELS = 360;
    static final int GIF_DELAY_MILLIS = 80;

    /** x_0 of the chosen dataset: the spiral with the chosen jitter, any other with its default parameters. */
    private SimpleMatrix draw(int n, RandomGenerator rng) {
        return draw(choices.dataset, choices.jitter, n, rng);
    }

    /** n points of {@code dataset}: the spiral with {@code jitter}, any other with its default parameters. */
    static SimpleMatrix draw(Dataset dataset, double jitter, int n, RandomGenerator rng) {
        return dataset == Dataset.SPIRAL ? Datasets.makeSpiral(n, jitter, rng) : dataset.sample(n, rng);
    }

    private String samplerDescription(int T) {
        double[] clip = choices.clip;
        String clipNote = clip == null ? "" : ", x0_hat clipped to [" + plain(clip[0]) + ", " + plain(clip[1]) + "]";
        return switch (choices.sampler) {
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
        return sample(choices.sampler, ddimSteps(schedule.T()), eta == null ? 0 : eta, choices.clip, model, samples,
                schedule, rng);
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
}
