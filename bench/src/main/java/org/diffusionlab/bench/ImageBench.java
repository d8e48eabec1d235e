package org.diffusionlab.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One training step of the default digits U-Net: the Java fast path ({@link ImageStepOnce}) against
 * the same architecture, batch and optimizer in PyTorch (when importable) and in NumPy with im2col
 * ({@code bench/image_reference.py}, OpenBLAS on 1 and 2 threads). Fresh processes, interleaved
 * rounds with rotated order as in {@link TrainBench}; ms/step is each run's median over its timed
 * steps, and the ratios are taken within each round.
 *
 * <pre>
 * usage: ImageBench [--steps 60] [--rounds 3] [--threads 2] [--numpy-threads 1,2] [--python python3] [--bench-dir bench]
 * </pre>
 */
@Command(name = "ImageBench", mixinStandardHelpOptions = true,
        description = "Time one training step of the digits U-Net: Java fast path against PyTorch and NumPy (im2col), interleaved rounds.")
public final class ImageBench implements Callable<Integer> {

    @Option(names = "--steps", paramLabel = "N", defaultValue = "60", description = "Timed steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", paramLabel = "K", defaultValue = "2", description = "PyTorch threads (Java's convolutions use 2) (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--numpy-threads", paramLabel = "K,K", defaultValue = "1,2",
            description = "OpenBLAS thread counts, one NumPy run each (default: ${DEFAULT-VALUE}).")
    String numpyThreads;

    @Option(names = "--python", paramLabel = "CMD", defaultValue = "python3", description = "Python with NumPy (and PyTorch) (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--bench-dir", paramLabel = "DIR", defaultValue = "bench", description = "Folder holding image_reference.py (default: ${DEFAULT-VALUE}).")
    Path benchDir;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ImageBench()).setOverwrittenOptionsAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        for (int v : new int[] {steps, rounds, threads}) {
            if (v < 1) throw new ParameterException(spec.commandLine(), "--steps, --rounds and --threads must be >= 1 (got " + v + ")");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        String script = benchDir.resolve("image_reference.py").toString();
        String n = "" + steps;
        List<TrainBench.Run> runs = new ArrayList<>();
        runs.add(new TrainBench.Run("java-fast", List.of(java, "-Xmx256m", "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                ImageStepOnce.class.getName(), "--steps", n), Map.of(), Map.of()));
        Map<String, String> unsetBlas = Map.of("OPENBLAS_CORETYPE", "", "OPENBLAS_L2_SIZE", "");
        if (TrainBench.works(python, "import numpy")) {
            for (String k : numpyThreads.split(",")) {
                runs.add(new TrainBench.Run("numpy " + k.trim() + "T", List.of(python, script, "--backend", "numpy", "--steps", n),
                        Map.of("OPENBLAS_NUM_THREADS", k.trim()), unsetBlas));
            }
        } else {
            System.out.println("NumPy skipped: '" + python + " -c \"import numpy\"' failed.");
        }
        if (TrainBench.works(python, "import torch")) {
            runs.add(new TrainBench.Run("torch " + threads + "T", List.of(python, script, "--backend", "torch", "--steps", n,
                    "--threads", "" + threads), Map.of(), Map.of()));
        } else {
            System.out.println(TrainBench.TORCH_MISSING.formatted(python));
        }
        System.out.printf(Locale.ROOT, "step: digits U-Net (8x8, base 16, levels 1-2, 10 labels + none), batch 64, AdamW + clip + EMA; "
                + "median of %d timed steps per run, %d rounds%n", steps, rounds);
        System.out.println(TrainBench.machine());
        Map<String, List<Map<String, String>>> results = TrainBench.interleave(runs, rounds,
                (run, result) -> String.format(Locale.ROOT, "%-10s %s", run.name(), result.get("_line")));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-10s | %-26s | %-14s | %s%n", "backend", "ms/step min / median / max", "CPU ms/step", "detail");
        System.out.println("-".repeat(90));
        for (var e : results.entrySet()) {
            double[] ms = e.getValue().stream().mapToDouble(r -> Double.parseDouble(r.get("ms_per_step"))).toArray();
            double[] cpu = e.getValue().stream().mapToDouble(r -> 1000 * Double.parseDouble(r.get("process_cpu_seconds"))
                    / Double.parseDouble(r.get("steps"))).toArray();
            Map<String, String> last = e.getValue().get(e.getValue().size() - 1);
            String detail = "parameters " + last.get("parameters") + ", threads " + last.get("threads")
                    + (last.containsKey("kernel") ? ", kernel " + last.get("kernel") : ", FastConv2d, " + last.get("conv_products"));
            System.out.printf(Locale.ROOT, "%-10s | %7.2f / %7.2f / %7.2f | %14.2f | %s%n", e.getKey(), TrainBench.min(ms),
                    TrainBench.median(ms), TrainBench.max(ms), TrainBench.median(cpu), detail);
        }
        List<Map<String, String>> javaRuns = results.get("java-fast");
        System.out.println();
        System.out.println("ratio other/java of ms/step within each round (>1: Java faster), min / median / max; then of CPU ms/step:");
        for (var e : results.entrySet()) {
            if (e.getKey().equals("java-fast")) continue;
            double[] wall = new double[rounds], cpu = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                Map<String, String> o = e.getValue().get(r), j = javaRuns.get(r);
                wall[r] = Double.parseDouble(o.get("ms_per_step")) / Double.parseDouble(j.get("ms_per_step"));
                cpu[r] = (Double.parseDouble(o.get("process_cpu_seconds")) / Double.parseDouble(o.get("steps")))
                        / (Double.parseDouble(j.get("process_cpu_seconds")) / Double.parseDouble(j.get("steps")));
            }
            System.out.printf(Locale.ROOT, "  %-22s %5.2f / %5.2f / %5.2f    CPU %5.2f / %5.2f / %5.2f%s%n", e.getKey() + " / java-fast",
                    TrainBench.min(wall), TrainBench.median(wall), TrainBench.max(wall), TrainBench.min(cpu), TrainBench.median(cpu),
                    TrainBench.max(cpu), e.getKey().startsWith("torch") ? "   (goal: >= 1)" : "");
        }
        return 0;
    }
}
