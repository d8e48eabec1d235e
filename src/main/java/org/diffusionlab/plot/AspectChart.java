package org.diffusionlab.plot;

import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;

/**
 * An {@link XYChart} that can show x and y at the same scale (one data unit is as many pixels
 * across as up), like Matplotlib's {@code plt.axis("equal")}: the axis ranges are widened, never
 * cut, until the plot area's aspect matches the data's.
 */
final class AspectChart extends XYChart {

    AspectChart(int width, int height) {
        super(width, height);
    }

    /**
     * Sets the axis ranges so that [xMin, xMax] × [yMin, yMax] is fully visible at equal scale.
     * The plot area depends on the width of the tick labels, which depend on the ranges, so the
     * chart is laid out a few times until the plot area stops moving.
     */
    void setEqualAspect(double xMin, double xMax, double yMin, double yMax) {
        double cx = (xMin + xMax) / 2, cy = (yMin + yMax) / 2;
        double halfX = (xMax - xMin) / 2, halfY = (yMax - yMin) / 2;
        setRanges(cx - halfX, cx + halfX, cy - halfY, cy + halfY);
        Rectangle2D previous = null;
        for (int pass = 0; pass < 4; pass++) {
            Rectangle2D area = plotArea();
            if (area.equals(previous)) break;
            double unitsPerPixel = Math.max(2 * halfX / area.getWidth(), 2 * halfY / area.getHeight());
            double hx = unitsPerPixel * area.getWidth() / 2, hy = unitsPerPixel * area.getHeight() / 2;
            setRanges(cx - hx, cx + hx, cy - hy, cy + hy);
            previous = area;
        }
    }

    private void setRanges(double xMin, double xMax, double yMin, double yMax) {
        getStyler().setXAxisMin(xMin).setXAxisMax(xMax).setYAxisMin(yMin).setYAxisMax(yMax);
    }

    /** Paints the chart off-screen once and returns (a copy of) the plot area XChart chose, in pixels. */
    Rectangle2D plotArea() {
        BufferedImage scratch = BitmapEncoder.getBufferedImage(this);
        scratch.flush();
        return (Rectangle2D) plot.getBounds().clone();
    }
}
