package org.diffusionlab.plot;

import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Grey images in a grid, written as a PNG with {@code javax.imageio}: image k goes to row
 * ⌊k/columns⌋, column k mod columns; each pixel value v in [−1, 1] becomes the grey level
 * round((v + 1)/2·255) (clamped: −1 black, +1 white) and is drawn as a zoom×zoom square; images
 * are separated by a {@value #GAP}-pixel mid-grey gap. Only the first channel is drawn.
 */
public final class ImageGrid {

    /** Pixels between images. */
    public static final int GAP = 2;

    private ImageGrid() {}

    /**
     * @param images flattened C×H×W images (channel-major), at most rows·columns of them
     * @param zoom screen pixels per image pixel, ≥ 1
     */
    public static BufferedImage render(double[][] images, int height, int width, int rows, int columns, int zoom) {
        if (rows < 1 || columns < 1) throw new IllegalArgumentException("rows x columns = " + rows + "x" + columns + " is invalid: both must be >= 1");
        if (zoom < 1) throw new IllegalArgumentException("zoom = " + zoom + " is invalid: must be >= 1");
        if (images.length > rows * columns) {
            throw new IllegalArgumentException("images.length = " + images.length + " is invalid: the grid holds " + rows * columns);
        }
        int cellW = width * zoom + GAP, cellH = height * zoom + GAP;
        BufferedImage img = new BufferedImage(columns * cellW + GAP, rows * cellH + GAP, BufferedImage.TYPE_BYTE_GRAY);
        // Levels go straight into the raster: setRGB would convert sRGB to the grey space's linear
        // scale and turn level 128 into 55.
        WritableRaster raster = img.getRaster();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) raster.setSample(x, y, 0, 128);
        }
        for (int k = 0; k < images.length; k++) {
            if (images[k].length < height * width) {
                throw new IllegalArgumentException("images[" + k + "].length = " + images[k].length + " is invalid: need at least " + height * width);
            }
            int x0 = GAP + (k % columns) * cellW, y0 = GAP + (k / columns) * cellH;
            for (int i = 0; i < height; i++) {
                for (int j = 0; j < width; j++) {
                    int level = level(images[k][i * width + j]);
                    for (int a = 0; a < zoom; a++) {
                        for (int b = 0; b < zoom; b++) raster.setSample(x0 + j * zoom + b, y0 + i * zoom + a, 0, level);
                    }
                }
            }
        }
        return img;
    }

    /** The grey level 0..255 of a pixel value in [−1, 1] (clamped). */
    public static int level(double v) {
        if (Double.isNaN(v)) return 0;
        return (int) Math.round(Math.max(0, Math.min(1, (v + 1) / 2)) * 255);
    }

    /** {@link #render} written to {@code file} as PNG (parent folders created). */
    public static void write(Path file, double[][] images, int height, int width, int rows, int columns, int zoom) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        if (!ImageIO.write(render(images, height, width, rows, columns, zoom), "png", file.toFile())) {
            throw new IOException("no PNG writer available for " + file);
        }
    }
}
