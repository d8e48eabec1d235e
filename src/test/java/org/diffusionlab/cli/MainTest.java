package org.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("The diffusion-lab command")
class MainTest {

    /** What one call of {@link Main#run} printed and returned. */
    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @TempDir
    static Path tinyOut;
    static Result tiny;

    /** One tiny end-to-end run shared by the tests that look at its output (a few seconds). */
    @BeforeAll
    static void tinyRun() {
        tiny = run("--steps", "20", "--points", "200", "--samples", "100", "--hidden", "16", "--timesteps", "20",
                "--out", tinyOut.toString());
    }

    @Test
    @DisplayName("an unknown flag prints the usage on stderr and exits with status 2")
    void unknownFlag() {
        Result r = run("--no-such-flag");
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--no-such-flag"), r.err());
        assertTrue(r.err().contains("Usage: diffusion-lab"), r.err());
        assertEquals("", r.out());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--steps=0", "--lr=-1", "--beta-end=2", "--beta-start=0", "--momentum=1", "--timesteps=0",
        "--hidden=0", "--samples=1", "--points=1", "--jitter=-0.1", "--lr=NaN", "--steps=abc"})
    @DisplayName("a bad value prints the usage and the flag on stderr and exits with status 2 before any work")
    void badValue(String arg) {
        Result r = run(arg, "--out", tinyOut.resolve("never").toString());
        String flag = arg.substring(0, arg.indexOf('='));
        assertAll(
                () -> assertEquals(2, r.status()),
                () -> assertTrue(r.err().contains(flag), r.err()),
                () -> assertTrue(r.err().contains("Usage: diffusion-lab"), r.err()),
                () -> assertEquals("", r.out()),
                () -> assertFalse(Files.exists(tinyOut.resolve("never")), "--out was created for a bad run"));
    }

    @Test
    @DisplayName("--help prints the usage on stdout and exits with status 0")
    void help() {
        Result r = run("--help");
        assertEquals(0, r.status());
        assertTrue(r.out().contains("Usage: diffusion-lab"), r.out());
        assertTrue(r.out().contains("--beta-end"), r.out());
    }

    @Test
    @DisplayName("a tiny run exits with status 0 and writes every figure as a readable PNG of the expected size")
    void tinyRunWritesEveryFigure() throws IOException {
        assertEquals(0, tiny.status(), tiny.err());
        Map<String, int[]> expected = Map.of(
                "1-dataset.png", new int[] {520, 520},
                "2-schedule.png", new int[] {920, 394},
                "3-forward.png", new int[] {1200, 364},   // t = 1, 5, 10, 20
                "4-loss.png", new int[] {640, 420},
                "5-reverse.png", new int[] {1500, 364},   // t = 20, 10, 5, 1, 0
                "6-real-vs-generated.png", new int[] {560, 600});
        try (var files = Files.list(tinyOut)) {
            assertEquals(expected.size(), files.filter(f -> f.toString().endsWith(".png")).count());
        }
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            Path file = tinyOut.resolve(e.getKey());
            assertTrue(Files.size(file) > 0, file + " is empty");
            BufferedImage image = ImageIO.read(file.toFile());
            assertNotNull(image, file + " does not decode");
            assertEquals(e.getValue()[0], image.getWidth(), file + " width");
            assertEquals(e.getValue()[1], image.getHeight(), file + " height");
            assertTrue(tiny.out().contains(file.toString()), "the run does not list " + file);
        }
    }

    @Test
    @DisplayName("a run prints the time of every phase and the sliced W1 beside its floor")
    void tinyRunReports() {
        for (String phase : new String[] {"data", "train", "sample", "metrics", "plots", "total"}) {
            assertTrue(Pattern.compile("(?m)^" + phase + " +\\d+\\.\\d\\d s").matcher(tiny.out()).find(),
                    "no time for phase " + phase + " in:\n" + tiny.out());
        }
        Matcher m = Pattern.compile("generated ([0-9.]+), real-vs-real floor ([0-9.]+)").matcher(tiny.out());
        assertTrue(m.find(), tiny.out());
        assertTrue(Double.parseDouble(m.group(1)) > 0 && Double.parseDouble(m.group(2)) > 0, m.group());
    }

    @Test
    @DisplayName("the alpha_bar_T report is printed, and its warning exactly once")
    void terminalWarningOnce() {
        // T = 20 with beta up to 5e-3 keeps alpha_bar_T ≈ 0.95: far from pure noise.
        double abT = NoiseSchedule.linearBetaSchedule(20, 1e-4, 5e-3).terminalAlphaBar();
        assertTrue(tiny.out().contains(String.format(Locale.ROOT, "alpha_bar_T = %.4f", abT)), tiny.out());
        assertEquals(1, tiny.out().split("WARNING: alpha_bar_T", -1).length - 1, tiny.out());
    }

    @Test
    @DisplayName("without a terminal the progress bar prints plain ASCII lines with the loss")
    void plainProgressLines() {
        assertTrue(tiny.out().contains("train 100%"), tiny.out());
        assertTrue(tiny.out().contains("loss "), tiny.out());
        assertTrue(tiny.out().chars().allMatch(c -> c == '\n' || (c >= 0x20 && c < 0x7f)),
                "carriage returns, escape codes or non-ASCII characters in:\n" + tiny.out());
    }

    @Test
    @DisplayName("training that diverges says so, suggests a smaller learning rate, and exits with status 1")
    void divergence() {
        Result r = run("--lr", "1000", "--steps", "50", "--points", "50", "--hidden", "8", "--samples", "10",
                "--out", tinyOut.resolve("diverged").toString());
        assertEquals(1, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("diverged") && r.err().contains("smaller learning rate"), r.err());
        assertFalse(r.err().contains("Usage"), "a divergence is not a usage error:\n" + r.err());
    }
}
