package org.diffusionlab.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Side-by-side benchmark of the lab's training recipe: the Java fast trainer against the NumPy
 * reference ({@code bench/numpy_reference.py}, OpenBLAS with its default 2 threads and with 1) and
 * PyTorch when importable. Every run is a fresh process; the runs of a round are interleaved (and
 * their order rotated from round to round) so that load from other processes hits all of them,
 * and the ratios NumPy/Java are taken within each round. The Java run gets
 * {@code --add-modules jdk.incubator.vector}, so the fast trainer uses its Vector API kernel.
 *
 * <pre>
 * usage: TrainBench [--steps 8000] [--rounds 3] [--threads 2] [--numpy-threads 2,1] [--python python3] [--bench-dir bench]
 * </pre>
 * Exit status 2 on an unknown option or a bad value.
 */
@Command(name = "TrainBench", mixinStandardHelpOptions = true,
        description = "Time the lab's training recipe: the Java fast trainer against NumPy (and PyTorch), interleaved rounds.")
public final class TrainBench implements Callable<Integer> {

    /** What to print when no PyTorch is importable. */
    static final String TORCH_MISSING = "PyTorch skipped: 'import torch' failed for %s and /usr/bin/python3"
            + " (install a CPU build with 'pip install torch'; Debian's python3-torch 1.13 is far slower and no reference).";

    record Run(String name, List<String> command, Map<String, String> env, Map<String, String> unset) {}

    @Option(names = "--steps", paramLabel = "N", defaultValue = "8000", description = "Training steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--rounds", paramLabel = "R", defaultValue = "3", description = "Interleaved rounds (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--threads", paramLabel = "K", defaultValue = "2",
            description = "Threads of the Java and PyTorch runs (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--numpy-threads", paramLabel = "K,K", defaultValue = "2,1",
            description = "OpenBLAS thread counts, one NumPy run each (default: ${DEFAULT-VALUE}).")
    String numpyThreads;

    @Option(names = "--python", paramLabel = "CMD", defaultValue = "python3",
            description = "Python with NumPy (and PyTorch if importable) (default: ${DEFAULT-VALUE}).")
    String python;

    @Option(names = "--bench-dir", paramLabel = "DIR", defaultValue = "bench",
            description = "Folder holding numpy_reference.py (default: ${DEFAULT-VALUE}).")
    Path benchDir;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        // run.sh passes --bench-dir before the user's options: a second one wins, as before
        System.exit(new CommandLine(new TrainBench()).setOverwrittenOptionsAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        require(steps >= 1, "--steps", steps);
        require(rounds >= 1, "--rounds", rounds);
        require(threads >= 1, "--threads", threads);
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("java.class.path");
        Path script = benchDir.resolve("numpy_reference.py");
        // OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE may be set on this machine and slow OpenBLAS down:
        // unset for the NumPy runs only.
        Map<String, String> unsetBlas = Map.of("OPENBLAS_CORETYPE", "", "OPENBLAS_L2_SIZE", "");
        List<Run> runs = new ArrayList<>();
        runs.add(new Run("java-fast " + threads + "T", List.of(java, "-Xmx256m", "--add-modules", "jdk.incubator.vector", "-cp", classpath, TrainOnce.class.getName(),
                "--steps", "" + steps, "--threads", "" + threads), Map.of(), Map.of()));
        String steps$ = "" + steps;
        if (works(python, "import numpy")) {
            for (String k : numpyThreads.split(",")) {
                runs.add(new Run("numpy " + k.trim() + "T", List.of(python, script.toString(), "--steps", steps$),
                        Map.of("OPENBLAS_NUM_THREADS", k.trim()), unsetBlas));
            }
        } else {
            System.out.println("NumPy skipped: '" + python + " -c \"import numpy\"' failed (install python3 with numpy to compare).");
        }
        String torchPython = works(python, "import torch") ? python : works("/usr/bin/python3", "import torch") ? "/usr/bin/python3" : null;
        if (torchPython != null) {
            runs.add(new Run("torch " + threads + "T", List.of(torchPython, script.toString(), "--backend", "torch", "--steps", steps$,
                    "--threads", "" + threads), Map.of(), Map.of()));
        } else {
            System.out.println(TORCH_MISSING.formatted(python));
        }

        System.out.printf(Locale.ROOT, "recipe: 1500 points, T=100, MLP 3-128-128-2, %d full-batch steps, lr 2e-3, momentum 0.999; %d rounds%n",
                steps, rounds);
        System.out.println(machine());
        Map<String, List<Map<String, String>>> results = interleave(runs, rounds, (run, result) -> String.format(Locale.ROOT,
                "%-12s %8.3f s  %s", run.name(), Double.parseDouble(result.get("seconds")), result.getOrDefault("_line", "")));
        printTable(results, rounds, steps);
        return 0;
    }

    /**
     * Runs every run once per round, each as a fresh process, the order rotated by one each round (so load that
     * hits a round hits every backend), printing one line per run ({@code line}) between the load averages
     * before and after; returns each run's results in round order.
     */
    static Map<String, List<Map<String, String>>> interleave(List<Run> runs, int rounds,
                                                             java.util.function.BiFunction<Run, Map<String, String>, String> line)
            throws IOException, InterruptedException {
        System.out.println("load average before: " + loadAverage());
        Map<String, List<Map<String, String>>> results = new LinkedHashMap<>();
        for (Run run : runs) results.put(run.name(), new ArrayList<>());
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < runs.size(); j++) {
                Run run = runs.get((j + round) % runs.size());
                Map<String, String> result = execute(run);
                results.get(run.name()).add(result);
                System.out.printf(Locale.ROOT, "round %d  %s%n", round + 1, line.apply(run, result));
            }
        }
        System.out.println("load average after: " + loadAverage());
        return results;
    }

    private void require(boolean ok, String option, int value) {
        if (!ok) {
            throw new ParameterException(spec.commandLine(), option + " " + value + " is invalid: must be >= 1");
        }
    }

    private static void printTable(Map<String, List<Map<String, String>>> results, int rounds, int steps) {
        System.out.println();
        System.out.printf(Locale.ROOT, "%-12s | %-26s | %-9s | %-10s | %s%n", "backend", "ms/step min / median / max",
                "total s", "peak MB", "detail");
        System.out.println("-".repeat(100));
        for (var e : results.entrySet()) {
            double[] ms = e.getValue().stream().mapToDouble(r -> Double.parseDouble(r.get("ms_per_step"))).toArray();
            double[] total = e.getValue().stream().mapToDouble(r -> Double.parseDouble(r.get("seconds"))).toArray();
            Map<String, String> last = e.getValue().get(e.getValue().size() - 1);
            String memory = last.containsKey("peak_heap_mb")
                    ? String.format(Locale.ROOT, "heap %.0f", max(e.getValue(), "peak_heap_mb"))
                    : String.format(Locale.ROOT, "rss %.0f", max(e.getValue(), "peak_rss_mb"));
            String detail = last.containsKey("kernel") ? "OpenBLAS/cpu kernel " + last.get("kernel") + ", threads " + last.get("threads")
                    : String.format(Locale.ROOT, "rss %.0f MB, threads %s, %s", max(e.getValue(), "peak_rss_mb"), last.get("threads"),
                            last.get("row_kernel"));
            System.out.printf(Locale.ROOT, "%-12s | %7.3f / %7.3f / %7.3f | %9.2f | %-10s | %s%n", e.getKey(),
                    min(ms), median(ms), max(ms), median(total), memory, detail);
        }
        String javaName = results.keySet().iterator().next();
        List<Map<String, String>> javaRuns = results.get(javaName);
        System.out.println();
        System.out.println("ratio other/java within each round (>1: Java faster), min / median / max over " + rounds + " rounds:");
        double[] best = new double[rounds];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        boolean anyNumpy = false;
        for (var e : results.entrySet()) {
            if (e.getKey().equals(javaName)) continue;
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                double other = Double.parseDouble(e.getValue().get(r).get("seconds"));
                ratio[r] = other / Double.parseDouble(javaRuns.get(r).get("seconds"));
                if (e.getKey().startsWith("numpy")) {
                    best[r] = Math.min(best[r], ratio[r]);
                    anyNumpy = true;
                }
            }
            System.out.printf(Locale.ROOT, "  %-24s %6.2f / %6.2f / %6.2f%s%n", e.getKey() + " / " + javaName, min(ratio), median(ratio), max(ratio),
                    e.getKey().startsWith("torch") ? "   (goal: >= 4)" : "");
        }
        if (anyNumpy) {
            System.out.printf(Locale.ROOT, "  %-24s %6.2f / %6.2f / %6.2f   (goal: >= 2.5)%n", "best numpy / " + javaName, min(best), median(best), max(best));
        }
        System.out.println("ratio of process CPU seconds other/java (all threads, incl. JIT/GC and spin-waits; less sensitive to load):");
        for (var e : results.entrySet()) {
            if (e.getKey().equals(javaName)) continue;
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = Double.parseDouble(e.getValue().get(r).getOrDefault("process_cpu_seconds", "NaN"))
                        / Double.parseDouble(javaRuns.get(r).getOrDefault("process_cpu_seconds", "NaN"));
            }
            System.out.printf(Locale.ROOT, "  %-24s %6.2f / %6.2f / %6.2f%s%n", e.getKey() + " / " + javaName, min(ratio), median(ratio), max(ratio),
                    e.getKey().equals("numpy 1T") ? "   (goal: >= 1.5, i.e. Java CPU <= 0.67 x NumPy 1T's)" : "");
        }
        double javaTotal = median(javaRuns.stream().mapToDouble(r -> Double.parseDouble(r.get("seconds"))).toArray());
        double heap = max(javaRuns, "peak_heap_mb");
        System.out.printf(Locale.ROOT, "budgets: Java training %.1f s for %d steps (main job <= 60 s); peak heap %.0f MB (<= 256 MB, run with -Xmx256m)%n",
                javaTotal, steps, heap);
    }

    static Map<String, String> execute(Run run) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(run.command());
        run.unset().keySet().forEach(pb.environment()::remove);
        pb.environment().putAll(run.env());
        pb.redirectErrorStream(false);
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        String json = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElse(null);
        if (code != 0 || json == null) {
            throw new IllegalStateException(run.name() + " failed (exit " + code + "): " + out);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = Pattern.compile("\"(\\w+)\": (\"[^\"]*\"|[^,}]+)").matcher(json);
        while (m.find()) fields.put(m.group(1), m.group(2).replace("\"", "").trim());
        fields.put("_line", json);
        return fields;
    }

    /**
     * One line about the machine: CPU model (/proc/cpuinfo, with family/model and whether AVX-512 is
     * there), cores, JDK, and the row kernel the Java run uses (from a child JVM with the module).
     */
    static String machine() {
        String model = "unknown CPU", family = "?", number = "?";
        boolean avx512 = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String value = line.contains(":") ? line.substring(line.indexOf(':') + 1).trim() : "";
                if (line.startsWith("model name")) model = value;
                else if (line.startsWith("cpu family")) family = value;
                else if (line.startsWith("model\t") || line.startsWith("model ")) number = value;
                else if (line.startsWith("flags")) avx512 = value.contains("avx512f");
                if (line.isEmpty()) break;  // the first processor is enough
            }
        } catch (IOException e) {
            // not Linux
        }
        return String.format(Locale.ROOT, "machine: %s (family %s, model %s%s), %d cores; JDK %s %s; Java row kernel: %s",
                model, family, number, avx512 ? ", AVX-512" : ", no AVX-512", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"), javaKernel());
    }

    /** FloatKernels.describe() as a JVM with the Vector API module sees it. */
    private static String javaKernel() {
        try {
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                    KernelName.class.getName()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? out : "unknown";
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    static boolean works(String python, String code) {
        try {
            Process p = new ProcessBuilder(python, "-c", code).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim() + " (" + Runtime.getRuntime().availableProcessors() + " cores)";
        } catch (IOException e) {
            return "n/a";
        }
    }

    static double max(List<Map<String, String>> runs, String key) {
        return runs.stream().mapToDouble(r -> Double.parseDouble(r.getOrDefault(key, "NaN"))).max().orElse(Double.NaN);
    }

    static double min(double[] a) {
        return Arrays.stream(a).min().orElse(Double.NaN);
    }

    static double max(double[] a) {
        return Arrays.stream(a).max().orElse(Double.NaN);
    }

    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
