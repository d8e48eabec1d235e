package org.diffusionlab.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.TrainConfig;
import org.diffusionlab.train.Trainer;
import org.diffusionlab.train.TrainingMonitor;
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
 * One training run of the lab's recipe in this JVM, timed; prints one JSON line like
 * {@code numpy_reference.py}. Usage: {@code TrainOnce [--steps N] [--threads K] [--trainer fast|reference]
 * [--seed S] [--progress EVERY]}; exit status 2 on an unknown option or a bad value.
 */
@Command(name = "TrainOnce", mixinStandardHelpOptions = true,
        description = "One timed training run of the lab's recipe; prints one JSON line.")
public final class TrainOnce implements Callable<Integer> {

    @Option(names = "--steps", paramLabel = "N", defaultValue = "8000", description = "Training steps, >= 1 (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--threads", paramLabel = "K",
            description = "Threads of the fast trainer, >= 1 (default: FastTrainer.defaultThreads(), here ${DEFAULT-VALUE}).")
    int threads = FastTrainer.defaultThreads();

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of data, init and training (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--trainer", paramLabel = "KIND", defaultValue = "fast",
            description = "fast (FastTrainer) or reference (the EJML Trainer) (default: ${DEFAULT-VALUE}).")
    String trainer;

    @Option(names = "--progress", paramLabel = "EVERY", defaultValue = "0",
            description = "Print ms/step to stderr every EVERY steps; 0 = never (default: ${DEFAULT-VALUE}).")
    int progress;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainOnce()).execute(args));
    }

    @Override
    public Integer call() {
        require(steps >= 1, "--steps", steps, "must be >= 1");
        require(threads >= 1, "--threads", threads, "must be >= 1");
        require(progress >= 0, "--progress", progress, "must be >= 0");
        require(trainer.equals("fast") || trainer.equals("reference"), "--trainer", trainer, "must be fast or reference");
        SplittableRandom rng = new SplittableRandom(seed);
        SimpleMatrix data = Datasets.makeSpiral(1500, 0.02, rng);
        NoiseSchedule schedule = NoiseSchedule.linearBetaSchedule(100, 1e-4, 5e-3);
        Mlp mlp = Mlp.init(128, rng);
        TrainConfig config = TrainConfig.notebook().withSteps(steps);
        var threadsBean = ManagementFactory.getThreadMXBean();
        TrainingMonitor monitor = TrainingMonitor.NONE;
        if (progress > 0) {
            int every = progress;
            long[] last = {System.nanoTime(), threadsBean.getCurrentThreadCpuTime()};
            monitor = (step, loss, smoothed) -> {
                if (step % every == 0) {
                    long now = System.nanoTime(), cpu = threadsBean.getCurrentThreadCpuTime();
                    System.err.printf(Locale.ROOT, "step %d: %.3f ms/step wall, %.3f ms/step main-thread cpu, smoothed loss %.4f%n",
                            step, (now - last[0]) / 1e6 / every, (cpu - last[1]) / 1e6 / every, smoothed);
                    last[0] = now;
                    last[1] = cpu;
                }
            };
        }
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = threadsBean.getCurrentThreadCpuTime(), processCpuStart = os.getProcessCpuTime();
        long start = System.nanoTime();
        double[] losses = trainer.equals("fast")
                ? FastTrainer.train(mlp, data, schedule, config, rng, monitor, threads)
                : Trainer.train(mlp, data, schedule, config, rng, monitor);
        double seconds = (System.nanoTime() - start) / 1e9;
        double mainCpuSeconds = (threadsBean.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        double processCpuSeconds = (os.getProcessCpuTime() - processCpuStart) / 1e9;
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) peakHeap += pool.getPeakUsage().getUsed();
        }
        System.out.println(String.format(Locale.ROOT,
                "{\"backend\": \"java-%s\", \"steps\": %d, \"seconds\": %.4f, \"ms_per_step\": %.4f, \"main_thread_cpu_seconds\": %.4f, \"process_cpu_seconds\": %.4f, "
                        + "\"peak_heap_mb\": %.1f, \"peak_rss_mb\": %.1f, \"threads\": %d, \"row_kernel\": \"%s\", \"final_smoothed_loss\": %.6f}",
                trainer, steps, seconds, 1000 * seconds / steps, mainCpuSeconds, processCpuSeconds, peakHeap / 1048576.0, peakRssMb(), threads,
                trainer.equals("fast") ? FloatKernels.describe() : "EJML reference", losses[losses.length - 1]));
        return 0;
    }

    private void require(boolean ok, String option, Object value, String rule) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), option + " " + value + " is invalid: " + rule);
        }
    }

    /** VmHWM of /proc/self/status (Linux), or -1. */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            // not Linux: no RSS figure
        }
        return -1;
    }
}
