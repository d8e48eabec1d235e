package org.diffusionlab.bench;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.data.Digits;
import org.diffusionlab.model.image.FastConv2d;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.ImageTrainConfig;
import org.diffusionlab.train.ImageTrainer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Training steps of the default digits model in this JVM, timed one by one; prints one JSON line
 * like {@code image_reference.py}. The step is the main job's ({@code --dataset digits}):
 * {@link UNet.Config#digits} with 10 labels, T = 100 cosine schedule, {@link ImageTrainConfig#digits}
 * (batch 64, AdamW, clipping, EMA, labels dropped 10 %), every convolution on
 * {@link FastConv2d} (its Vector API products when the JVM has the module). A step = draws, forward, loss, backward, clipping,
 * AdamW, EMA ({@link ImageTrainer}). The first {@code --warmup} steps (JIT) are not counted.
 */
@Command(name = "ImageStepOnce", mixinStandardHelpOptions = true,
        description = "Timed training steps of the default digits U-Net; prints one JSON line.")
public final class ImageStepOnce implements Callable<Integer> {

    @Option(names = "--steps", paramLabel = "N", defaultValue = "60", description = "Timed steps, >= 1 (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "40", description = "Untimed steps first, >= 0 (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--batch-size", paramLabel = "B", defaultValue = "64", description = "Images per step, >= 1 (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of init and draws (default: ${DEFAULT-VALUE}).")
    long seed;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ImageStepOnce()).execute(args));
    }

    @Override
    public Integer call() {
        if (steps < 1) throw new ParameterException(spec.commandLine(), "--steps " + steps + " is invalid: must be >= 1");
        if (warmup < 0) throw new ParameterException(spec.commandLine(), "--warmup " + warmup + " is invalid: must be >= 0");
        if (batch < 1) throw new ParameterException(spec.commandLine(), "--batch-size " + batch + " is invalid: must be >= 1");
        var all = Digits.train();
        // whole batches only: the trainer's epochs would end on a short batch (1442 = 22·64 + 34), a
        // cheaper step that the Python runs, which draw 64 images every step, never take
        if (batch > all.size()) {
            throw new ParameterException(spec.commandLine(), "--batch-size " + batch + " is invalid: must be <= " + all.size() + " (the training images)");
        }
        var data = all.first(all.size() - all.size() % batch);
        int T = 100;
        SplittableRandom rng = new SplittableRandom(seed);
        UNet net = new UNet(UNet.Config.digits(data.classes(), T), rng);
        net.useFastPath(true);
        ImageTrainConfig config = ImageTrainConfig.digits().withBatchSize(batch).withSteps(warmup + steps);
        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] wall = new long[warmup + steps + 1];
        long[] processCpu = new long[warmup + steps + 1];
        wall[0] = System.nanoTime();
        processCpu[0] = os.getProcessCpuTime();
        ImageTrainer trainer = new ImageTrainer(net, NoiseSchedule.cosineBetaSchedule(T), config);
        double[] loss = new double[1];
        trainer.train(data, rng, (step, l, smoothed) -> {
            wall[step] = System.nanoTime();
            processCpu[step] = os.getProcessCpuTime();
            loss[0] = smoothed;
        });
        double[] ms = new double[steps];
        for (int k = 0; k < steps; k++) ms[k] = (wall[warmup + k + 1] - wall[warmup + k]) / 1e6;
        Arrays.sort(ms);
        double seconds = (wall[warmup + steps] - wall[warmup]) / 1e9;
        double cpuSeconds = (processCpu[warmup + steps] - processCpu[warmup]) / 1e9;
        System.out.println(String.format(Locale.ROOT,
                "{\"backend\": \"java-fast\", \"steps\": %d, \"warmup\": %d, \"batch\": %d, \"ms_per_step\": %.3f, \"ms_per_step_min\": %.3f, "
                        + "\"seconds\": %.4f, \"process_cpu_seconds\": %.4f, \"parameters\": %d, \"threads\": %d, \"conv_products\": \"%s\", \"final_smoothed_loss\": %.6f}",
                steps, warmup, batch, ms[steps / 2], ms[0], seconds, cpuSeconds, net.parameterCount(),
                Math.min(2, Runtime.getRuntime().availableProcessors()), FastConv2d.describeProducts(), loss[0]));
        return 0;
    }
}
