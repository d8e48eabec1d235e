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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random and extreme values at every flag of the command and at the library's public factories.
 * The command must answer each with a usage error (status 2) that names one of the flags given,
 * or a clean run: status 0 with only finite numbers printed, or status 1 (training diverged) or 3
 * (numerical trouble) with an "error:" line. Never a stack trace, a hang or a NaN/Infinity. A
 * factory must return or throw an {@link IllegalArgumentException} naming one of its parameters.
 *
 * <p>Plain JUnit 5: every value is drawn from a {@link SplittableRandom} seeded with {@link #SEED},
 * {@value #DEFAULT_SEED} unless {@code -D}{@value #SEED_PROPERTY}{@code =<long>} is given, so a
 * build draws the same tries every time; a failure prints the seed, and the try, to rerun it.
 * {@link Extremes} mixes each kind of input's edge cases (0, -1, the int limits, 2^31, 1e300, NaN,
 * infinities, junk, empty) with random values, so the edge cases come up in every run.
 *
 * <p>To keep this to seconds, the heap the size checks assume is lowered to {@value #HEAP_MB} MB
 * ({@link Sizes#MAX_HEAP_PROPERTY}), and size values are either tiny (a run of a few steps on a
 * few points) or extreme (≥ 1e8, which no run fits in that heap): a valid run of a million steps
 * is slow but not wrong, and is not what this test is about.
 */
@DisplayName("Bad input: random and extreme values at every flag and public factory")
class InputPropertyTest {

    static final long HEAP_MB = 256;

    /** The system property that overrides the seed of every random draw here. */
    static final String SEED_PROPERTY = "diffusionlab.propertySeed";

    static final long DEFAULT_SEED = 16; // issue 16

    static final long SEED = seed();

    static final int COMMAND_TRIES = 40;

    static final int FACTORY_TRIES = 1000;

    static long seed() {
        String s = System.getProperty(SEED_PROPERTY);
        if (s == null || s.isBlank()) return DEFAULT_SEED;
        try {
            return Long.decode(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + SEED_PROPERTY + "=" + s + " is invalid: it must be a long", e);
        }
    }

    /** Where a failure came from and how to draw it again. */
    static String rerun(int tryNumber, int tries) {
        return "\nseed " + SEED + ", try " + tryNumber + " of " + tries + " (rerun: -D" + SEED_PROPERTY + "=" + SEED + ")";
    }

    static Path dir;
    static String previousHeap;
    static final Map<String, Integer> STATISTICS = new TreeMap<>();

    @BeforeAll
    static void setUp() throws IOException {
        previousHeap = System.getProperty(Sizes.MAX_HEAP_PROPERTY);
        System.setProperty(Sizes.MAX_HEAP_PROPERTY, String.valueOf(HEAP_MB << 20));
        dir = Files.createTempDirectory("input-property");
        new Checkpoint(Mlp.init(4, new SplittableRandom(1)), NoiseSchedule.linearBetaSchedule(4, 1e-4, 0.02),
                TrainConfig.notebook(), new TrainingData(Dataset.SPIRAL, 0.02, 16)).save(dir.resolve("tiny.bin"));
        Files.writeString(dir.resolve("not-a-checkpoint.bin"), "hello");
    }

    @AfterAll
    static void tearDown() throws IOException {
        if (previousHeap == null) System.clearProperty(Sizes.MAX_HEAP_PROPERTY);
        else System.setProperty(Sizes.MAX_HEAP_PROPERTY, previousHeap);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
        System.out.println("InputPropertyTest: seed " + SEED + " (-D" + SEED_PROPERTY + " to change), " + STATISTICS);
    }

    static void count(String what) {
        STATISTICS.merge(what, 1, Integer::sum);
    }

    // ---- the values ----

    /**
     * Draws the values of the tries from one {@link SplittableRandom}: each kind of input's edge
     * cases half of the time, dealt like a shuffled deck (each once before any repeats, so a kind
     * drawn often enough shows all its edge cases in every run), else a random value.
     */
    static final class Extremes {

        final SplittableRandom rng;
        private final Map<List<?>, List<Object>> decks = new IdentityHashMap<>();

        Extremes(SplittableRandom rng) {
            this.rng = rng;
        }

        @SuppressWarnings("unchecked")
        <T> T edgeOr(List<T> edges, Supplier<T> random) {
            if (rng.nextBoolean()) return random.get();
            List<Object> deck = decks.computeIfAbsent(edges, e -> new ArrayList<>());
            if (deck.isEmpty()) {
                deck.addAll(edges);
                for (int i = deck.size() - 1; i > 0; i--) deck.set(i, deck.set(rng.nextInt(i + 1), deck.get(i)));
            }
            return (T) deck.remove(deck.size() - 1);
        }

        <T> T oneOf(List<T> values) {
            return values.get(rng.nextInt(values.size()));
        }

        /** Tiny (a run of a few steps) or extreme (≥ 1e8: more than the lowered heap holds). */
        int size() {
            return rng.nextBoolean() ? rng.nextInt(-3, 7) : rng.nextInt(100_000_000, Integer.MAX_VALUE) + rng.nextInt(2);
        }

        /** A double of any magnitude (random bits: subnormals to ±1e308, rarely NaN), or in [0, 1), or in [-10, 10). */
        double anyDouble() {
            return switch (rng.nextInt(3)) {
                case 0 -> Double.longBitsToDouble(rng.nextLong());
                case 1 -> rng.nextDouble();
                default -> rng.nextDouble(-10, 10);
            };
        }

        /** Up to five characters, half printable ASCII, half any char of the BMP but surrogates. */
        String junk() {
            StringBuilder s = new StringBuilder();
            for (int n = rng.nextInt(6); n > 0; n--) {
                int c = rng.nextBoolean() ? rng.nextInt(0x20, 0x7f) : rng.nextInt(0, 0xd800);
                s.append((char) c);
            }
            return s.toString();
        }

        // -- the command's values, as given on the command line --

        static final List<String> SIZE_EDGES = List.of("0", "-1", "1", "-2147483648", "2147483647", "2147483648", "100000000",
                "9999999999", "2e9", "1e8", "1e300", "0x10", "NaN", "Infinity", "", "abc");

        static final List<String> REAL_EDGES = List.of("0", "-0", "-1", "1", "4.9E-324", "1e-20", "0.999999", "2147483648",
                "-2147483648", "1e300", "-1e300", "1.7976931348623157E308", "1e309", "NaN", "Infinity", "-Infinity", "0x1p3", "",
                "abc");

        static final List<String> JUNK_EDGES = List.of("", " ", "-1", "--", "=", "0", "NaN", "\u0000", "é", "a b");

        static final List<String> LONG_EDGES = List.of("0", "-1", "9223372036854775807", "-9223372036854775808",
                "9223372036854775808", "1e300");

        String sizeFlag() {
            return edgeOr(SIZE_EDGES, () -> String.valueOf(size()));
        }

        String realFlag() {
            return edgeOr(REAL_EDGES, () -> String.valueOf(anyDouble()));
        }

        String junkFlag() {
            return edgeOr(JUNK_EDGES, this::junk);
        }

        String longFlag() {
            return edgeOr(LONG_EDGES, () -> String.valueOf(rng.nextLong()));
        }

        /** A valid name or junk. */
        String name(String... valid) {
            return rng.nextBoolean() ? valid[rng.nextInt(valid.length)] : junkFlag();
        }

        // -- the factories' values --

        static final List<Integer> INT_EDGES = List.of(0, -1, 1, -3, 6, Integer.MIN_VALUE, Integer.MAX_VALUE, -1_000_000,
                100_000_000);

        static final List<Double> DOUBLE_EDGES = List.of(0.0, -0.0, -1.0, 1.0, Double.MIN_VALUE, 1e-20, 0.999999, 0x1p31,
                -0x1p31, 1e300, -1e300, Double.MAX_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);

        int anInt() {
            return edgeOr(INT_EDGES, this::size);
        }

        double aDouble() {
            return edgeOr(DOUBLE_EDGES, this::anyDouble);
        }
    }

    // ---- the command ----

    /** Every flag that takes a value, with what to throw at it. */
    static final Map<String, Function<Extremes, String>> FLAGS = new LinkedHashMap<>();

    /** Flags without a value. */
    static final List<String> SWITCHES = List.of("--gif", "--all-figures");

    static {
        for (String f : List.of("--points", "--timesteps", "--width", "--hidden", "--hidden-layers", "--steps", "--samples",
                "--ddim-steps")) {
            FLAGS.put(f, Extremes::sizeFlag);
        }
        FLAGS.put("--batch-size", x -> x.rng.nextInt(3) == 0 ? "full" : x.sizeFlag());
        FLAGS.put("--embedding", x -> x.rng.nextBoolean() ? x.oneOf(List.of("scalar", "sinusoidal", "fourier", "sinusoidal:", ""))
                : "sinusoidal:" + x.sizeFlag());
        for (String f : List.of("--jitter", "--beta-start", "--beta-end", "--lr", "--momentum", "--weight-decay", "--eta")) {
            FLAGS.put(f, Extremes::realFlag);
        }
        FLAGS.put("--clip-norm", x -> x.rng.nextInt(3) == 0 ? "off" : x.realFlag());
        FLAGS.put("--ema", x -> x.rng.nextInt(3) == 0 ? "off" : x.realFlag());
        FLAGS.put("--clip-x0", x -> x.rng.nextBoolean() ? x.realFlag() + "," + x.realFlag()
                : x.oneOf(List.of("-3,3", "3,-3", "1", ",", "")));
        FLAGS.put("--seed", x -> x.rng.nextBoolean() ? x.longFlag() : x.junkFlag());
        FLAGS.put("--recipe", x -> x.name("notebook", "default"));
        FLAGS.put("--dataset", x -> x.name(Dataset.validNames().split(", ")));
        FLAGS.put("--schedule", x -> x.name("linear", "cosine"));
        FLAGS.put("--sampler", x -> x.name("ddpm", "posterior", "ddim"));
        FLAGS.put("--optimizer", x -> x.name("sgd", "adam", "adamw"));
        FLAGS.put("--lr-schedule", x -> x.name("constant", "cosine"));
        FLAGS.put("--out", x -> x.oneOf(List.of("figures", "", " ", "tiny.bin", "/proc/diffusion-lab", "a/b/c")));
        FLAGS.put("--save-checkpoint", x -> x.oneOf(List.of("saved.bin", "", "tiny.bin/x.bin", "/proc/x.bin", "figures",
                "new/s.bin")));
        FLAGS.put("--load-checkpoint", x -> x.oneOf(List.of("tiny.bin", "tiny.bin", "", "nonexistent.bin",
                "not-a-checkpoint.bin", ".")));
        // The image flags: with the 2-D datasets drawn above they must be refused as usage errors (an
        // image run, minutes long, is never started here).
        FLAGS.put("--label", Extremes::sizeFlag);
        FLAGS.put("--guidance", Extremes::realFlag);
        FLAGS.put("--prediction", x -> x.name("eps", "x0", "v"));
        FLAGS.put("--timestep-spacing", x -> x.name("trailing", "leading", "linspace", "leading:1"));
        FLAGS.put("--downscale", Extremes::sizeFlag);
        FLAGS.put("--data-dir", x -> x.oneOf(List.of("", "/nonexistent", ".", "tiny.bin")));
    }

    /** The tries: one to three distinct flags with values, maybe a switch, all drawn from {@link #SEED}. */
    static Stream<Arguments> flagSets() {
        Extremes x = new Extremes(new SplittableRandom(SEED));
        List<String> names = new ArrayList<>(FLAGS.keySet());
        List<Arguments> tries = new ArrayList<>();
        for (int t = 1; t <= COMMAND_TRIES; t++) {
            List<String> chosen = new ArrayList<>(names);
            int n = 1 + x.rng.nextInt(3);
            List<String> random = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                String f = chosen.remove(x.rng.nextInt(chosen.size()));
                random.add(f);
                random.add(FLAGS.get(f).apply(x));
            }
            if (x.rng.nextBoolean()) random.add(x.oneOf(SWITCHES));
            tries.add(Arguments.of(t, random));
        }
        return tries.stream();
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
     * 40 tries, one test each: a few are whole tiny runs (≈ 0.2 s with their six PNGs; 4 of 40 at the
     * default seed), the rest usage errors (ms).
     */
    @ParameterizedTest(name = "try {0}")
    @MethodSource("flagSets")
    @DisplayName("every flag: a usage error naming a flag given, or a clean run with finite numbers; no trace, no hang")
    void commandAnswersEveryValue(int tryNumber, List<String> random) {
        List<String> args = args(random);
        String where = rerun(tryNumber, COMMAND_TRIES);
        Result r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> run(args), () -> "hung on " + args + where);
        count("command exit " + r.status());
        String all = r.out() + r.err();
        String context = "\nargs: " + args + "\nstatus " + r.status() + "\nstdout:\n" + r.out() + "\nstderr:\n" + r.err() + where;
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

    @Test
    @DisplayName("the flags above are all the command has (a new flag must be added here)")
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

    /** The call; {@code rng} is the try's own stream, split from the seeded one before the call. */
    interface Call {
        void apply(int[] i, double[] d, SplittableRandom rng);
    }

    static final List<Factory> FACTORIES = List.of(
            new Factory("NoiseSchedule.linearBetaSchedule", List.of("T", "betaStart", "betaEnd"),
                    (i, d, rng) -> NoiseSchedule.linearBetaSchedule(i[0], d[0], d[1])),
            new Factory("NoiseSchedule.cosineBetaSchedule", List.of("T", "s"), (i, d, rng) -> NoiseSchedule.cosineBetaSchedule(i[0], d[0])),
            new Factory("NoiseSchedule.fromBetas", List.of("betas"), (i, d, rng) -> NoiseSchedule.fromBetas(Arrays.copyOf(d, 1 + Math.floorMod(i[0], 3)))),
            new Factory("Datasets.makeSpiral", List.of("n", "jitter"), (i, d, rng) -> Datasets.makeSpiral(i[0], d[0], rng)),
            new Factory("ToyDatasets.twoGaussians", List.of("n", "std"), (i, d, rng) -> ToyDatasets.twoGaussians(i[0], d[0], rng)),
            new Factory("ToyDatasets.moons", List.of("n", "noise"), (i, d, rng) -> ToyDatasets.moons(i[0], d[0], rng)),
            new Factory("Dataset.sample", List.of("n"), (i, d, rng) -> Dataset.values()[Math.floorMod(i[1], 6)].sample(i[0], rng)),
            new Factory("ForwardProcess.gaussian", List.of("rows", "cols"), (i, d, rng) -> ForwardProcess.gaussian(i[0], i[1], rng)),
            new Factory("Mlp.init", List.of("inputDim", "hidden", "outputDim", "weightStd", "biasInit"),
                    (i, d, rng) -> Mlp.init(i[0], i[1], i[2], d[0], d[1], rng)),
            new Factory("DeepMlp.init", List.of("dataDim", "hiddenLayers", "width", "weightStd", "biasInit"),
                    (i, d, rng) -> DeepMlp.init(i[0], ScalarTimeEmbedding.INSTANCE, i[1], i[2], d[0], d[1], rng)),
            new Factory("SinusoidalTimeEmbedding", List.of("dimension"), (i, d, rng) -> new SinusoidalTimeEmbedding(i[0])),
            new Factory("TrainConfig", List.of("steps", "lr", "momentum", "smoothing"),
                    (i, d, rng) -> new TrainConfig(i[0], d[0], d[1], d[2])),
            new Factory("MiniBatchConfig", List.of("steps", "batchSize", "lr", "weightDecay", "clipNorm", "emaDecay", "smoothing"),
                    (i, d, rng) -> new MiniBatchConfig(i[0], i[1], OptimizerChoice.ADAMW, d[0], LearningRateSchedule.COSINE, d[1],
                            d[2], d[3], d[0])),
            new Factory("DdimSampler", List.of("steps", "eta"), (i, d, rng) -> new DdimSampler(i[0], d[0])),
            new Factory("AncestralSampler.withClipping", List.of("clip range"),
                    (i, d, rng) -> AncestralSampler.of(Variance.POSTERIOR).withClipping(d[0], d[1])),
            new Factory("AncestralSampler.sample", List.of("n"), (i, d, rng) -> AncestralSampler.of(Variance.BETA)
                    .sample(Mlp.init(2, rng), i[0], NoiseSchedule.linearBetaSchedule(3, 1e-3, 0.02), rng)),
            new Factory("DdpmSampler.pSampleLoop", List.of("n"), (i, d, rng) -> DdpmSampler.pSampleLoop(Mlp.init(2, rng), i[0],
                    NoiseSchedule.linearBetaSchedule(3, 1e-3, 0.02), rng, java.util.Set.of(0, 1, 2, 3))));


    /**
     * 1000 tries of a random factory with three ints (tiny, zero, negative, or ≥ 1e8: more than the
     * lowered heap holds for any factory) and four doubles (any, NaN and infinities included). The
     * tries go on past a failure, up to ten failures, which are all reported.
     */
    @Test
    @DisplayName("every public factory: returns, or throws IllegalArgumentException naming a parameter; never another error")
    void factoriesAnswerEveryValue() {
        Extremes x = new Extremes(new SplittableRandom(SEED));
        List<String> failures = new ArrayList<>();
        int tries = 0;
        for (int t = 1; t <= FACTORY_TRIES && failures.size() < 10; t++, tries++) {
            Factory f = FACTORIES.get(x.rng.nextInt(FACTORIES.size()));
            int[] i = IntStream.range(0, 3).map(k -> x.anInt()).toArray();
            double[] d = IntStream.range(0, 4).mapToDouble(k -> x.aDouble()).toArray();
            SplittableRandom rng = x.rng.split();
            String call = "try " + t + ": " + f.name() + Arrays.toString(i) + Arrays.toString(d);
            try {
                assertTimeoutPreemptively(Duration.ofSeconds(10), () -> f.call().apply(i, d, rng), () -> "hung");
                count("factory returned");
            } catch (IllegalArgumentException e) {
                count("factory refused");
                String msg = String.valueOf(e.getMessage());
                if (!(msg.contains("invalid") && f.params().stream().anyMatch(msg::contains))) {
                    failures.add(call + " threw an IllegalArgumentException that names none of " + f.params() + ": " + msg);
                }
            } catch (Throwable e) {
                // OutOfMemoryError and StackOverflowError included: they are what the checks prevent
                failures.add(call + " threw " + e);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " failure(s) in " + tries + " tries:\n" + String.join("\n", failures)
                + "\nseed " + SEED + " (rerun: -D" + SEED_PROPERTY + "=" + SEED + ")");
    }
}
