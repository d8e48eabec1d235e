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
    /** Series colours of multi-series line charts, in order. */
    private static final Color[] COLORS = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
        new Color(214, 39, 40)};
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

    /**
     * Schedules compared on one figure, three panels side by side, each against t = 1..T: β_t
     * (left), ᾱ_t (middle, y on [0, 1]) and SNR_t = ᾱ_t / (1 − ᾱ_t) (right, log axis, so the
     * decades of signal a schedule spends at each t can be read off). One colour per schedule,
     * with a legend.
     *
     * @param schedules name → schedule, in legend order; 1 to 4 schedules, all with the same T ≥ 2
     * @param file where to write the PNG
     */
    public static Path scheduleComparison(Map<String, NoiseSchedule> schedules, Path file) throws IOException {
        if (schedules.isEmpty() || schedules.size() > COLORS.length) {
            throw new IllegalArgumentException("schedules has " + schedules.size() + " entries, invalid: need 1 to "
                    + COLORS.length);
        }
        int T = schedules.values().iterator().next().T();
        for (Map.Entry<String, NoiseSchedule> e : schedules.entrySet()) {
            if (e.getValue().T() != T || T < 2) {
                throw new IllegalArgumentException("schedule \"" + e.getKey() + "\" has T = " + e.getValue().T()
                        + ", invalid: all schedules need the same T >= 2 (the first has " + T + ")");
            }
        }
        double[] t = new double[T];
        for (int i = 0; i < T; i++) t[i] = i + 1;
        XYChart betas = lineChart("β_t", "t", "β_t", 400, 380);
        XYChart alphaBars = lineChart("ᾱ_t", "t", "ᾱ_t", 400, 380);
        XYChart snrs = lineChart("SNR_t = ᾱ_t / (1 − ᾱ_t), log axis", "t", "SNR_t", 400, 380);
        int k = 0;
        for (Map.Entry<String, NoiseSchedule> e : schedules.entrySet()) {
            NoiseSchedule s = e.getValue();
            double[] snr = new double[T];
            for (int i = 0; i < T; i++) snr[i] = s.snr(i + 1);
            addLine(betas, e.getKey(), t, s.betas(), COLORS[k]);
            addLine(alphaBars, e.getKey(), t, s.alphaBars(), COLORS[k]);
            addLine(snrs, e.getKey(), t, snr, COLORS[k]);
            k++;
        }
        for (XYChart chart : List.of(betas, alphaBars, snrs)) {
            chart.getStyler().setXAxisMin(1.0).setXAxisMax((double) T).setLegendVisible(true)
                    .setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal);
            hideEndDots(chart);
        }
        betas.getStyler().setYAxisMin(0.0);
        alphaBars.getStyler().setYAxisMin(0.0).setYAxisMax(1.0);
        snrs.getStyler().setYAxisLogarithmic(true);
        return write(sideBySide("Noise schedules compared, T = " + T, List.of(betas, alphaBars, snrs)), file);
    }

    /**
     * Marginal histograms of real and generated points, one panel per axis (x left, y right): the
     * fraction of points in each of {@code bins} equal-width bins over the two sets' common range
     * (so stray samples stay visible; {@code DistributionMetrics.histogramOverlap} bins on the real
     * range only and counts them as not overlapping), drawn as step lines, real in
     * blue, generated in orange. Each panel is titled with its caption, e.g. the axis's W1 and
     * histogram overlap beside their floors.
     *
     * @param real {@code n × 2}
     * @param generated {@code m × 2}
     * @param captions one title per axis (2 strings)
     * @param bins B ≥ 1
     * @param file where to write the PNG
     */
    public static Path marginals(SimpleMatrix real, SimpleMatrix generated, List<String> captions, int bins, Path file)
            throws IOException {
        requirePoints("real", real);
        requirePoints("generated", generated);
        if (captions.size() != 2) {
            throw new IllegalArgumentException("captions has " + captions.size() + " entries, invalid: need one per axis (2)");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins = " + bins + " is invalid: must be >= 1");
        }
        List<XYChart> panels = new ArrayList<>();
        for (int j = 0; j < 2; j++) {
            double[] a = column(real, j), b = column(generated, j);
            double lo = Math.min(min(a), min(b)), hi = Math.max(max(a), max(b));
            XYChart chart = lineChart(captions.get(j), j == 0 ? "x" : "y", "fraction of points per bin", 520, 400);
            chart.getStyler().setLegendVisible(true).setLegendPosition(Styler.LegendPosition.InsideNE);
            addSteps(chart, "real (" + a.length + ")", a, lo, hi, bins, DATA);
            addSteps(chart, "generated (" + b.length + ")", b, lo, hi, bins, GENERATED);
            chart.getStyler().setYAxisMin(0.0);
            panels.add(chart);
        }
        return write(sideBySide("Marginal histograms, real vs generated (" + bins + " bins)", panels), file);
    }

    /**
     * The whole run in one image, a 3 × 2 grid of 400 × 360 panels: top row the training data,
     * the schedule's ᾱ_t and the smoothed loss; bottom row the generated samples over the data
     * (grey) and, across two cells, the metric lines as text.
     *
     * @param data x_0, {@code n × 2}
     * @param schedule the schedule sampled with
     * @param smoothedLoss the loss curve (all finite); empty when the model was not trained in this
     *     run (then the panel says so)
     * @param generated samples, {@code m × 2}
     * @param title the figure's title, e.g. the dataset and sampler
     * @param metricLines lines of the text panel, e.g. each metric beside its floor
     * @param file where to write the PNG
     */
    public static Path summary(SimpleMatrix data, NoiseSchedule schedule, double[] smoothedLoss, SimpleMatrix generated,
                               String title, List<String> metricLines, Path file) throws IOException {
        requirePoints("data", data);
        requirePoints("generated", generated);
        for (int i = 0; i < smoothedLoss.length; i++) requireFinite("smoothedLoss[" + i + "]", smoothedLoss[i]);
        int w = 400, h = 360;
        AspectChart dataChart = scatterChart("Data (n = " + data.getNumRows() + ")", w, h, 2);
        addPoints(dataChart, "data", data, DATA);
        AspectChart samplesChart = scatterChart("Generated (m = " + generated.getNumRows() + "), data in grey", w, h, 2);
        addPoints(samplesChart, "data", data, BACKDROP);
        addPoints(samplesChart, "generated", generated, GENERATED);
        fitEqual(List.of(dataChart, samplesChart), List.of(data, generated));

        int T = schedule.T();
        double[] t = new double[T];
        for (int i = 0; i < T; i++) t[i] = i + 1;
        XYChart alphaBars = lineChart(String.format(Locale.ROOT, "Schedule: ᾱ_t (ᾱ_T = %.3g)", schedule.terminalAlphaBar()),
                "t", "ᾱ_t", w, h);
        addLine(alphaBars, "ᾱ_t", t, schedule.alphaBars(), GENERATED);
        alphaBars.getStyler().setXAxisMin(1.0).setXAxisMax((double) Math.max(T, 2)).setYAxisMin(0.0).setYAxisMax(1.0);

        BufferedImage loss;
        if (smoothedLoss.length == 0) {
            loss = textPanel(List.of("No loss curve:", "the model was loaded,", "not trained in this run."), w, h);
        } else {
            double[] step = new double[smoothedLoss.length];
            for (int i = 0; i < step.length; i++) step[i] = i + 1;
            XYChart lossChart = lineChart(String.format(Locale.ROOT, "Loss (smoothed), final %.4g",
                    smoothedLoss[smoothedLoss.length - 1]), "step", "MSE", w, h);
            addLine(lossChart, "loss", step, smoothedLoss, DATA);
            lossChart.getStyler().setXAxisMin(1.0).setXAxisMax((double) Math.max(step.length, 2));
            loss = BitmapEncoder.getBufferedImage(lossChart);
        }
        BufferedImage out = new BufferedImage(3 * w, 2 * h + SUPTITLE_HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = titledCanvas(out, title);
        try {
            g.drawImage(BitmapEncoder.getBufferedImage(dataChart), 0, SUPTITLE_HEIGHT, null);
            g.drawImage(BitmapEncoder.getBufferedImage(alphaBars), w, SUPTITLE_HEIGHT, null);
            g.drawImage(loss, 2 * w, SUPTITLE_HEIGHT, null);
            g.drawImage(BitmapEncoder.getBufferedImage(samplesChart), 0, SUPTITLE_HEIGHT + h, null);
            g.drawImage(textPanel(metricLines, 2 * w, h), w, SUPTITLE_HEIGHT + h, null);
        } finally {
            g.dispose();
        }
        return write(out, file);
    }

    /** Lines of monospaced text, top-left aligned, on a white panel. */
    private static BufferedImage textPanel(List<String> lines, int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 14));
            int lineHeight = g.getFontMetrics().getHeight();
            int y = 30 + g.getFontMetrics().getAscent();
            for (String line : lines) {
                g.drawString(line, 20, y);
                y += lineHeight;
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /** A histogram as a step line: fraction of {@code values} per bin of [lo, hi], last bin closed. */
    private static void addSteps(XYChart chart, String name, double[] values, double lo, double hi, int bins, Color color) {
        double width = (hi - lo) / bins;
        double[] fraction = new double[bins];
        for (double v : values) {
            int k = width == 0 ? 0 : (int) ((v - lo) / width);
            fraction[Math.min(k, bins - 1)] += 1.0 / values.length;
        }
        // A collapsed range still needs a visible bin.
        double w = width == 0 ? 1e-3 : width;
        double[] x = new double[2 * bins], y = new double[2 * bins];
        for (int k = 0; k < bins; k++) {
            x[2 * k] = lo + k * w;
            x[2 * k + 1] = lo + (k + 1) * w;
            y[2 * k] = fraction[k];
            y[2 * k + 1] = fraction[k];
        }
        XYSeries series = chart.addSeries(name, x, y);
        series.setMarker(SeriesMarkers.NONE);
        series.setLineColor(color);
        series.setLineStyle(new BasicStroke(2f));
    }

    /** Keeps the legend to one entry per schedule: the end dots of {@link #addLine} get no entry. */
    private static void hideEndDots(XYChart chart) {
        for (XYSeries series : chart.getSeriesCollection()) {
            if (series.getName().endsWith(" (last)")) series.setShowInLegend(false);
        }
    }

    private static double[] column(SimpleMatrix m, int j) {
        double[] c = new double[m.getNumRows()];
        for (int i = 0; i < c.length; i++) c[i] = m.get(i, j);
        return c;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) m = Math.min(m, x);
        return m;
    }

    private static double max(double[] v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
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

    /** Graphics on {@code out}, painted white with {@code title} centred in the top {@value #SUPTITLE_HEIGHT} pixels; the caller disposes it. */
    private static Graphics2D titledCanvas(BufferedImage out, String title) {
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        g.setColor(Color.BLACK);
        g.setFont(SUPTITLE);
        FontMetrics fm = g.getFontMetrics();
        g.drawString(title, (out.getWidth() - fm.stringWidth(title)) / 2, (SUPTITLE_HEIGHT + fm.getAscent() - fm.getDescent()) / 2);
        return g;
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
        Graphics2D g = titledCanvas(out, title);
        try {
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
