package org.diffusionlab.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The lab's figures, drawn with XChart and written as PNG files. Nothing here needs a display:
 * the class switches AWT to headless mode before any chart exists (unless the caller chose a mode).
 *
 * <p>Point sets are {@code n × 2} matrices of finite values, one point (x, y) per row. Scatter plots use the same
 * scale on both axes, so a circle looks like a circle, and panels of one figure share their axis
 * ranges, so they can be compared at a glance. Time t is 1-based (1..T) as in the rest of the
 * project; t = 0 means the clean data or the final samples.
 *
 * <p>Every method creates the file's parent directories, overwrites an existing file and returns
 * the path it wrote.
 */
public final class Figures {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final Color DATA = new Color(31, 119, 180);
    private static final Color GENERATED = new Color(255, 127, 14);
    private static final Color BACKDROP = new Color(200, 200, 200);
    private static final Font SUPTITLE = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    private static final int SUPTITLE_HEIGHT = 34;
    private static final int PANEL_WIDTH = 300;
    private static final int PANEL_HEIGHT = 330;
    /** Margin around scattered points, as a fraction of the larger data span. */
    private static final double PAD = 0.05;

    private Figures() {}

    /**
     * The t values of the forward-process figure: 1, ⌊T/4⌋, ⌊T/2⌋ and T, leaving out those below
     * 1 or repeated (small T).
     *
     * @param T number of diffusion steps, ≥ 1
     * @return the distinct values in increasing order
     */
    public static SortedSet<Integer> forwardTimes(int T) {
        if (T < 1) {
            throw new IllegalArgumentException("T = " + T + " is invalid: need at least 1 diffusion step");
        }
        SortedSet<Integer> ts = new TreeSet<>();
        for (int t : new int[] {1, T / 4, T / 2, T}) {
            if (t >= 1) ts.add(t);
        }
        return ts;
    }

    /**
     * Scatter plot of the training data x_0 at equal scale, titled with its size.
     *
     * @param data x_0, {@code n × 2}, n ≥ 1
     * @param file where to write the PNG
     */
    public static Path dataset(SimpleMatrix data, Path file) throws IOException {
        requirePoints("data", data);
        AspectChart chart = scatterChart("Training data x_0 (n = " + data.getNumRows() + ")", 520, 520, 3);
        addPoints(chart, "data", data, DATA);
        fitEqual(chart, List.of(data));
        return write(BitmapEncoder.getBufferedImage(chart), file);
    }

    /**
     * Two line plots side by side: β_t against t (left, y from 0) and ᾱ_t = ∏_{s ≤ t} (1 − β_s)
     * against t (right, y on [0, 1], titled with ᾱ_T). The x-axis is t = 1..T; a dot marks t = T.
     *
     * @param schedule the noise schedule
     * @param file where to write the PNG
     */
    public static Path schedule(NoiseSchedule schedule, Path file) throws IOException {
        int T = schedule.T();
        double[] t = new double[T];
        for (int i = 0; i < T; i++) t[i] = i + 1;
        XYChart betas = lineChart("β_t, the noise added at step t", "t", "β_t", 460, 360);
        addLine(betas, "β_t", t, schedule.betas(), DATA);
        XYChart alphaBars = lineChart(String.format(Locale.ROOT, "ᾱ_t, signal kept after t steps (ᾱ_T = %.3f)",
                schedule.terminalAlphaBar()), "t", "ᾱ_t", 460, 360);
        addLine(alphaBars, "ᾱ_t", t, schedule.alphaBars(), GENERATED);
        for (XYChart chart : List.of(betas, alphaBars)) {
            chart.getStyler().setXAxisMin(1.0).setXAxisMax((double) T).setYAxisMin(0.0);
        }
        // On [0, 1] the plot shows how much of the data is left at T, not just the curve's shape.
        alphaBars.getStyler().setYAxisMax(1.0);
        return write(sideBySide("Noise schedule, T = " + T, List.of(betas, alphaBars)), file);
    }

    /**
     * The forward process q(x_t | x_0): one scatter panel per t, side by side in increasing t, each
     * titled with t and ᾱ_t. Panels share their axis ranges at equal scale.
     *
     * @param xtByT x_t ({@code n × 2}) keyed by t in 1..T, typically at {@link #forwardTimes}
     * @param schedule gives ᾱ_t for the panel titles
     * @param file where to write the PNG
     */
    public static Path forwardProcess(SortedMap<Integer, SimpleMatrix> xtByT, NoiseSchedule schedule, Path file)
            throws IOException {
        requirePanels("xtByT", xtByT);
        List<AspectChart> panels = new ArrayList<>();
        for (Map.Entry<Integer, SimpleMatrix> e : xtByT.entrySet()) {
            int t = e.getKey();
            AspectChart chart = scatterChart(String.format(Locale.ROOT, "t = %d  (ᾱ_t = %.3f)", t, schedule.alphaBar(t)),
                    PANEL_WIDTH, PANEL_HEIGHT, 2);
            addPoints(chart, "x_t", e.getValue(), DATA);
            panels.add(chart);
        }
        fitEqual(panels, xtByT.values());
        return write(sideBySide("Forward process: x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε", panels), file);
    }

    /**
     * The training loss curve: the exponentially smoothed MSE between ε̂ and ε against the step
     * number 1..steps, with a dot on the last step and its value in the title.
     *
     * @param smoothedLoss index k holds the smoothed loss after step k + 1; at least one value, all finite
     * @param file where to write the PNG
     */
    public static Path lossCurve(double[] smoothedLoss, Path file) throws IOException {
        if (smoothedLoss.length == 0) {
            throw new IllegalArgumentException("smoothedLoss.length = 0 is invalid: need at least one step");
        }
        for (int i = 0; i < smoothedLoss.length; i++) requireFinite("smoothedLoss[" + i + "]", smoothedLoss[i]);
        double[] step = new double[smoothedLoss.length];
        for (int i = 0; i < step.length; i++) step[i] = i + 1;
        XYChart chart = lineChart(String.format(Locale.ROOT, "Training loss (smoothed), final %.4g", smoothedLoss[smoothedLoss.length - 1]),
                "step", "MSE(ε̂, ε), smoothed", 640, 420);
        addLine(chart, "loss", step, smoothedLoss, DATA);
        chart.getStyler().setXAxisMin(1.0).setXAxisMax((double) step.length);
        return write(BitmapEncoder.getBufferedImage(chart), file);
    }

    /**
     * The reverse process: one scatter panel per snapshot, from the largest t (the starting
     * noise x_T) down to t = 0 (the final samples), each over the training data in light grey.
     * Panels share their axis ranges at equal scale.
     *
     * @param snapshots x_t ({@code n × 2}) keyed by t in 0..T; x_t is the state before the step at t
     * @param data x_0 ({@code m × 2}), drawn behind every panel for reference
     * @param file where to write the PNG
     */
    public static Path reverseSnapshots(SortedMap<Integer, SimpleMatrix> snapshots, SimpleMatrix data, Path file)
            throws IOException {
        requirePanels("snapshots", snapshots);
        requirePoints("data", data);
        List<Integer> ts = new ArrayList<>(snapshots.keySet());
        ts.sort((a, b) -> Integer.compare(b, a));
        List<AspectChart> panels = new ArrayList<>();
        List<SimpleMatrix> shown = new ArrayList<>(snapshots.values());
        shown.add(data);
        for (int t : ts) {
            AspectChart chart = scatterChart(t == 0 ? "t = 0 (samples)" : "t = " + t, PANEL_WIDTH, PANEL_HEIGHT, 2);
            addPoints(chart, "data", data, BACKDROP);
            addPoints(chart, "x_t", snapshots.get(t), GENERATED);
            panels.add(chart);
        }
        fitEqual(panels, shown);
        return write(sideBySide("Reverse process: x_t from noise to samples (grey: data)", panels), file);
    }

    /**
     * Real and generated points overlaid in one scatter plot at equal scale, with a legend.
     *
     * @param real x_0, {@code n × 2}
     * @param generated samples, {@code m × 2}
     * @param caption second title line, e.g. the sliced Wasserstein distance; empty for none
     * @param file where to write the PNG
     */
    public static Path realVsGenerated(SimpleMatrix real, SimpleMatrix generated, String caption, Path file)
            throws IOException {
        requirePoints("real", real);
        requirePoints("generated", generated);
        String title = "Real vs generated" + (caption.isEmpty() ? "" : ": " + caption);
        AspectChart chart = scatterChart(title, 560, 600, 3);
        chart.getStyler().setLegendVisible(true).setLegendPosition(Styler.LegendPosition.OutsideS)
                .setLegendLayout(Styler.LegendLayout.Horizontal);
        addPoints(chart, "real (" + real.getNumRows() + ")", real, DATA);
        addPoints(chart, "generated (" + generated.getNumRows() + ")", generated, translucent(GENERATED));
        fitEqual(chart, List.of(real, generated));
        return write(BitmapEncoder.getBufferedImage(chart), file);
    }

    private static AspectChart scatterChart(String title, int width, int height, int markerSize) {
        AspectChart chart = new AspectChart(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle("x");
        chart.setYAxisTitle("y");
        XYStyler styler = chart.getStyler();
        styler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendVisible(false);
        styler.setMarkerSize(markerSize);
        return chart;
    }

    private static XYChart lineChart(String title, String xTitle, String yTitle, int width, int height) {
        XYChart chart = new XYChart(width, height);
        chart.setTitle(title);
        chart.setXAxisTitle(xTitle);
        chart.setYAxisTitle(yTitle);
        XYStyler styler = chart.getStyler();
        styler.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendVisible(false);
        return chart;
    }

    private static void addPoints(XYChart chart, String name, SimpleMatrix points, Color color) {
        int n = points.getNumRows();
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = points.get(i, 0);
            y[i] = points.get(i, 1);
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.CIRCLE);
        series.setMarkerColor(color);
    }

    /**
     * A line with a dot on its last point. The dot is added first on purpose: XChart 4.0.3 puts a
     * tick at every data value of an axis whose values, in insertion order, are equally spaced
     * (t = 1..T, a linear β), and the labels then overlap. Listing the last point first breaks
     * that spacing, so XChart picks round tick values as usual.
     */
    private static void addLine(XYChart chart, String name, double[] x, double[] y, Color color) {
        int last = x.length - 1;
        XYSeries end = chart.addSeries(name + " (last)", new double[] {x[last]}, new double[] {y[last]});
        end.setMarker(SeriesMarkers.CIRCLE);
        end.setMarkerColor(color);
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setLineStyle(new BasicStroke(2f));
    }

    private static void fitEqual(AspectChart chart, List<SimpleMatrix> pointSets) {
        fitEqual(List.of(chart), pointSets);
    }

    /** Gives every chart the same ranges: the bounding box of all points, padded, at equal scale. */
    private static void fitEqual(List<AspectChart> charts, Iterable<SimpleMatrix> pointSets) {
        double xMin = Double.POSITIVE_INFINITY, xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY, yMax = Double.NEGATIVE_INFINITY;
        for (SimpleMatrix p : pointSets) {
            for (int i = 0; i < p.getNumRows(); i++) {
                xMin = Math.min(xMin, p.get(i, 0));
                xMax = Math.max(xMax, p.get(i, 0));
                yMin = Math.min(yMin, p.get(i, 1));
                yMax = Math.max(yMax, p.get(i, 1));
            }
        }
        // A single point (or a collapsed set) still needs a non-empty range.
        double pad = Math.max(PAD * Math.max(xMax - xMin, yMax - yMin), 1e-3);
        for (AspectChart chart : charts) {
            chart.setEqualAspect(xMin - pad, xMax + pad, yMin - pad, yMax + pad);
        }
    }

    /** Renders the charts left to right into one image under a common title. */
    private static BufferedImage sideBySide(String title, List<? extends XYChart> charts) {
        int width = 0, height = 0;
        List<BufferedImage> images = new ArrayList<>();
        for (XYChart chart : charts) {
            BufferedImage image = BitmapEncoder.getBufferedImage(chart);
            images.add(image);
            width += image.getWidth();
            height = Math.max(height, image.getHeight());
        }
        BufferedImage out = new BufferedImage(width, height + SUPTITLE_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(SUPTITLE);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(title, (width - fm.stringWidth(title)) / 2, (SUPTITLE_HEIGHT + fm.getAscent() - fm.getDescent()) / 2);
            int x = 0;
            for (BufferedImage image : images) {
                g.drawImage(image, x, SUPTITLE_HEIGHT, null);
                x += image.getWidth();
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static Color translucent(Color c) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), 150);
    }

    private static Path write(BufferedImage image, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(image, "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
        return file;
    }

    private static void requirePoints(String name, SimpleMatrix points) {
        if (points.getNumRows() < 1 || points.getNumCols() != 2) {
            throw new IllegalArgumentException(name + " is " + points.getNumRows() + "x" + points.getNumCols()
                    + ", invalid: need n x 2 points with n >= 1");
        }
        for (int i = 0; i < points.getNumRows(); i++) {
            requireFinite(name + "[" + i + "]", points.get(i, 0));
            requireFinite(name + "[" + i + "]", points.get(i, 1));
        }
    }

    /** NaN or infinite values have no place on an axis (and send XChart's tick search into a loop). */
    private static void requireFinite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(name + " = " + value + " is invalid: values to plot must be finite");
        }
    }

    private static void requirePanels(String name, SortedMap<Integer, SimpleMatrix> panels) {
        if (panels.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty, invalid: need at least one panel");
        }
        panels.forEach((t, points) -> requirePoints(name + "[t = " + t + "]", points));
    }
}
