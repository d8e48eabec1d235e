package org.diffusionlab.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.style.XYStyler;

@DisplayName("Figures")
class FiguresTest {

    @TempDir
    Path dir;

    private static final NoiseSchedule SCHEDULE = NoiseSchedule.linearBetaSchedule(100, 1e-4, 5e-3);

    /** n points evenly spread on a circle of the given radius around (cx, cy). */
    private static SimpleMatrix circle(int n, double radius, double cx, double cy) {
        SimpleMatrix p = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            double a = 2 * Math.PI * i / n;
            p.set(i, 0, cx + radius * Math.cos(a));
            p.set(i, 1, cy + radius * Math.sin(a));
        }
        return p;
    }

    private static BufferedImage readPng(Path file) throws IOException {
        assertTrue(Files.isRegularFile(file), file + " was not written");
        assertTrue(Files.size(file) > 0, file + " is empty");
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode as an image");
        return image;
    }

    /** Pixels within a small distance of the colour (r, g, b): how much of a series was drawn. */
    private static int pixelsNear(BufferedImage image, int r, int g, int b) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                int dr = ((rgb >> 16) & 0xff) - r, dg = ((rgb >> 8) & 0xff) - g, db = (rgb & 0xff) - b;
                if (dr * dr + dg * dg + db * db < 40 * 40) count++;
            }
        }
        return count;
    }

    @Test
    @DisplayName("the forward figure shows t = 1, T/4, T/2 and T for the lab's T = 100")
    void forwardTimesOfTheLab() {
        assertEquals(List.of(1, 25, 50, 100), List.copyOf(Figures.forwardTimes(100)));
    }

    @Test
    @DisplayName("for a small T the forward times leave out zeros and repeats")
    void forwardTimesOfSmallT() {
        assertEquals(List.of(1), List.copyOf(Figures.forwardTimes(1)));
        assertEquals(List.of(1, 2), List.copyOf(Figures.forwardTimes(2)));
        assertEquals(List.of(1, 2, 5), List.copyOf(Figures.forwardTimes(5)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Figures.forwardTimes(0));
        assertTrue(e.getMessage().contains("T = 0"), e.getMessage());
    }

    @Test
    @DisplayName("the dataset figure is a 520x520 PNG that shows the points")
    void dataset() throws IOException {
        Path file = Figures.dataset(circle(200, 1, 0, 0), dir.resolve("sub/dataset.png"));
        assertEquals(dir.resolve("sub/dataset.png"), file);
        BufferedImage image = readPng(file);
        assertEquals(520, image.getWidth());
        assertEquals(520, image.getHeight());
        assertTrue(pixelsNear(image, 31, 119, 180) > 200, "too few blue pixels: the points were not drawn");
    }

    @Test
    @DisplayName("the schedule figure puts beta_t and alpha_bar_t side by side under one title")
    void schedule() throws IOException {
        BufferedImage image = readPng(Figures.schedule(SCHEDULE, dir.resolve("schedule.png")));
        assertEquals(2 * 460, image.getWidth());
        assertEquals(360 + 34, image.getHeight());
    }

    @Test
    @DisplayName("the forward figure has one 300-pixel panel per t")
    void forwardProcess() throws IOException {
        SortedMap<Integer, SimpleMatrix> xt = new TreeMap<>();
        for (int t : Figures.forwardTimes(100)) xt.put(t, circle(100, 1 + t / 100.0, 0, 0));
        BufferedImage image = readPng(Figures.forwardProcess(xt, SCHEDULE, dir.resolve("forward.png")));
        assertEquals(4 * 300, image.getWidth());
        assertEquals(330 + 34, image.getHeight());
    }

    @Test
    @DisplayName("the loss figure is a 640x420 PNG")
    void lossCurve() throws IOException {
        double[] loss = new double[500];
        for (int i = 0; i < loss.length; i++) loss[i] = 0.4 + 0.6 * Math.exp(-i / 100.0);
        BufferedImage image = readPng(Figures.lossCurve(loss, dir.resolve("loss.png")));
        assertEquals(640, image.getWidth());
        assertEquals(420, image.getHeight());
    }

    @Test
    @DisplayName("a loss that blew up to 1e124 still plots (XChart's decimal patterns used to hang on it)")
    void hugeLossCurve() throws IOException {
        double[] loss = {1, 1e10, 1e60, 1e124};
        assertEquals(640, readPng(Figures.lossCurve(loss, dir.resolve("huge.png"))).getWidth());
    }

    @Test
    @DisplayName("the reverse figure has one panel per snapshot, data in grey behind the samples")
    void reverseSnapshots() throws IOException {
        SortedMap<Integer, SimpleMatrix> snapshots = new TreeMap<>();
        for (int t : new int[] {100, 50, 25, 1, 0}) snapshots.put(t, circle(100, 1 + t / 50.0, 0, 0));
        BufferedImage image = readPng(Figures.reverseSnapshots(snapshots, circle(150, 1, 0, 0), dir.resolve("reverse.png")));
        assertEquals(5 * 300, image.getWidth());
        assertEquals(330 + 34, image.getHeight());
        assertTrue(pixelsNear(image, 200, 200, 200) > 100, "the grey data backdrop is missing");
        assertTrue(pixelsNear(image, 255, 127, 14) > 100, "the orange samples are missing");
    }

    @Test
    @DisplayName("real vs generated draws both sets, blue and orange, with a legend")
    void realVsGenerated() throws IOException {
        BufferedImage image = readPng(Figures.realVsGenerated(circle(200, 1, 0, 0), circle(200, 2, 0, 0),
                "SW 0.100 (floor 0.050)", dir.resolve("rvg.png")));
        assertEquals(560, image.getWidth());
        assertEquals(600, image.getHeight());
        assertTrue(pixelsNear(image, 31, 119, 180) > 200, "the real points are missing");
        assertTrue(pixelsNear(image, 255, 170, 100) > 200, "the generated points are missing");
    }

    @Test
    @DisplayName("a scatter chart shows x and y at the same scale, whatever its shape")
    void equalAspect() {
        for (int[] size : new int[][] {{600, 300}, {300, 600}, {400, 400}}) {
            AspectChart chart = new AspectChart(size[0], size[1]);
            chart.addSeries("p", new double[] {-1, 3}, new double[] {-2, 0.5});
            chart.setEqualAspect(-1, 3, -2, 0.5);
            XYStyler s = chart.getStyler();
            Rectangle2D area = chart.plotArea();
            double xPerPixel = (s.getXAxisMax() - s.getXAxisMin()) / area.getWidth();
            double yPerPixel = (s.getYAxisMax() - s.getYAxisMin()) / area.getHeight();
            assertEquals(1, xPerPixel / yPerPixel, 0.01, "units per pixel differ for a " + size[0] + "x" + size[1] + " chart");
            // The tight axis equals the data range up to rounding.
            double eps = 1e-9;
            assertTrue(s.getXAxisMin() <= -1 + eps && s.getXAxisMax() >= 3 - eps, "x range cut");
            assertTrue(s.getYAxisMin() <= -2 + eps && s.getYAxisMax() >= 0.5 - eps, "y range cut");
        }
    }

    @Test
    @DisplayName("panels of one figure share their axis ranges")
    void panelsShareRanges() throws IOException {
        SortedMap<Integer, SimpleMatrix> xt = new TreeMap<>();
        xt.put(1, circle(50, 0.1, 5, 5));
        xt.put(2, circle(50, 3, 0, 0));
        BufferedImage image = readPng(Figures.forwardProcess(xt, SCHEDULE, dir.resolve("shared.png")));
        // Same ranges and sizes: the two panels' frames, axes and ticks are pixel-identical below
        // their titles, except where points are drawn; compare the left axis strip of each panel.
        int differing = 0;
        for (int y = 80; y < image.getHeight(); y++) {
            for (int x = 0; x < 45; x++) {
                if (image.getRGB(x, y) != image.getRGB(300 + x, y)) differing++;
            }
        }
        assertEquals(0, differing, "the y axes of the two panels differ");
    }

    @Test
    @DisplayName("NaN points are rejected with the row that holds them")
    void rejectsNaN() {
        SimpleMatrix p = circle(10, 1, 0, 0);
        p.set(7, 1, Double.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Figures.dataset(p, dir.resolve("nan.png")));
        assertTrue(e.getMessage().contains("data[7]") && e.getMessage().contains("NaN"), e.getMessage());
    }

    @Test
    @DisplayName("a point set that is not n x 2, or an empty figure, is rejected")
    void rejectsBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> Figures.dataset(new SimpleMatrix(5, 3), dir.resolve("a.png")));
        assertThrows(IllegalArgumentException.class,
                () -> Figures.forwardProcess(new TreeMap<>(), SCHEDULE, dir.resolve("b.png")));
        assertThrows(IllegalArgumentException.class, () -> Figures.lossCurve(new double[0], dir.resolve("c.png")));
    }

    @Test
    @DisplayName("the schedule comparison puts beta_t, alpha_bar_t and the SNR side by side, one colour per schedule")
    void scheduleComparison() throws IOException {
        var schedules = new java.util.LinkedHashMap<String, NoiseSchedule>();
        schedules.put("linear", SCHEDULE);
        schedules.put("cosine", NoiseSchedule.cosineBetaSchedule(100));
        BufferedImage image = readPng(Figures.scheduleComparison(schedules, dir.resolve("cmp.png")));
        assertEquals(3 * 400, image.getWidth());
        assertEquals(380 + 34, image.getHeight());
        // Both lines are drawn in each panel: blue (linear) and orange (cosine) pixels in all three thirds.
        for (int k = 0; k < 3; k++) {
            BufferedImage panel = image.getSubimage(k * 400, 34, 400, 380);
            assertTrue(pixelsNear(panel, 31, 119, 180) > 50, "no linear line in panel " + k);
            assertTrue(pixelsNear(panel, 255, 127, 14) > 50, "no cosine line in panel " + k);
        }
    }

    @Test
    @DisplayName("the schedule comparison rejects schedules of different T")
    void scheduleComparisonNeedsOneT() {
        var schedules = java.util.Map.of("a", SCHEDULE, "b", NoiseSchedule.cosineBetaSchedule(50));
        assertThrows(IllegalArgumentException.class, () -> Figures.scheduleComparison(schedules, dir.resolve("x.png")));
    }

    @Test
    @DisplayName("the marginal histograms have one panel per axis with real in blue and generated in orange")
    void marginals() throws IOException {
        BufferedImage image = readPng(Figures.marginals(circle(500, 1, 0, 0), circle(300, 1.5, 0.5, 0),
                List.of("x: W1 0.5", "y: W1 0.2"), 30, dir.resolve("m.png")));
        assertEquals(2 * 520, image.getWidth());
        assertEquals(400 + 34, image.getHeight());
        for (int k = 0; k < 2; k++) {
            BufferedImage panel = image.getSubimage(k * 520, 34, 520, 400);
            assertTrue(pixelsNear(panel, 31, 119, 180) > 100, "no real histogram in panel " + k);
            assertTrue(pixelsNear(panel, 255, 127, 14) > 100, "no generated histogram in panel " + k);
        }
        assertThrows(IllegalArgumentException.class, () -> Figures.marginals(circle(5, 1, 0, 0), circle(5, 1, 0, 0),
                List.of("only one"), 30, dir.resolve("bad.png")));
    }

    @Test
    @DisplayName("the summary is a 3x2 grid of 400x360 panels, and works without a loss curve")
    void summary() throws IOException {
        SimpleMatrix data = circle(200, 1, 0, 0);
        for (double[] loss : new double[][] {{1.0, 0.8, 0.5}, {}}) {
            BufferedImage image = readPng(Figures.summary(data, SCHEDULE, loss, circle(100, 1.1, 0, 0), "spiral, ddpm",
                    List.of("sliced W1 0.1 (floor 0.05)"), dir.resolve("s.png")));
            assertEquals(1200, image.getWidth());
            assertEquals(2 * 360 + 34, image.getHeight());
            assertTrue(pixelsNear(image.getSubimage(0, 34, 400, 360), 31, 119, 180) > 200, "no data panel");
            assertTrue(pixelsNear(image.getSubimage(0, 394, 400, 360), 255, 127, 14) > 50, "no samples panel");
        }
    }
}
