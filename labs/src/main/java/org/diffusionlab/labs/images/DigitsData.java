package org.diffusionlab.labs.images;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Exercise 1 — the data. The 8×8 handwritten digits of UCI (1797 images, CC BY 4.0) count ink in
 * each pixel: an integer 0..16. A diffusion model wants pixels in [−1, 1], the range of its noise.
 */
public final class DigitsData {

    /** Side of an image. */
    public static final int SIDE = 8;
    /** Largest raw pixel value. */
    public static final int MAX_VALUE = 16;

    private DigitsData() {}

    /** The raw digits and their labels, as shipped (pixels 0..16). */
    public record Raw(int[][] pixels, int[] labels) {}

    /**
     * <b>TODO 1.1</b> (Time: ~10 min) — scale every raw pixel to [−1, 1]:
     * <pre>
     *   x = v / 8 − 1        (0 → −1, 8 → 0, 16 → 1)
     * </pre>
     * so that the data has the same range as the noise the forward process adds (mean 0, most
     * mass in ±2), and x̂0 can be clipped to [−1, 1] (exercise 5).
     *
     * <p>Hint: a new {@code double[images][pixels]}; divide by {@code MAX_VALUE / 2.0} (a double:
     * {@code v / 8} on ints rounds down). Do not change the input.
     *
     * @param raw images × 64 pixel counts in 0..16
     * @return images × 64 values in [−1, 1]
     */
    public static double[][] scale(int[][] raw) {
        throw new UnsupportedOperationException("TODO 1.1: scale: v / 8 - 1 for every pixel");
    }

    /** Reads the shipped {@code digits.csv.gz} (64 pixels and a label per line) from the classpath. */
    public static Raw load() throws IOException {
        InputStream in = DigitsData.class.getResourceAsStream("/org/diffusionlab/data/digits.csv.gz");
        if (in == null) throw new IOException("digits.csv.gz is not on the classpath (build the core first)");
        List<int[]> pixels = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                String[] parts = line.split(",");
                int[] x = new int[SIDE * SIDE];
                for (int j = 0; j < x.length; j++) x[j] = (int) Double.parseDouble(parts[j]);
                pixels.add(x);
                labels.add((int) Double.parseDouble(parts[SIDE * SIDE]));
            }
        }
        return new Raw(pixels.toArray(int[][]::new), labels.stream().mapToInt(Integer::intValue).toArray());
    }
}
