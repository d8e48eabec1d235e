package org.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.diffusionlab.cli.MainTest.Result;
import org.diffusionlab.data.Sizes;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cases of issue 16, each re-run: every one must now stop early with a clear error (status 2
 * before any work, or status 3 after sampling) instead of a stack trace, a silent NaN or a metric
 * of 1e23.
 */
@DisplayName("Bad input gives an early, clear error")
class InputChecksTest {

    static Result run(String... args) {
        return MainTest.run(args);
    }

    /** The flags of a tiny run, then {@code extra}. */
    static String[] tiny(Path out, String... extra) {
        String[] base = {"--steps", "20", "--points", "200", "--samples", "100", "--hidden", "16", "--timesteps", "20",
            "--out", out.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--points=2000000000", "--timesteps=2000000000", "--width=100000", "--samples=2000000000",
        "--steps=2000000000", "--recipe=default --hidden-layers=100000", "--recipe=default --embedding=sinusoidal:2000000000"})
    @DisplayName("a size too large for the heap or for int indexing is a usage error naming the flag and its largest value")
    void hugeSizes(String flags, @TempDir Path dir) {
        Path out = dir.resolve("never");
        String[] args = (flags + " --out " + out).split(" ");
        String last = flags.substring(flags.lastIndexOf(' ') + 1);
        String flag = last.substring(0, last.indexOf('='));
        long start = System.nanoTime();
        Result r = run(args);
        Matcher limit = Pattern.compile("the largest that fits is " + flag + " (?:sinusoidal:)?(\\d+)").matcher(r.err());
        assertAll(
                () -> assertEquals(2, r.status(), r.out() + r.err()),
                () -> assertTrue(r.err().startsWith("error: " + flag + " "), r.err()),
                () -> assertTrue(r.err().contains("is too large for this run"), r.err()),
                () -> assertTrue(limit.find(), r.err()),
                () -> assertEquals("", r.out()),
                () -> assertFalse(Files.exists(out), "--out was created"),
                () -> assertTrue(System.nanoTime() - start < 5e9, "the check took seconds: it did work"));
    }

    @Test
    @DisplayName("the budget's largest value fits and one more does not; the flag blamed is the extreme one")
    void budgetLimitIsTight() {
        RunBudget.Run base = new RunBudget.Run(1500, 100, 128, 2, 1, 1500, true, 1000, 101, 8000, false, false);
        long heap = 1L << 30;
        assertTrue(RunBudget.fits(base, heap));
        RunBudget.Run huge = new RunBudget.Run(1500, 100, 128, 2, 1, 1500, true, 5_000_000, 101, 8000, false, false);
        List<RunBudget.Flag> flags = List.of(
                new RunBudget.Flag("--samples", huge.samples(), 2, 1000, v -> withSamples(huge, v)),
                new RunBudget.Flag("--points", huge.points(), 2, 1500, v -> huge));
        String msg = RunBudget.check(huge, flags, heap);
        Matcher m = Pattern.compile("--samples (\\d+)$").matcher(msg);
        assertTrue(msg.startsWith("--samples 5000000 is too large") && m.find(), msg);
        long max = Long.parseLong(m.group(1));
        assertTrue(RunBudget.fits(withSamples(huge, max), heap), msg);
        assertFalse(RunBudget.fits(withSamples(huge, max + 1), heap), msg);
        assertNull(RunBudget.check(base, flags, heap));
    }

    private static RunBudget.Run withSamples(RunBudget.Run r, long m) {
        return new RunBudget.Run(r.points(), r.T(), r.width(), r.hiddenLayers(), r.k(), r.batch(), r.fullBatch(), m,
                r.keptStates(), r.steps(), r.gif(), r.loaded());
    }

    @Test
    @DisplayName("an int flag given as 2e9 or beyond the int range says what an int flag accepts, naming every alias")
    void notAnInt() {
        Result r = run("--width=2e9");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("error: Invalid value for option '--width' / '--hidden': '2e9' is not an int (a whole "
                + "number from -2147483648 to 2147483647"), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--beta-start=1e-20", "--beta-end=0.999999", "--beta-start=1e-13", "--beta-end=0.9995"})
    @DisplayName("a beta outside [1e-12, 0.999] is a usage error that says why it would not stay finite")
    void betaRange(String arg, @TempDir Path dir) {
        Result r = run(tiny(dir.resolve("o"), arg));
        assertEquals(2, r.status(), r.out() + r.err());
        String flag = arg.substring(0, arg.indexOf('='));
        assertTrue(r.err().startsWith("error: " + flag + " " + arg.substring(arg.indexOf('=') + 1)
                + " is invalid: must lie in [1e-12, 0.999]"), r.err());
        assertTrue(r.err().contains(arg.contains("start") || arg.contains("e-1") ? "NaN samples" : "blow up"), r.err());
    }

    @Test
    @DisplayName("a schedule whose alpha_bar_T underflows to 0 is a usage error naming its flags")
    void alphaBarUnderflow(@TempDir Path dir) {
        Result r = run("--timesteps=1000", "--beta-end=0.999", "--out", dir.resolve("never").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("error: --timesteps 1000 --beta-end 0.999 is invalid: ") && r.err().contains("underflows"),
                r.err());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--jitter=1e300", "--jitter=1000001", "--jitter=Infinity"})
    @DisplayName("a jitter beyond 1e6 is a usage error (at 1e300 the data became all zeros: floor 0, ratio Infinity)")
    void hugeJitter(String arg, @TempDir Path dir) {
        Result r = run(tiny(dir.resolve("o"), arg));
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: --jitter ") && r.err().contains("must lie in [0, 1000000]"), r.err());
    }

    @Test
    @DisplayName("--out \"\" is a usage error (it wrote into the current folder), and so is a file given as --out")
    void emptyOut(@TempDir Path dir) throws IOException {
        Result r = run("--steps", "20", "--points", "200", "--out=");
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: --out \"\" is invalid: must name a folder"), r.err());
        Path file = Files.writeString(dir.resolve("file"), "x");
        Result f = run(tiny(file));
        assertEquals(2, f.status());
        assertTrue(f.err().contains("it is a file, not a folder"), f.err());
    }

    @Test
    @DisplayName("an unwritable --save-checkpoint is refused before training, saying why")
    void unwritableCheckpoint(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Result r = run(tiny(dir.resolve("o"), "--save-checkpoint", file.resolve("model.bin").toString()));
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: --save-checkpoint " + file.resolve("model.bin") + " cannot be written: "),
                r.err());
        assertFalse(r.out().contains("train "), "it trained first:\n" + r.out());
        Result folder = run(tiny(dir.resolve("o"), "--save-checkpoint", dir.toString()));
        assertEquals(2, folder.status());
        assertTrue(folder.err().contains("it is a folder, not a file"), folder.err());
    }

    @Test
    @DisplayName("a missing --load-checkpoint says there is no such file and where it looked")
    void missingCheckpoint(@TempDir Path dir) {
        Result r = run("--load-checkpoint", "nonexistent.bin", "--out", dir.resolve("o").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("error: --load-checkpoint nonexistent.bin cannot be used: no such file (looked for "
                + Path.of("nonexistent.bin").toAbsolutePath() + ")"), r.err());
        Result folder = run("--load-checkpoint", dir.toString(), "--out", dir.resolve("o").toString());
        assertTrue(folder.err().contains("it is a folder, not a file"), folder.err());
    }

    @Test
    @DisplayName("samples that explode stop with status 3, where it happened and the schedule as the likely cause")
    void explodedSamples(@TempDir Path dir) {
        // beta up to 0.999 over T = 20: alpha_bar_T ≈ 6e-11, and an undertrained model's error grows by 1e5.
        Result r = run(tiny(dir.resolve("o"), "--beta-end", "0.999"));
        assertEquals(Main.EXIT_NUMERICAL, r.status(), r.out() + r.err());
        assertTrue(r.err().startsWith("error: numerical trouble in sampling: the samples exploded beyond 10000 times the "
                + "data's reach in the reverse step to t = "), r.err());
        assertTrue(r.err().contains("Likely cause: the schedule: alpha_bar_T = ") && r.err().contains("--beta-end"), r.err());
        assertFalse(r.out().contains("sliced W1 to the data"), "metrics were printed:\n" + r.out());
        // the remedy the message suggests works
        Result clipped = run(tiny(dir.resolve("p"), "--beta-end", "0.999", "--sampler", "posterior", "--clip-x0=-3,3"));
        assertEquals(0, clipped.status(), clipped.out() + clipped.err());
    }

    @Test
    @DisplayName("a ratio over a floor of 0 prints n/a, never Infinity or NaN")
    void zeroFloorRatio() {
        assertEquals("n/a", MetricTable.ratio(0.5, 0));
        assertEquals("n/a", MetricTable.ratio(0, 0));
        assertEquals("2.00", MetricTable.ratio(1, 0.5));
    }

    @Test
    @DisplayName("Sizes names the parameter, its value and the limit, for the heap and for int indexing")
    void sizesMessages() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Sizes.requireFits("n", 2_000_000_000, 2, 16, "the points"));
        assertTrue(e.getMessage().startsWith("n = 2000000000 is invalid: the points would need one array of 4.0e+09 "
                + "elements, more than Java can index (2147483639); n must be at most 1073741819"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Sizes.requireFits("T", 1_000_000_000, 1, Sizes.maxHeap(), "the schedule"));
        assertTrue(e.getMessage().startsWith("T = 1000000000 is invalid: the schedule would need at least ")
                && e.getMessage().endsWith("T must be at most 1"), e.getMessage());
    }
}
