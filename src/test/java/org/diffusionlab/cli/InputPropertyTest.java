package org.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.data.Sizes;
import org.diffusionlab.data.ToyDatasets;
import org.diffusionlab.data.TrainingData;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.DdimSampler;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.Checkpoint;
import org.diffusionlab.train.LearningRateSchedule;
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.OptimizerChoice;
import org.diffusionlab.train.TrainConfig;

/**
 * Random and extreme values at every flag of the command and at the library's public factories.
 * The command must answer each with a usage error (status 2) that names one of the flags given,
 * or a clean run: status 0 with only finite numbers printed, or status 1 (training diverged) or 3
 * (numerical trouble) with an "error:" line. Never a stack trace, a hang or a NaN/Infinity. A
 * factory must return or throw an {@link IllegalArgumentException} naming one of its parameters.
 *
 * <p>To keep this to seconds, the heap the size checks assume is lowered to {@value #HEAP_MB} MB
 * ({@link Sizes#MAX_HEAP_PROPERTY}), and size values are either tiny (a run of a few steps on a
 * few points) or extreme (≥ 1e8, which no run fits in that heap): a valid run of a million steps
 * is slow but not wrong, and is not what this test is about.
 */
@Label("Bad input: random and extreme values at every flag and public factory")
class InputPropertyTest {

    static final long HEAP_MB = 256;

    static Path dir;
    static String previousHeap;

    @BeforeContainer
    static void setUp() throws IOException {
        previousHeap = System.getProperty(Sizes.MAX_HEAP_PROPERTY);
        System.setProperty(Sizes.MAX_HEAP_PROPERTY, String.valueOf(HEAP_MB << 20));
        dir = Files.createTempDirectory("input-property");
        new Checkpoint(Mlp.init(4, new SplittableRandom(1)), NoiseSchedule.linearBetaSchedule(4, 1e-4, 0.02),
                TrainConfig.notebook(), new TrainingData(Dataset.SPIRAL, 0.02, 16)).save(dir.resolve("tiny.bin"));
        Files.writeString(dir.resolve("not-a-checkpoint.bin"), "hello");
    }

    @AfterContainer
    static void tearDown() throws IOException {
        if (previousHeap == null) System.clearProperty(Sizes.MAX_HEAP_PROPERTY);
        else System.setProperty(Sizes.MAX_HEAP_PROPERTY, previousHeap);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    // ---- the command ----

    /** Every flag that takes a value, with what to throw at it. */
    static final Map<String, Arbitrary<String>> FLAGS = new LinkedHashMap<>();

    /** Flags without a value. */
    static final List<String> SWITCHES = List.of("--gif", "--all-figures");

    static {
        for (String f : List.of("--points", "--timesteps", "--width", "--hidden", "--hidden-layers", "--steps", "--samples",
                "--ddim-steps")) {
            FLAGS.put(f, sizes());
        }
        FLAGS.put("--batch-size", Arbitraries.oneOf(sizes(), Arbitraries.just("full")));
        FLAGS.put("--embedding", Arbitraries.oneOf(Arbitraries.of("scalar", "sinusoidal", "fourier", "sinusoidal:", ""),
                sizes().map(k -> "sinusoidal:" + k)));
        for (String f : List.of("--jitter", "--beta-start", "--beta-end", "--lr", "--momentum", "--weight-decay", "--eta")) {
            FLAGS.put(f, reals());
        }
        FLAGS.put("--clip-norm", Arbitraries.oneOf(reals(), Arbitraries.just("off")));
        FLAGS.put("--ema", Arbitraries.oneOf(reals(), Arbitraries.just("off")));
        FLAGS.put("--clip-x0", Arbitraries.oneOf(Combinators.combine(reals(), reals()).as((a, b) -> a + "," + b),
                Arbitraries.of("-3,3", "3,-3", "1", ",", "")));
        FLAGS.put("--seed", Arbitraries.oneOf(Arbitraries.longs().map(String::valueOf), garbage()));
        FLAGS.put("--recipe", names("notebook", "default"));
        FLAGS.put("--dataset", names(Dataset.validNames().split(", ")));
        FLAGS.put("--schedule", names("linear", "cosine"));
        FLAGS.put("--sampler", names("ddpm", "posterior", "ddim"));
        FLAGS.put("--optimizer", names("sgd", "adam", "adamw"));
        FLAGS.put("--lr-schedule", names("constant", "cosine"));
        FLAGS.put("--out", Arbitraries.of("figures", "", " ", "tiny.bin", "/proc/diffusion-lab", "a/b/c"));
        FLAGS.put("--save-checkpoint", Arbitraries.of("saved.bin", "", "tiny.bin/x.bin", "/proc/x.bin", "figures", "new/s.bin"));
        FLAGS.put("--load-checkpoint", Arbitraries.of("tiny.bin", "tiny.bin", "", "nonexistent.bin", "not-a-checkpoint.bin",
                "."));
    }

    /** Tiny valid sizes, zero and negatives, extremes no run fits (≥ 1e8), and strings that are no int. */
    static Arbitrary<String> sizes() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(-3, 6).map(String::valueOf),
                Arbitraries.integers().between(100_000_000, Integer.MAX_VALUE).map(String::valueOf),
                Arbitraries.of("-2147483648", "2147483648", "9999999999", "2e9", "1e8", "0x10", "NaN", "", "abc"));
    }

    /** Any double (NaN, infinities, subnormals, ±1e300 included), values in [0, 1], and junk. */
    static Arbitrary<String> reals() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().withSpecialValue(Double.NaN).withSpecialValue(Double.POSITIVE_INFINITY)
                        .withSpecialValue(Double.NEGATIVE_INFINITY).withSpecialValue(Double.MIN_VALUE)
                        .withSpecialValue(1e300).withSpecialValue(-1e300).withSpecialValue(0.999999)
                        .withSpecialValue(1e-20).map(String::valueOf),
                Arbitraries.doubles().between(0, 1).map(String::valueOf),
                Arbitraries.of("1e300", "1e-20", "0.999999", "-0", "1e309", "NaN", "Infinity", "", "0x1p3", "abc"));
    }

    static Arbitrary<String> names(String... valid) {
        return Arbitraries.oneOf(Arbitraries.of(valid), garbage());
    }

    static Arbitrary<String> garbage() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(5), Arbitraries.of("", " ", "-1", "--", "="));
    }

    /** One to three distinct flags with values, maybe a switch. */
    @Provide
    Arbitrary<List<String>> flagSets() {
        Arbitrary<List<String>> pairs = Arbitraries.of(new ArrayList<>(FLAGS.keySet())).set().ofMinSize(1).ofMaxSize(3)
                .flatMap(names -> {
                    List<Arbitrary<List<String>>> each = new ArrayList<>();
                    for (String n : names) each.add(FLAGS.get(n).map(v -> List.of(n, v)));
                    return Combinators.combine(each).as(lists -> lists.stream().flatMap(List::stream).toList());
                });
        Arbitrary<List<String>> switches = Arbitraries.of(SWITCHES).list().ofMaxSize(1);
        return Combinators.combine(pairs, switches).as((p, s) -> Stream.concat(p.stream(), s.stream()).toList());
    }

    /** The tiny run the random flags are added to; a flag given at random replaces its base value. */
    static List<String> args(List<String> random) {
        Map<String, String> base = new LinkedHashMap<>();
        boolean load = random.contains("--load-checkpoint");
        if (!load) {
            base.put("--steps", "2");
            base.put("--hidden", "4");
            base.put("--timesteps", "4");
        }
        base.put("--points", "16");
        base.put("--samples", "8");
        base.put("--out", "figures");
        for (int i = 0; i < random.size(); i++) {
            String f = random.get(i);
            if (SWITCHES.contains(f)) continue;
            base.remove(f);
            if (f.equals("--width")) base.remove("--hidden");
            i++;
        }
        List<String> args = new ArrayList<>();
        base.forEach((f, v) -> args.addAll(List.of(f, v)));
        for (int i = 0; i < random.size(); i++) {
            String f = random.get(i);
            if (SWITCHES.contains(f)) {
                args.add(f);
                continue;
            }
            String v = random.get(++i);
            // paths are relative to the test's folder; "=" keeps values like "-3,3" or "" attached to their flag
            if (f.equals("--out") || f.endsWith("-checkpoint")) v = v.isBlank() || v.startsWith("/") ? v : dir.resolve(v).toString();
            args.add(f + "=" + v);
        }
        args.replaceAll(a -> a.equals("figures") ? dir.resolve("figures").toString() : a);
        return args;
    }

    record Result(int status, String out, String err) {}

    static Result run(List<String> args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A number as printed: no NaN, no Infinity (Java's and C's spellings). */
    static final Pattern NON_FINITE = Pattern.compile("(?i)\\b(nan|infinity|inf)\\b");

    /**
     * 40 tries: ≈ 1 in 4 is a whole tiny run (≈ 0.2 s with its six PNGs), the rest usage errors (ms);
     * jqwik draws a new seed every build, so the builds together cover far more.
     */
    @Property(tries = 40, shrinking = ShrinkingMode.BOUNDED)
    @Label("every flag: a usage error naming a flag given, or a clean run with finite numbers; no trace, no hang")
    void commandAnswersEveryValue(@ForAll("flagSets") List<String> random) {
        List<String> args = args(random);
        Result r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(args), () -> "hung on " + args);
        Statistics.collect("exit status " + r.status());
        String all = r.out() + r.err();
        String context = "\nargs: " + args + "\nstatus " + r.status() + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err();
        assertFalse(all.contains("\tat ") || all.contains("Exception") || all.contains("java.lang."),
                "a stack trace or raw exception" + context);
        switch (r.status()) {
            case 0 -> {
                assertTrue(r.out().contains("sliced W1 to the data"), "no metrics" + context);
                Matcher m = NON_FINITE.matcher(r.out().replace("--sampler", ""));
                assertFalse(m.find(), "a non-finite number printed" + context);
            }
            case 2 -> {
                assertTrue(r.err().startsWith("error: ") || r.err().startsWith("Invalid value")
                        || r.err().contains("Unknown option") || r.err().contains("Missing"), "no error line" + context);
                String firstLine = r.err().lines().findFirst().orElse("");
                boolean namesFlag = args.stream().map(a -> a.contains("=") ? a.substring(0, a.indexOf('=')) : a)
                        .filter(a -> a.startsWith("--")).anyMatch(f -> firstLine.contains(f + " ") || firstLine.contains(f + "'")
                                || firstLine.contains(f + "=") || firstLine.contains(f + ":") || firstLine.contains(f + ")")
                                || (f.equals("--hidden") && firstLine.contains("--width")));
                assertTrue(namesFlag, "the usage error names no flag given" + context);
                assertFalse(NON_FINITE.matcher(r.out()).find(), "output before a usage error" + context);
            }
            case 1, 3 -> assertTrue(r.err().startsWith("error: "), "no error line" + context);
            default -> throw new AssertionError("exit status " + r.status() + context);
        }
    }

    @Property(tries = 1)
    @Label("the flags above are all the command has (a new flag must be added here)")
    void everyFlagIsCovered() {
        Result help = run(List.of("--help"));
        TreeSet<String> inHelp = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\s+(?:-[a-zA-Z], )?(--[a-z][a-z0-9-]*)(?:, (--[a-z][a-z0-9-]*))?").matcher(help.out());
        while (m.find()) {
            inHelp.add(m.group(1));
            if (m.group(2) != null) inHelp.add(m.group(2));
        }
        inHelp.removeAll(List.of("--help", "--version"));
        TreeSet<String> covered = new TreeSet<>(FLAGS.keySet());
        covered.addAll(SWITCHES);
        assertEquals(inHelp, covered);
    }

    // ---- the library's public factories ----

    /** A call of a factory with random ints and doubles, and the names its error may use. */
    record Factory(String name, List<String> params, Call call) {}

    interface Call {
        void apply(int[] i, double[] d);
    }

    static final SplittableRandom RNG = new SplittableRandom(7);

    static final List<Factory> FACTORIES = List.of(
            new Factory("NoiseSchedule.linearBetaSchedule", List.of("T", "betaStart", "betaEnd"),
                    (i, d) -> NoiseSchedule.linearBetaSchedule(i[0], d[0], d[1])),
            new Factory("NoiseSchedule.cosineBetaSchedule", List.of("T", "s"), (i, d) -> NoiseSchedule.cosineBetaSchedule(i[0], d[0])),
            new Factory("NoiseSchedule.fromBetas", List.of("betas"), (i, d) -> NoiseSchedule.fromBetas(Arrays.copyOf(d, 1 + Math.floorMod(i[0], 3)))),
            new Factory("Datasets.makeSpiral", List.of("n", "jitter"), (i, d) -> Datasets.makeSpiral(i[0], d[0], RNG)),
            new Factory("ToyDatasets.twoGaussians", List.of("n", "std"), (i, d) -> ToyDatasets.twoGaussians(i[0], d[0], RNG)),
            new Factory("ToyDatasets.moons", List.of("n", "noise"), (i, d) -> ToyDatasets.moons(i[0], d[0], RNG)),
            new Factory("Dataset.sample", List.of("n"), (i, d) -> Dataset.values()[Math.floorMod(i[1], 6)].sample(i[0], RNG)),
            new Factory("ForwardProcess.gaussian", List.of("rows", "cols"), (i, d) -> ForwardProcess.gaussian(i[0], i[1], RNG)),
            new Factory("Mlp.init", List.of("inputDim", "hidden", "outputDim", "weightStd", "biasInit"),
                    (i, d) -> Mlp.init(i[0], i[1], i[2], d[0], d[1], RNG)),
            new Factory("DeepMlp.init", List.of("dataDim", "hiddenLayers", "width", "weightStd", "biasInit"),
                    (i, d) -> DeepMlp.init(i[0], ScalarTimeEmbedding.INSTANCE, i[1], i[2], d[0], d[1], RNG)),
            new Factory("SinusoidalTimeEmbedding", List.of("dimension"), (i, d) -> new SinusoidalTimeEmbedding(i[0])),
            new Factory("TrainConfig", List.of("steps", "lr", "momentum", "smoothing"),
                    (i, d) -> new TrainConfig(i[0], d[0], d[1], d[2])),
            new Factory("MiniBatchConfig", List.of("steps", "batchSize", "lr", "weightDecay", "clipNorm", "emaDecay", "smoothing"),
                    (i, d) -> new MiniBatchConfig(i[0], i[1], OptimizerChoice.ADAMW, d[0], LearningRateSchedule.COSINE, d[1],
                            d[2], d[3], d[0])),
            new Factory("DdimSampler", List.of("steps", "eta"), (i, d) -> new DdimSampler(i[0], d[0])),
            new Factory("AncestralSampler.withClipping", List.of("clip range"),
                    (i, d) -> AncestralSampler.of(Variance.POSTERIOR).withClipping(d[0], d[1])),
            new Factory("AncestralSampler.sample", List.of("n"), (i, d) -> AncestralSampler.of(Variance.BETA)
                    .sample(Mlp.init(2, RNG), i[0], NoiseSchedule.linearBetaSchedule(3, 1e-3, 0.02), RNG)),
            new Factory("DdpmSampler.pSampleLoop", List.of("n"), (i, d) -> DdpmSampler.pSampleLoop(Mlp.init(2, RNG), i[0],
                    NoiseSchedule.linearBetaSchedule(3, 1e-3, 0.02), RNG, java.util.Set.of(0, 1, 2, 3))));

    @Provide
    Arbitrary<Integer> factoryIndex() {
        return Arbitraries.integers().between(0, FACTORIES.size() - 1);
    }

    /** Tiny, zero, negative, or extreme (≥ 1e8: more than the lowered heap holds for any factory). */
    @Provide
    Arbitrary<int[]> ints() {
        Arbitrary<Integer> one = Arbitraries.oneOf(Arbitraries.integers().between(-3, 6),
                Arbitraries.integers().between(100_000_000, Integer.MAX_VALUE), Arbitraries.of(Integer.MIN_VALUE, -1_000_000));
        return one.array(int[].class).ofSize(3);
    }

    @Provide
    Arbitrary<double[]> doubles() {
        Arbitrary<Double> one = Arbitraries.oneOf(Arbitraries.doubles().withSpecialValue(Double.NaN)
                        .withSpecialValue(Double.POSITIVE_INFINITY).withSpecialValue(Double.NEGATIVE_INFINITY)
                        .withSpecialValue(Double.MIN_VALUE).withSpecialValue(1e300).withSpecialValue(1e-20),
                Arbitraries.doubles().between(0, 1));
        return one.array(double[].class).ofSize(4);
    }

    @Property(tries = 1000)
    @Label("every public factory: returns, or throws IllegalArgumentException naming a parameter; never another error")
    void factoriesAnswerEveryValue(@ForAll("factoryIndex") int k, @ForAll("ints") int[] i, @ForAll("doubles") double[] d) {
        Factory f = FACTORIES.get(k);
        String call = f.name() + Arrays.toString(i) + Arrays.toString(d);
        try {
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> f.call().apply(i, d), () -> "hung: " + call);
        } catch (IllegalArgumentException e) {
            String msg = String.valueOf(e.getMessage());
            assertTrue(msg.contains("invalid") && f.params().stream().anyMatch(msg::contains),
                    call + " threw an IllegalArgumentException that names none of " + f.params() + ": " + msg);
        }
    }
}
