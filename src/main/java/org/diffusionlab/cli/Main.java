package org.diffusionlab.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.random.RandomGenerator;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.plot.Figures;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.schedule.NoiseSchedule;
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
 * The whole spiral lab in one command: data → schedule → training → sampling → metrics → figures,
 * with the minimal lab's defaults (notebook 000). Prints the time of every phase and the sliced
 * Wasserstein distance of the samples beside its real-vs-real noise floor.
 *
 * <p>Exit status: 0 on success; 1 if training diverges (a non-finite loss or non-finite samples)
 * or a figure cannot be written; 2 for an unknown flag or a bad value (with the usage on stderr).
 */
@Command(name = "diffusion-lab", mixinStandardHelpOptions = true, sortOptions = false, sortSynopsis = false, version = "diffusion-lab 0.1.0",
        description = {
            "Runs the minimal DDPM lab on a 2-D spiral end to end: makes the data,",
            "trains the noise predictor, samples, measures, and writes every figure",
            "as PNG into --out. Defaults are the minimal lab's (notebook 000)."
        })
public final class Main implements Callable<Integer> {

    /** Smoothing of the loss curve, as in the lab (independent of --momentum here). */
    static final double LOSS_SMOOTHING = 0.999;

    @Spec
    CommandSpec spec;

    @Option(names = "--points", defaultValue = "1500", paramLabel = "N",
            description = "Spiral points to train on, >= 2 (default: ${DEFAULT-VALUE}).")
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
    record Trained(EpsilonModel model, double[] smoothedLoss) {}

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

    @Override
    public Integer call() throws IOException {
        validate();
        NoiseSchedule schedule;
        TrainConfig config;
        try {
            schedule = NoiseSchedule.linearBetaSchedule(timesteps, betaStart, betaEnd);
            config = new TrainConfig(steps, lr, momentum, LOSS_SMOOTHING);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--out " + outDir + " cannot be created: " + e);
        }

        // One independent stream per use, split in a fixed order, so that e.g. --steps does not
        // change the data, the initial weights or the floor.
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom dataRng = root.split(), initRng = root.split(), trainRng = root.split(),
                sampleRng = root.split(), floorRngA = root.split(), floorRngB = root.split(),
                noiseRng = root.split(), figureRng = root.split();

        out.printf(Locale.ROOT, "diffusion-lab: %d points (jitter %s), T = %d, beta %s -> %s, hidden %d, "
                        + "%d steps, lr %s, momentum %s, %d samples, seed %d%n",
                points, plain(jitter), timesteps, plain(betaStart), plain(betaEnd), hidden, steps, plain(lr),
                plain(momentum), samples, seed);
        double abT = schedule.terminalAlphaBar();
        out.printf(Locale.ROOT, "alpha_bar_T = %.4f: x_T = %.3f*x0 + %.3f*eps%n", abT, Math.sqrt(abT), Math.sqrt(1 - abT));
        schedule.terminalWarning().ifPresent(out::println);

        long start = System.nanoTime();
        long t0 = start;
        SimpleMatrix data = Datasets.makeSpiral(points, jitter, dataRng);
        t0 = phase("data", t0, String.format(Locale.ROOT, "%d spiral points", points));

        Trained trained;
        try (TrainingProgress progress = TrainingProgress.start(steps, out, interactive)) {
            trained = train(data, schedule, hidden, config, initRng, trainRng, progress);
        }
        double[] loss = trained.smoothedLoss();
        t0 = phase("train", t0, String.format(Locale.ROOT, "%d steps, smoothed loss %.4g -> %.4g",
                steps, loss[0], loss[loss.length - 1]));
        // Noise moves the smoothed loss a little either way; a diverging run grows by orders of magnitude.
        if (loss[loss.length - 1] > 2 * loss[0]) {
            out.printf(Locale.ROOT, "WARNING: the loss more than doubled; training is probably diverging (try a smaller --lr "
                    + "than %s).%n", plain(lr));
        }

        TreeSet<Integer> snapshotTs = new TreeSet<>(Figures.forwardTimes(timesteps));
        snapshotTs.add(0);
        DdpmSampler.SampleResult result = DdpmSampler.pSampleLoop(trained.model(), samples, schedule, sampleRng, snapshotTs);
        SimpleMatrix generated = result.samples();
        t0 = phase("sample", t0, String.format(Locale.ROOT, "%d samples over %d reverse steps", samples, timesteps));
        if (!allFinite(generated)) {
            // A loss can blow up to 1e100 and stay finite; the samples then overflow.
            spec.commandLine().getErr().printf(Locale.ROOT, "error: some samples are NaN or infinite: training went "
                    + "wrong (final smoothed loss %.4g). Try a smaller learning rate (--lr %s now).%n",
                    loss[loss.length - 1], plain(lr));
            spec.commandLine().getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        }

        double sw = Wasserstein.sliced(generated, data);
        double floor = Wasserstein.sliced(Datasets.makeSpiral(points, jitter, floorRngA),
                Datasets.makeSpiral(samples, jitter, floorRngB));
        double noise = Wasserstein.sliced(ForwardProcess.gaussian(samples, 2, noiseRng), data);
        Wasserstein.Floor metric = new Wasserstein.Floor(sw, floor);
        t0 = phase("metrics", t0, "sliced W1, " + Wasserstein.DEFAULT_DIRECTIONS + " directions");

        SortedMap<Integer, SimpleMatrix> forward = new TreeMap<>();
        for (int t : Figures.forwardTimes(timesteps)) {
            forward.put(t, ForwardProcess.qSample(data, t, schedule, figureRng).xt());
        }
        String caption = String.format(Locale.ROOT, "SW %.3f (floor %.3f)", sw, floor);
        List<Path> figures = new ArrayList<>();
        figures.add(Figures.dataset(data, outDir.resolve("1-dataset.png")));
        figures.add(Figures.schedule(schedule, outDir.resolve("2-schedule.png")));
        figures.add(Figures.forwardProcess(forward, schedule, outDir.resolve("3-forward.png")));
        figures.add(Figures.lossCurve(loss, outDir.resolve("4-loss.png")));
        figures.add(Figures.reverseSnapshots(result.snapshots(), data, outDir.resolve("5-reverse.png")));
        figures.add(Figures.realVsGenerated(data, generated, caption, outDir.resolve("6-real-vs-generated.png")));
        phase("plots", t0, figures.size() + " figures in " + outDir);
        for (Path figure : figures) out.println("  " + figure);

        out.printf(Locale.ROOT, "total   %7.2f s%n", (System.nanoTime() - start) / 1e9);
        out.printf(Locale.ROOT, "sliced W1 to the data: generated %.4g, real-vs-real floor %.4g (ratio %.3g), "
                + "N(0, I) %.4g%n", metric.value(), metric.floor(), metric.ratio(), noise);
        return CommandLine.ExitCode.OK;
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

    /** Checks every value before any work, naming the flag, so a typo costs no training time. */
    private void validate() {
        require(points >= 2, "--points", points, "must be >= 2");
        require(jitter >= 0 && Double.isFinite(jitter), "--jitter", jitter, "must be finite and >= 0");
        require(timesteps >= 1, "--timesteps", timesteps, "must be >= 1");
        require(betaStart > 0 && betaStart < 1, "--beta-start", betaStart, "must lie in (0, 1)");
        require(betaEnd > 0 && betaEnd < 1, "--beta-end", betaEnd, "must lie in (0, 1)");
        require(hidden >= 1, "--hidden", hidden, "must be >= 1");
        require(steps >= 1, "--steps", steps, "must be >= 1");
        require(lr > 0 && Double.isFinite(lr), "--lr", lr, "must be finite and > 0");
        require(momentum >= 0 && momentum < 1, "--momentum", momentum, "must lie in [0, 1)");
        // The floor compares against a fresh spiral of this size, and standardizing needs two points.
        require(samples >= 2, "--samples", samples, "must be >= 2");
    }

    private void require(boolean ok, String flag, Object value, String range) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), flag + " " + value + " is invalid: " + range);
        }
    }
}
