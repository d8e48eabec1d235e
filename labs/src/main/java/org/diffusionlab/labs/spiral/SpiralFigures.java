package org.diffusionlab.labs.spiral;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.ejml.simple.SimpleMatrix;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The walkthrough's figures, as PNG files (given; XChart). The same figures as the notebook:
 * the dataset, the schedule, forward snapshots, the loss curve, real vs generated, reverse snapshots.
 */
final class SpiralFigures {

    private final Path dir;

    SpiralFigures(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
    }

    /** One scatter plot of the rows of {@code points}. */
    Path scatter(String file, String title, SimpleMatrix points) throws IOException {
        XYChart chart = scatterChart(title, 500, 500);
        addPoints(chart, "points", points);
        return save(List.of(chart), file);
    }

    /** Real and generated points on one plot. */
    Path realVsGenerated(String file, SimpleMatrix real, SimpleMatrix generated) throws IOException {
        XYChart chart = scatterChart("Real vs generated", 550, 550);
        chart.getStyler().setLegendVisible(true);
        addPoints(chart, "real", real);
        addPoints(chart, "generated", generated);
        return save(List.of(chart), file);
    }

    /** One panel per entry, titled "t = key", side by side. */
    Path panels(String file, String what, Map<Integer, SimpleMatrix> byT) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        for (Map.Entry<Integer, SimpleMatrix> e : byT.entrySet()) {
            XYChart chart = scatterChart(what + ", t = " + e.getKey(), 350, 350);
            addPoints(chart, "t = " + e.getKey(), e.getValue());
            charts.add(chart);
        }
        return save(charts, file);
    }

    /** y[i] against i + 1 (t or step, both 1-based). */
    Path line(String file, String title, String xLabel, String yLabel, double[] y) throws IOException {
        XYChart chart = new XYChartBuilder().width(550).height(400).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendVisible(false);
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) x[i] = i + 1;
        chart.addSeries(yLabel, x, y).setMarker(SeriesMarkers.NONE);
        return save(List.of(chart), file);
    }

    private static XYChart scatterChart(String title, int width, int height) {
        XYChart chart = new XYChartBuilder().width(width).height(height).title(title).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setLegendVisible(false);
        return chart;
    }

    private static void addPoints(XYChart chart, String name, SimpleMatrix points) {
        double[] x = new double[points.getNumRows()], y = new double[points.getNumRows()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i, 0);
            y[i] = points.get(i, 1);
        }
        chart.addSeries(name, x, y);
    }

    private Path save(List<XYChart> charts, String file) throws IOException {
        Path path = dir.resolve(file);
        if (charts.size() == 1) {
            BitmapEncoder.saveBitmap(charts.get(0), path.toString(), BitmapEncoder.BitmapFormat.PNG);
        } else {
            BitmapEncoder.saveBitmap(charts, 1, charts.size(), path.toString(), BitmapEncoder.BitmapFormat.PNG);
        }
        return path;
    }
}
