package org.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.data.TrainingData;
import org.diffusionlab.metrics.HeldOutPairs;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.report.Recipe;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.TrainConfig;
import org.diffusionlab.train.TrainingMonitor;
import org.ejml.simple.SimpleMatrix;
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
        "--hidden=0", "--samples=1", "--points=1", "--jitter=-0.1", "--lr=NaN", "--steps=abc", "--width=0",
        "--recipe=fancy", "--hidden-layers=0", "--weight-decay=-1"})
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
        for (String flag : new String[] {"--dataset", "--schedule", "--sampler", "--ddim-steps", "--eta", "--clip-x0",
            "--save-checkpoint", "--load-checkpoint", "--gif", "--all-figures", "--recipe", "--width, --hidden",
            "--hidden-layers", "--embedding", "--optimizer", "--batch-size", "--lr-schedule", "--weight-decay",
            "--clip-norm", "--ema"}) {
            assertTrue(r.out().contains(flag), flag + " missing in:\n" + r.out());
        }
        // The --dataset description spells out the names; it must stay in sync with the enum.
        assertTrue(r.out().replaceAll("\\s+", " ").contains(org.diffusionlab.data.Dataset.validNames()), r.out());
        // The recipe table at the end is built from Recipe, so it cannot drift from it.
        String flat = r.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("notebook: --points 1500 --sampler ddpm --schedule linear --timesteps 100"), r.out());
        assertTrue(flat.contains("default: --points " + Recipe.DEFAULT.trainingPoints() + " --sampler ddpm"), r.out());
        assertTrue(flat.contains("--hidden-layers " + Recipe.HIDDEN_LAYERS + " --width " + Recipe.WIDTH
                + " --embedding sinusoidal:" + Recipe.EMBEDDING + " --steps " + Recipe.DEFAULT.defaultSteps()), r.out());
        assertTrue(r.out().lines().allMatch(l -> l.length() <= 80), "a help line is wider than 80 columns:\n" + r.out());
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

    /** The tiny run's flags, with {@code extra} appended and the output in {@code dir}. */
    static Result tiny(Path dir, String... extra) {
        String[] base = {"--steps", "20", "--points", "200", "--samples", "100", "--hidden", "16", "--timesteps", "20",
            "--out", dir.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Result r = run(args);
        assertEquals(0, r.status(), r.out() + r.err());
        return r;
    }

    /** The printed metric table and the final sliced W1 line: every number the run reports about its samples. */
    static String metrics(Result r) {
        return r.out().lines().filter(l -> l.startsWith("  sliced W1") || l.startsWith("  W1 ")
                || l.startsWith("  overlap ") || l.startsWith("  energy ") || l.startsWith("sliced W1 to the data"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    static void assertImagesEqual(Path a, Path b) throws IOException {
        BufferedImage x = ImageIO.read(a.toFile()), y = ImageIO.read(b.toFile());
        assertEquals(x.getWidth(), y.getWidth());
        assertEquals(x.getHeight(), y.getHeight());
        for (int row = 0; row < x.getHeight(); row++) {
            for (int col = 0; col < x.getWidth(); col++) {
                if (x.getRGB(col, row) != y.getRGB(col, row)) {
                    throw new AssertionError(a + " and " + b + " differ at (" + col + ", " + row + ")");
                }
            }
        }
    }

    @Test
    @DisplayName("every metric is printed beside its real-vs-real floor, the overlap marked higher-is-better")
    void metricTable() {
        String table = metrics(tiny);
        for (String name : new String[] {"sliced W1", "W1 x", "W1 y", "overlap x", "overlap y", "energy distance"}) {
            Matcher m = Pattern.compile("(?m)^  " + name + " +([0-9.e+-]+) +([0-9.e+-]+) +([0-9.e+-]+)").matcher(table);
            assertTrue(m.find(), name + " missing in:\n" + table);
            double value = Double.parseDouble(m.group(1)), floor = Double.parseDouble(m.group(2));
            assertTrue(value > 0 && floor > 0, m.group());
            // the printed ratio is value / floor to its 3 significant digits
            assertEquals(value / floor, Double.parseDouble(m.group(3)), 0.01 * value / floor + 1e-3 * (value / floor), m.group());
        }
        assertTrue(table.contains("overlap x") && tiny.out().contains("higher is better"), table);
    }

    @ParameterizedTest(name = "--dataset {0}")
    @ValueSource(strings = {"two_gaussians", "moons", "circles", "swiss_roll", "checkerboard", "Swiss-Roll"})
    @DisplayName("--dataset trains on any named dataset and says which")
    void dataset(String name, @TempDir Path dir) {
        Result r = tiny(dir, "--dataset", name);
        String id = org.diffusionlab.data.Dataset.byName(name).id();
        assertTrue(r.out().contains("200 " + id + " points"), r.out());
        assertFalse(metrics(r).equals(metrics(tiny)), "the samples did not change with the dataset");
    }

    @Test
    @DisplayName("--schedule cosine trains with the cosine schedule and adds the schedule comparison figure")
    void cosine(@TempDir Path dir) throws IOException {
        Result r = tiny(dir, "--schedule", "cosine");
        double abT = NoiseSchedule.cosineBetaSchedule(20).terminalAlphaBar();
        assertTrue(r.out().contains(String.format(Locale.ROOT, "alpha_bar_T = %.4f", abT)), r.out());
        assertTrue(r.out().contains("cosine schedule"), r.out());
        BufferedImage cmp = ImageIO.read(dir.resolve("7-schedules.png").toFile());
        assertEquals(1200, cmp.getWidth());
        assertFalse(Files.exists(dir.resolve("8-marginals.png")), "--all-figures was not asked for");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--sampler=posterior", "--sampler=ddim", "--sampler=ddim --ddim-steps=5 --eta=0.5",
        "--sampler=posterior --clip-x0=-3,3", "--sampler=ddim --ddim-steps=10 --clip-x0=-2.5,2.5"})
    @DisplayName("--sampler posterior and ddim (with --ddim-steps, --eta, --clip-x0) sample and say how")
    void samplers(String flags, @TempDir Path dir) {
        Result r = tiny(dir, flags.split(" "));
        String kind = flags.contains("ddim") ? "ddim" : "posterior";
        assertTrue(r.out().contains("sampler: " + kind), r.out());
        int steps = flags.contains("--ddim-steps=5") ? 5 : flags.contains("--ddim-steps=10") ? 10 : 20;
        assertTrue(r.out().contains("100 samples over " + steps + " reverse steps (" + kind + ")"), r.out());
        assertEquals(flags.contains("--clip-x0"), r.out().contains("x0_hat clipped"), r.out());
        assertFalse(metrics(r).equals(metrics(tiny)), "same samples as the ddpm sampler");
    }

    @Test
    @DisplayName("DDIM with eta 1 and S = T makes the draws of the posterior sampler, so the same samples")
    void ddimMatchesPosterior(@TempDir Path a, @TempDir Path b) {
        // (DdimSampler's class comment: eta = 1, S = T gives sigma^2 = beta_tilde and the same draw order.)
        String ddim = metrics(tiny(a, "--sampler", "ddim", "--eta", "1"));
        String posterior = metrics(tiny(b, "--sampler", "posterior"));
        assertEquals(posterior.replaceAll("(\\d\\.\\d\\d)\\d*", "$1"), ddim.replaceAll("(\\d\\.\\d\\d)\\d*", "$1"));
    }

    @Test
    @DisplayName("--gif writes forward.gif and reverse.gif, each decoding to many frames")
    void gifs(@TempDir Path dir) throws IOException {
        Result r = tiny(dir, "--gif");
        for (String name : new String[] {"forward.gif", "reverse.gif"}) {
            Path file = dir.resolve(name);
            assertTrue(r.out().contains(file.toString()), r.out());
            try (var in = ImageIO.createImageInputStream(file.toFile())) {
                var reader = ImageIO.getImageReadersByFormatName("gif").next();
                reader.setInput(in);
                int frames = reader.getNumImages(true);
                // T = 20: forward t = 0..20, reverse x_20..x_0, one frame each
                assertEquals(21, frames, name);
                assertEquals(Main.GIF_PIXELS, reader.read(frames - 1).getWidth(), name);
            }
        }
    }

    @Test
    @DisplayName("--all-figures adds the schedule comparison, the marginal histograms and the summary")
    void allFigures(@TempDir Path dir) throws IOException {
        Result r = tiny(dir, "--all-figures");
        Map<String, int[]> expected = Map.of("7-schedules.png", new int[] {1200, 414},
                "8-marginals.png", new int[] {1040, 434}, "9-summary.png", new int[] {1200, 754});
        for (Map.Entry<String, int[]> e : expected.entrySet()) {
            BufferedImage image = ImageIO.read(dir.resolve(e.getKey()).toFile());
            assertNotNull(image, e.getKey());
            assertEquals(e.getValue()[0], image.getWidth(), e.getKey());
            assertEquals(e.getValue()[1], image.getHeight(), e.getKey());
        }
        assertEquals(metrics(tiny), metrics(r), "extra figures changed the numbers");
    }

    @Test
    @DisplayName("sampling from a saved checkpoint gives exactly the samples and numbers of the run that saved it, "
            + "measured against the checkpoint's dataset without --dataset")
    void checkpointRoundTrip(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("ckpt/model.bin");
        Result saved = tiny(dir.resolve("a"), "--dataset", "moons", "--save-checkpoint", ckpt.toString());
        assertEquals(new TrainingData(Dataset.MOONS, 0.02, 200), org.diffusionlab.train.Checkpoint.load(ckpt).trainingData());
        // no --dataset: the default (spiral) would measure the moons model against the wrong data
        Result loaded = run("--load-checkpoint", ckpt.toString(), "--points", "200", "--samples", "100",
                "--out", dir.resolve("b").toString());
        assertEquals(0, loaded.status(), loaded.out() + loaded.err());
        assertTrue(loaded.out().startsWith("diffusion-lab: 200 moons points (dataset from the checkpoint), T = 20, "),
                loaded.out());
        assertTrue(loaded.out().lines().anyMatch(l -> l.startsWith("data ") && l.endsWith(" 200 moons points")), loaded.out());
        assertFalse(loaded.out().contains("note:"), loaded.out());
        assertEquals(metrics(saved), metrics(loaded));
        assertFalse(metrics(saved).isEmpty());
        assertImagesEqual(dir.resolve("a/6-real-vs-generated.png"), dir.resolve("b/6-real-vs-generated.png"));
        assertImagesEqual(dir.resolve("a/5-reverse.png"), dir.resolve("b/5-reverse.png"));
        assertFalse(Files.exists(dir.resolve("b/4-loss.png")), "a loaded model has no loss curve");
        assertTrue(loaded.out().contains("no 4-loss.png"), loaded.out());
        assertFalse(loaded.out().contains("train 100%"), "the loaded model was trained again");
    }

    /** A small untrained checkpoint that records {@code data}, saved in {@code dir}; no training needed to read it back. */
    static Path checkpointOf(Path dir, TrainingData data) throws IOException {
        Path ckpt = dir.resolve("recorded.bin");
        new org.diffusionlab.train.Checkpoint(org.diffusionlab.model.Mlp.init(8, new java.util.SplittableRandom(1)),
                NoiseSchedule.linearBetaSchedule(20, 1e-4, 5e-3), TrainConfig.notebook(), data).save(ckpt);
        return ckpt;
    }

    @Test
    @DisplayName("a loaded model measured against another --dataset than its own runs, with a note naming both")
    void loadWithOtherDataset(@TempDir Path dir) throws IOException {
        Path ckpt = checkpointOf(dir, new TrainingData(Dataset.MOONS, 0.02, 500));
        Result r = run("--load-checkpoint", ckpt.toString(), "--dataset", "spiral", "--points", "100", "--samples", "50",
                "--out", dir.resolve("a").toString());
        assertEquals(0, r.status(), r.out() + r.err());
        List<String> notes = r.out().lines().filter(l -> l.startsWith("note:")).toList();
        assertEquals(List.of("note: the model was trained on moons but is measured against spiral (jitter 0.02) "
                + "(--dataset spiral)."), notes, r.out());
        assertTrue(r.out().startsWith("diffusion-lab: 100 points (jitter 0.02), T = 20, "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("data ") && l.endsWith(" 100 spiral points")), r.out());
        // the same dataset given explicitly is no note
        Result same = run("--load-checkpoint", ckpt.toString(), "--dataset", "moons", "--points", "100", "--samples", "50",
                "--out", dir.resolve("b").toString());
        assertEquals(0, same.status(), same.out() + same.err());
        assertFalse(same.out().contains("note:"), same.out());
        assertEquals(metrics(same), metrics(run("--load-checkpoint", ckpt.toString(), "--points", "100", "--samples", "50",
                "--out", dir.resolve("c").toString())));
    }

    @Test
    @DisplayName("a loaded spiral model is measured with its own jitter unless --jitter says otherwise, which gets a note")
    void loadSpiralJitter(@TempDir Path dir) throws IOException {
        Path ckpt = checkpointOf(dir, new TrainingData(Dataset.SPIRAL, 0.1, 300));
        Result own = run("--load-checkpoint", ckpt.toString(), "--points", "100", "--samples", "50",
                "--out", dir.resolve("a").toString());
        assertEquals(0, own.status(), own.out() + own.err());
        assertTrue(own.out().startsWith("diffusion-lab: 100 spiral points (jitter 0.1; dataset and jitter from the "
                + "checkpoint), T = 20, "), own.out());
        assertFalse(own.out().contains("note:"), own.out());
        // --jitter 0.1 by hand gives the same numbers: the checkpoint's jitter was really used
        Result byHand = run("--load-checkpoint", ckpt.toString(), "--jitter", "0.1", "--points", "100", "--samples", "50",
                "--out", dir.resolve("b").toString());
        assertEquals(metrics(own), metrics(byHand));
        Result other = run("--load-checkpoint", ckpt.toString(), "--jitter", "0.3", "--points", "100", "--samples", "50",
                "--out", dir.resolve("c").toString());
        assertEquals(0, other.status(), other.out() + other.err());
        assertTrue(other.out().contains("\nnote: the model was trained on spiral (jitter 0.1) but is measured against spiral "
                + "(jitter 0.3) (--jitter 0.3).\n"), other.out());
        assertFalse(metrics(own).equals(metrics(other)), "--jitter 0.3 was not used");
    }

    @Test
    @DisplayName("--jitter with a loaded non-spiral model is a usage error that names the checkpoint's dataset")
    void loadJitterWithoutSpiral(@TempDir Path dir) throws IOException {
        Path ckpt = checkpointOf(dir, new TrainingData(Dataset.CIRCLES, 0.02, 300));
        Result r = run("--load-checkpoint", ckpt.toString(), "--jitter", "0.1", "--out", dir.resolve("a").toString());
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().contains("--jitter 0.1 is invalid here") && r.err().contains("trained on circles"), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--dataset=galaxy", "--schedule=quadratic", "--sampler=ddpm2", "--ddim-steps=3",
        "--sampler=ddim --ddim-steps=0", "--sampler=ddim --ddim-steps=21", "--sampler=ddim --eta=1.5", "--eta=0.5",
        "--clip-x0=-1,1", "--sampler=posterior --clip-x0=1,-1", "--sampler=posterior --clip-x0=abc",
        "--sampler=ddim --clip-x0=1", "--schedule=cosine --beta-end=0.02", "--schedule=cosine --beta-start=0.001",
        "--dataset=moons --jitter=0.1", "--load-checkpoint=/no/such/file", "--load-checkpoint=pom.xml",
        "--recipe=default --optimizer=rmsprop", "--recipe=default --batch-size=0", "--recipe=default --batch-size=half",
        "--recipe=default --embedding=sinusoidal:3", "--recipe=default --embedding=fourier", "--recipe=default --clip-norm=0",
        "--recipe=default --clip-norm=Infinity", "--recipe=default --ema=1", "--recipe=default --ema=no",
        "--recipe=default --lr-schedule=step", "--recipe=default --optimizer=sgd --lr-schedule=cosine",
        "--recipe=default --momentum=0.9", "--recipe=default --optimizer=adam --weight-decay=0.1",
        "--optimizer=adam --momentum=0.9", "--clip-norm=1", "--ema=0.99", "--batch-size=64"})
    @DisplayName("a bad or misplaced value of a new flag prints the usage and the flag and exits with status 2")
    void badNewValue(String flags) {
        String[] args = (flags + " --timesteps=20 --out " + tinyOut.resolve("never")).split(" ");
        Result r = run(args);
        String last = flags.substring(flags.lastIndexOf(' ') + 1);
        String flag = last.substring(0, last.indexOf('='));
        assertAll(
                () -> assertEquals(2, r.status()),
                () -> assertTrue(r.err().contains(flag), r.err()),
                () -> assertTrue(r.err().contains("Usage: diffusion-lab"), r.err()),
                () -> assertEquals("", r.out()),
                () -> assertFalse(Files.exists(tinyOut.resolve("never")), "--out was created for a bad run"));
    }

    @Test
    @DisplayName("an unknown dataset's error lists the valid names")
    void datasetNames() {
        Result r = run("--dataset", "galaxy");
        assertTrue(r.err().contains(org.diffusionlab.data.Dataset.validNames()), r.err());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"--steps=10", "--hidden=8", "--timesteps=10", "--schedule=cosine", "--lr=0.1",
        "--save-checkpoint=x.bin", "--width=8", "--optimizer=adam", "--ema=0.9", "--hidden-layers=3", "--batch-size=8"})
    @DisplayName("with --load-checkpoint the training and schedule flags are rejected")
    void loadRejectsTrainingFlags(String flag, @TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("m.bin");
        new org.diffusionlab.train.Checkpoint(org.diffusionlab.model.Mlp.init(8, new java.util.SplittableRandom(1)),
                NoiseSchedule.linearBetaSchedule(20, 1e-4, 5e-3), TrainConfig.notebook(), null).save(ckpt);
        Result r = run("--load-checkpoint", ckpt.toString(), flag, "--out", dir.resolve("b").toString());
        assertEquals(2, r.status(), r.out() + r.err());
        assertTrue(r.err().contains(flag.substring(0, flag.indexOf('='))), r.err());
    }

    @Test
    @DisplayName("samples far outside the data get a warning that names --clip-x0, and clipping removes them")
    void farSamplesWarning(@TempDir Path dir) throws IOException {
        // A model whose noise predictions are 1e3 times too large, under the cosine schedule: x0_hat explodes.
        var init = org.diffusionlab.model.Mlp.init(8, new java.util.SplittableRandom(1)).parameters();
        var broken = new org.diffusionlab.model.Mlp(init.get(0), init.get(1), init.get(2), init.get(3),
                init.get(4).scale(1e3), init.get(5));
        Path ckpt = dir.resolve("broken.bin");
        new org.diffusionlab.train.Checkpoint(broken, NoiseSchedule.cosineBetaSchedule(20),
                new org.diffusionlab.train.TrainConfig(1, 1e-3, 0.9, 0.9), null).save(ckpt);
        String[] common = {"--load-checkpoint", ckpt.toString(), "--points", "200", "--samples", "100", "--sampler", "posterior"};
        Result raw = run(java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                java.util.stream.Stream.of("--out", dir.resolve("a").toString())).toArray(String[]::new));
        assertEquals(0, raw.status(), raw.out() + raw.err());
        assertTrue(raw.out().contains("WARNING: ") && raw.out().contains("--clip-x0"), raw.out());
        Result clipped = run(java.util.stream.Stream.concat(java.util.Arrays.stream(common),
                java.util.stream.Stream.of("--clip-x0=-1,1", "--out", dir.resolve("b").toString())).toArray(String[]::new));
        assertEquals(0, clipped.status(), clipped.out() + clipped.err());
        assertFalse(clipped.out().contains("samples lie more than"), clipped.out());
        assertFalse(tiny.out().contains("samples lie more than"), tiny.out());
    }

    // ---- --recipe and the model flags ----

    /** The tiny run's flags (without --hidden) with {@code extra} appended. */
    static Result tinyRecipe(Path dir, String... extra) {
        String[] base = {"--steps", "20", "--points", "200", "--samples", "100", "--timesteps", "20", "--out", dir.toString()};
        String[] args = java.util.Arrays.copyOf(base, base.length + extra.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Result r = run(args);
        assertEquals(0, r.status(), r.out() + r.err());
        return r;
    }

    @Test
    @DisplayName("--recipe notebook is the default: the same header and numbers as without the flag")
    void notebookIsDefault(@TempDir Path dir) {
        Result r = tiny(dir, "--recipe", "notebook");
        assertEquals(metrics(tiny), metrics(r));
        assertEquals(tiny.out().lines().findFirst(), r.out().lines().findFirst());
        assertTrue(r.out().startsWith("diffusion-lab: 200 points (jitter 0.02), T = 20, beta 0.0001 -> 0.005, hidden 16, "
                + "20 steps, lr 0.002, momentum 0.999, 100 samples, seed 42"), r.out());
    }

    @Test
    @DisplayName("the notebook recipe's defaults in the command are Recipe.NOTEBOOK's schedule and data size")
    void notebookDefaultsMatchRecipe() {
        RecipeDefaults d = RecipeDefaults.of(Recipe.NOTEBOOK);
        assertArrayEquals(Recipe.NOTEBOOK.schedule().betas(),
                NoiseSchedule.linearBetaSchedule(100, RecipeDefaults.LINEAR_BETA_START, RecipeDefaults.LINEAR_BETA_END).betas());
        assertEquals(Recipe.NOTEBOOK.trainingPoints(), d.points());
        assertEquals(TrainConfig.notebook(), d.model().config());
        assertEquals(Choices.SamplerKind.DDPM, d.sampler());
    }

    @Test
    @DisplayName("--recipe default trains a DeepMlp with mini-batch AdamW, clipping and EMA, and samples with sigma^2 = beta")
    void defaultRecipe(@TempDir Path dir) throws IOException {
        Result r = tinyRecipe(dir, "--recipe", "default", "--width", "16");
        String first = r.out().lines().findFirst().orElseThrow();
        assertTrue(first.contains("cosine schedule, recipe default, " + Recipe.HIDDEN_LAYERS + " x 16 hidden, sinusoidal k="
                + Recipe.EMBEDDING + ", 20 steps, adamw lr "), first);
        assertTrue(first.contains("(cosine decay), weight decay ") && first.contains("full batch, clip 1, ema 0.999"), first);
        assertTrue(r.out().contains("sampler: ddpm"), r.out());
        assertTrue(r.out().contains("100 samples over 20 reverse steps (ddpm)"), r.out());
        assertTrue(Files.exists(dir.resolve("4-loss.png")));
        assertFalse(metrics(r).isEmpty());
        assertFalse(metrics(r).equals(metrics(tiny)), "the default recipe gave the notebook's samples");
    }

    @Test
    @DisplayName("the model flags override the default recipe one by one, and the header says what ran")
    void modelFlags(@TempDir Path a, @TempDir Path b) {
        Result r = tinyRecipe(a, "--recipe", "default", "--optimizer", "sgd", "--batch-size", "32", "--hidden-layers", "2",
                "--width", "8", "--embedding", "sinusoidal:8", "--clip-norm", "off", "--ema", "off", "--lr", "0.01");
        String first = r.out().lines().findFirst().orElseThrow();
        assertTrue(first.contains("recipe default, 2 x 8 hidden, sinusoidal k=8, 20 steps, sgd (momentum 0.9) lr 0.01 "
                + "(constant), batch 32, no clipping, no ema"), first);
        Result adam = tinyRecipe(b, "--recipe", "default", "--optimizer", "adam", "--lr-schedule", "constant",
                "--embedding", "scalar", "--width", "8", "--ema", "0.9", "--clip-norm", "0.5");
        first = adam.out().lines().findFirst().orElseThrow();
        assertTrue(first.contains(Recipe.HIDDEN_LAYERS + " x 8 hidden, scalar t/T, 20 steps, adam lr 0.002 (constant), full "
                + "batch, clip 0.5, ema 0.9"), first);
        assertFalse(metrics(r).equals(metrics(adam)));
    }

    @Test
    @DisplayName("with --recipe notebook, --optimizer adam trains the notebook's network on a full batch with Adam")
    void notebookWithAdam(@TempDir Path dir) {
        Result r = tiny(dir, "--optimizer", "adam");
        String first = r.out().lines().findFirst().orElseThrow();
        assertTrue(first.contains("beta 0.0001 -> 0.005, recipe notebook, 2 x 16 hidden, scalar t/T, 20 steps, adam lr 0.002 "
                + "(constant), full batch, no clipping, no ema"), first);
        assertTrue(r.out().contains("sampler: ddpm"), r.out());
        assertFalse(metrics(r).equals(metrics(tiny)), "Adam gave the samples of momentum SGD");
    }

    @Test
    @DisplayName("a mini-batch flag with --recipe notebook but no --optimizer is a usage error that says why")
    void notebookNeedsOptimizer() {
        Result r = run("--ema", "0.99", "--out", tinyOut.resolve("never").toString());
        assertEquals(2, r.status());
        assertTrue(r.err().contains("--ema 0.99 is invalid here without --optimizer") && r.err().contains("momentum 0.9"), r.err());
    }

    @Test
    @DisplayName("the command's mini-batch training with the default recipe's choices trains exactly what Recipe.DEFAULT.train trains")
    void miniBatchPathIsTheRecipe() {
        SimpleMatrix data = Dataset.MOONS.sample(300, new java.util.SplittableRandom(1));
        Choices.ModelChoice choice = RecipeDefaults.of(Recipe.DEFAULT).model();
        var config = ((org.diffusionlab.train.MiniBatchConfig) choice.config()).withSteps(3);
        Main.Trained viaMain = Main.train(data, Recipe.DEFAULT.schedule(),
                new Choices.ModelChoice(choice.hiddenLayers(), choice.width(), choice.embedding(), config),
                new java.util.SplittableRandom(99), new java.util.SplittableRandom(2), TrainingMonitor.NONE);
        Recipe.Trained viaRecipe = Recipe.DEFAULT.train(data, 3, new java.util.SplittableRandom(2), TrainingMonitor.NONE);
        List<SimpleMatrix> a = ((DeepMlp) viaMain.model()).parameters(), b = ((DeepMlp) viaRecipe.model()).parameters();
        assertEquals(b.size(), a.size());
        for (int k = 0; k < a.size(); k++) assertArrayEquals(b.get(k).getDDRM().data, a.get(k).getDDRM().data, "parameter " + k);
        assertArrayEquals(viaRecipe.smoothedLosses(), viaMain.smoothedLoss());
    }

    @Test
    @DisplayName("each recipe's default sampler in the command draws exactly the samples of the recipe's own sampler")
    void defaultSamplerIsTheRecipes() {
        for (Recipe recipe : Recipe.values()) {
            // an untrained network with visible outputs is enough: the question is which sampler runs
            var model = DeepMlp.init(2, ScalarTimeEmbedding.INSTANCE, 1, 8, 0.5, 0.1, new java.util.SplittableRandom(3));
            NoiseSchedule schedule = recipe.schedule();
            SimpleMatrix viaMain = Main.sample(RecipeDefaults.of(recipe).sampler(), schedule.T(), 0, null, model, 30, schedule,
                    new java.util.SplittableRandom(5)).samples();
            SimpleMatrix viaRecipe = recipe.sample(model, 30, schedule, new java.util.SplittableRandom(5));
            assertArrayEquals(viaRecipe.getDDRM().data, viaMain.getDDRM().data, recipe.id());
        }
    }

    @Test
    @DisplayName("a DeepMlp checkpoint saved by --recipe default gives exactly the original samples when loaded")
    void defaultRecipeCheckpoint(@TempDir Path dir) throws IOException {
        Path ckpt = dir.resolve("deep.bin");
        Result saved = tinyRecipe(dir.resolve("a"), "--recipe", "default", "--width", "8", "--embedding", "sinusoidal:6",
                "--save-checkpoint", ckpt.toString());
        var loadedModel = org.diffusionlab.train.Checkpoint.load(ckpt).model();
        assertEquals(6, ((DeepMlp) loadedModel).embedding().dimension());
        Result loaded = run("--recipe", "default", "--load-checkpoint", ckpt.toString(), "--points", "200", "--samples", "100",
                "--out", dir.resolve("b").toString());
        assertEquals(0, loaded.status(), loaded.out() + loaded.err());
        assertTrue(loaded.out().contains("(" + Recipe.HIDDEN_LAYERS + " x 8 hidden, sinusoidal k=6, trained 20 steps, adamw"),
                loaded.out());
        assertEquals(metrics(saved), metrics(loaded));
        assertImagesEqual(dir.resolve("a/6-real-vs-generated.png"), dir.resolve("b/6-real-vs-generated.png"));
    }

    @Test
    @DisplayName("a version-1 checkpoint file (the first format) still samples from the command")
    void loadsVersionOneCheckpoint(@TempDir Path dir) throws Exception {
        Path v1 = Path.of(org.diffusionlab.train.Checkpoint.class.getResource("checkpoint-v1.bin").toURI());
        Result r = run("--load-checkpoint", v1.toString(), "--points", "200", "--samples", "50", "--out", dir.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("T = 6, schedule from the checkpoint, model from " + v1
                + " (hidden 4, trained 321 steps, lr 0.0015, momentum 0.95)"), r.out());
        // it does not record its dataset: the --dataset default, said so
        assertTrue(r.out().startsWith("diffusion-lab: 200 points (jitter 0.02), "), r.out());
        assertTrue(r.out().contains("\nnote: " + v1 + " does not record the data its model was trained on (checkpoint "
                + "format version 1 or 2); measuring it against --dataset spiral (the default).\n"), r.out());
    }

    @Test
    @DisplayName("a version-2 checkpoint file (no recorded dataset) samples from the command, measured against --dataset")
    void loadsVersionTwoCheckpoint(@TempDir Path dir) throws Exception {
        Path v2 = Path.of(org.diffusionlab.train.Checkpoint.class.getResource("checkpoint-v2.bin").toURI());
        Result r = run("--load-checkpoint", v2.toString(), "--dataset", "moons", "--points", "200", "--samples", "50",
                "--out", dir.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().startsWith("diffusion-lab: 200 moons points, T = 5, schedule from the checkpoint"), r.out());
        assertTrue(r.out().contains("\nnote: " + v2 + " does not record the data its model was trained on (checkpoint "
                + "format version 1 or 2); measuring it against --dataset moons.\n"), r.out());
    }

    @Test
    @DisplayName("with --recipe default, the data, schedule and sampler flags still apply")
    void defaultRecipeWithOtherFlags(@TempDir Path dir) {
        Result r = tinyRecipe(dir, "--recipe", "default", "--width", "8", "--dataset", "moons", "--schedule", "linear",
                "--beta-end", "0.02", "--sampler", "ddim", "--ddim-steps", "5", "--eta", "0.5", "--clip-x0=-3,3");
        String first = r.out().lines().findFirst().orElseThrow();
        assertTrue(first.startsWith("diffusion-lab: 200 moons points, T = 20, beta 0.0001 -> 0.02, recipe default"), first);
        assertTrue(r.out().contains("100 samples over 5 reverse steps (ddim)") && r.out().contains("x0_hat clipped"), r.out());
    }

    // ---- the metric floors ----

    @Test
    @DisplayName("a model that returns its own training points reads about 1x its floor, not below it")
    void memorizerReadsItsFloor() {
        // The floors compare held-out data only. 500 training points offered as "samples" are then almost one
        // more real sample: ratio ≈ 0.85 (not 1, because standardizing the training set by its own mean and std
        // matches those moments exactly, which its subsets partly inherit; generated samples do not). Compared
        // with the training set itself, as the command used to, they read ≈ 0.45.
        double sum = 0, old = 0;
        int seeds = 4;
        for (int seed = 0; seed < seeds; seed++) {
            java.util.SplittableRandom root = new java.util.SplittableRandom(seed);
            SimpleMatrix data = Main.draw(Dataset.SPIRAL, 0.02, 1500, root.split());
            SimpleMatrix memorized = data.extractMatrix(0, 500, 0, 2);
            HeldOutPairs real = MetricTable.heldOut(Dataset.SPIRAL, 0.02, 500, root.split(), root.split());
            MetricTable.Floored sw = MetricTable.Floored.of("sliced W1", Wasserstein::sliced, memorized, real);
            sum += sw.value()[0] / sw.floor()[0] / seeds;
            old += Wasserstein.sliced(memorized, data) / sw.floor()[0] / seeds;
        }
        // Single ratios at n = 500 spread by ~10% (0.75..1.03 over seeds 0..7); the mean of 4 lies well inside [0.65, 1.3].
        assertTrue(sum > 0.65 && sum < 1.3, "held-out ratio " + sum);
        assertTrue(old < 0.6, "the training-set comparison should read below the floor (" + old + "), or this test shows nothing");
    }

    @Test
    @DisplayName("held-out samples of a two-part dataset split between the parts at random, as generated samples do")
    void heldOutIsShuffled() {
        // A fresh draw of two_gaussians alternates the blobs, so 100 rows would hold exactly 50 of each;
        // rows of the shuffled pool follow (almost) Binomial(100, 1/2): standard deviation 5.
        double[] counts = new double[40];
        for (int seed = 0; seed < counts.length; seed++) {
            java.util.SplittableRandom root = new java.util.SplittableRandom(seed);
            SimpleMatrix a = MetricTable.heldOut(Dataset.TWO_GAUSSIANS, 0, 100, root.split(), root.split()).a(0);
            for (int i = 0; i < 100; i++) if (a.get(i, 0) < 0) counts[seed]++;
        }
        double mean = java.util.Arrays.stream(counts).average().orElseThrow();
        double var = java.util.Arrays.stream(counts).map(c -> (c - mean) * (c - mean)).sum() / (counts.length - 1);
        // 40 draws: the sample variance of a variance-25 binomial lies in [10, 45] with overwhelming probability.
        assertTrue(var > 10 && var < 45, "variance of the blob counts " + var);
        assertEquals(MetricTable.HELD_OUT_PAIRS, MetricTable.heldOut(Dataset.MOONS, 0, 10, new java.util.SplittableRandom(1),
                new java.util.SplittableRandom(2)).size());
    }
}
