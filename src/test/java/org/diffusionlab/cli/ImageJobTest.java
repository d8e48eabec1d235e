package org.diffusionlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageJobTest {

    record Result(int status, String out, String err) {}

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    @DisplayName("--dataset digits (a few steps, --gif) writes the grid, the strips, the loss curve, the GIFs and metrics.json with every metric and its floor")
    void digitsEndToEnd(@TempDir Path dir) throws IOException {
        Result r = run("--dataset", "digits", "--steps", "3", "--timesteps", "8", "--samples", "20", "--out", dir.toString(),
                "--prediction", "v", "--guidance", "1.5", "--gif");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("held-out accuracy"), r.out());
        assertTrue(r.out().contains("Frechet distance"), r.out());
        for (String f : new String[] {"samples.png", "forward.png", "reverse.png", "loss.png", "forward.gif", "reverse.gif"}) {
            assertTrue(ImageIO.read(dir.resolve(f).toFile()) != null, f);
        }
        String json = Files.readString(dir.resolve("metrics.json"));
        for (String key : new String[] {"\"frechet_distance\"", "\"frechet_floor\"", "\"conditional_accuracy\"", "\"classifier_heldout_accuracy\"",
                "\"memorisation_ratio\"", "\"prediction\": \"v\"", "\"guidance\": 1.50000", "\"seconds\""}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        // samples.png: 2 rows of 10 images of 8x8 pixels at zoom 6 with 2-pixel gaps
        assertEquals(10 * 50 + 2, ImageIO.read(dir.resolve("samples.png").toFile()).getWidth());
    }

    @Test
    @DisplayName("--sampler ddim with --timestep-spacing leading:1 and a given --label runs and records the spacing")
    void ddimLeading(@TempDir Path dir) throws IOException {
        Result r = run("--dataset", "digits", "--steps", "2", "--timesteps", "10", "--samples", "10", "--out", dir.toString(),
                "--sampler", "ddim", "--ddim-steps", "5", "--timestep-spacing", "leading:1", "--label", "7");
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("DDIM S = 5 (leading:1)"), r.out());
        Result small = run("--dataset", "digits", "--downscale", "2", "--steps", "1", "--timesteps", "4", "--samples", "10",
                "--out", dir.resolve("small").toString());
        assertEquals(0, small.status(), small.err());
        assertTrue(small.out().contains("U-Net 4x4"), small.out());
        String json = Files.readString(dir.resolve("metrics.json"));
        assertTrue(json.contains("\"timestep_spacing\": \"leading:1\"") && json.contains("\"label\": 7"), json);
        Result bad = run("--dataset", "digits", "--sampler", "ddim", "--ddim-steps", "5", "--timesteps", "10", "--timestep-spacing", "leading:3",
                "--out", dir.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--timestep-spacing leading:3 is invalid"), bad.err());
    }

    @Test
    @DisplayName("--save-checkpoint after training, then --load-checkpoint samples from it without training; training flags are rejected with it")
    void checkpoint(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("digits.unet");
        Result saved = run("--dataset", "digits", "--steps", "2", "--timesteps", "6", "--samples", "10", "--out", dir.resolve("a").toString(),
                "--save-checkpoint", file.toString(), "--prediction", "x0");
        assertEquals(0, saved.status(), saved.err());
        assertTrue(Files.exists(file));
        Result loaded = run("--dataset", "digits", "--samples", "10", "--out", dir.resolve("b").toString(), "--load-checkpoint", file.toString(),
                "--guidance", "1");
        assertEquals(0, loaded.status(), loaded.err());
        assertTrue(loaded.out().contains("U-Net from") && loaded.out().contains("x0 prediction") && loaded.out().contains("T = 6"), loaded.out());
        assertTrue(!Files.exists(dir.resolve("b/loss.png")) && Files.exists(dir.resolve("b/samples.png")));
        Result bad = run("--dataset", "digits", "--steps", "5", "--load-checkpoint", file.toString(), "--out", dir.toString());
        assertEquals(2, bad.status());
        assertTrue(bad.err().contains("--steps does not apply with --load-checkpoint"), bad.err());
    }

    @Test
    @DisplayName("a 2-D run writes metrics.json too: every printed metric beside its floor")
    void twoDimensionalMetricsJson(@TempDir Path dir) throws IOException {
        Result r = run("--steps", "20", "--points", "200", "--samples", "100", "--hidden", "16", "--timesteps", "20", "--out", dir.toString());
        assertEquals(0, r.status(), r.err());
        String json = Files.readString(dir.resolve("metrics.json"));
        for (String key : new String[] {"\"dataset\": \"spiral\"", "\"sliced_w1\":", "\"sliced_w1_floor\":", "\"w1\": [", "\"w1_floor\": [",
                "\"overlap\": [", "\"energy_distance\":", "\"energy_distance_floor\":", "\"total_seconds\":"}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
    }

    @Test
    @DisplayName("2-D flags are rejected for images, image flags for 2-D datasets, and bad image values name the flag (exit 2)")
    void flags(@TempDir Path dir) {
        Result a = run("--dataset", "digits", "--points", "100", "--out", dir.toString());
        assertEquals(2, a.status());
        assertTrue(a.err().contains("--points does not apply to --dataset digits"), a.err());
        Result b = run("--dataset", "moons", "--label", "3", "--out", dir.toString());
        assertEquals(2, b.status());
        assertTrue(b.err().contains("--label applies only to --dataset digits or fashion-mnist"), b.err());
        Result c = run("--dataset", "digits", "--prediction", "noise", "--out", dir.toString());
        assertEquals(2, c.status());
        assertTrue(c.err().contains("--prediction = noise is invalid"), c.err());
        Result d = run("--dataset", "digits", "--label", "10", "--out", dir.toString());
        assertEquals(2, d.status());
        assertTrue(d.err().contains("--label = 10 is invalid"), d.err());
        Result f = run("--dataset", "digits", "--downscale", "3", "--out", dir.toString());
        assertEquals(2, f.status());
        assertTrue(f.err().contains("--downscale = 3 is invalid"), f.err());
        Result e = run("--dataset", "fashion-mnist", "--data-dir", dir.toString(), "--out", dir.toString());
        assertEquals(2, e.status());
        assertTrue(e.err().contains("dataset-fashion-mnist"), e.err());
    }
}
