package org.diffusionlab.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * The 8×8 handwritten digits shipped with this project: the 1797 test images of the UCI set
 * "Optical Recognition of Handwritten Digits" (Alpaydin &amp; Kaynak 1998, CC BY 4.0; see
 * {@code DIGITS-ATTRIBUTION.md} beside {@code digits.csv.gz} in the resources). Each pixel is a
 * count 0..16 of "on" pixels in a 4×4 block of the original 32×32 bitmap.
 *
 * <p>Scaling: x = v/8 − 1 maps the counts 0..16 onto [−1, 1] (0 → −1 background, 16 → +1 ink).
 *
 * <p><b>Fixed split, stratified by label:</b> walking the file in order, the k-th image of each
 * digit (k = 0, 1, 2, … counted per digit) is held out when k mod 5 = 4. So every fifth image of
 * every digit is held out: {@value #HELD_OUT} images (34 to 36 per digit) are held out and
 * {@value #TRAIN} are for training, the same on every machine and in every run. (Holding out
 * every fifth image of the file instead would leave between 21 and 52 of a digit.)
 */
public final class Digits {

    /** Images in the file. */
    public static final int SIZE = 1797;
    /** Images in {@link #heldOut()}: every fifth image of each digit (class comment). */
    public static final int HELD_OUT = 355;
    /** Images in {@link #train()}. */
    public static final int TRAIN = SIZE - HELD_OUT;
    /** Side of the square images. */
    public static final int SIDE = 8;
    /** The largest count in a pixel. */
    public static final int MAX_VALUE = 16;

    private static final String RESOURCE = "digits.csv.gz";
    private static ImageSet cached;

    private Digits() {}

    /** All 1797 images with their labels, pixels scaled to [−1, 1] (class comment). */
    public static synchronized ImageSet all() {
        if (cached == null) {
            try (InputStream raw = Digits.class.getResourceAsStream(RESOURCE)) {
                if (raw == null) {
                    throw new IllegalStateException("resource " + RESOURCE + " is missing from the classpath (org/diffusionlab/data/)");
                }
                cached = parse(new GZIPInputStream(raw));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + RESOURCE, e);
            }
        }
        return cached;
    }

    /** The {@value #TRAIN} training images (class comment), in file order. */
    public static ImageSet train() {
        return split(false);
    }

    /** The {@value #HELD_OUT} held-out images (class comment), in file order. */
    public static ImageSet heldOut() {
        return split(true);
    }

    private static ImageSet split(boolean heldOut) {
        ImageSet all = all();
        int[] idx = new int[heldOut ? HELD_OUT : TRAIN];
        int[] seen = new int[all.classes()];
        int k = 0;
        for (int i = 0; i < all.size(); i++) {
            boolean held = seen[all.labels()[i]]++ % 5 == 4;
            if (held == heldOut) idx[k++] = i;
        }
        return all.subset(idx, heldOut ? "digits 8x8 held-out" : "digits 8x8 train");
    }

    /** Pixel count v in 0..16 → v/8 − 1 in [−1, 1]. */
    public static double scale(int v) {
        if (v < 0 || v > MAX_VALUE) {
            throw new IllegalArgumentException("v = " + v + " is invalid: a digits pixel lies in [0, " + MAX_VALUE + "]");
        }
        return v / (MAX_VALUE / 2.0) - 1.0;
    }

    static ImageSet parse(InputStream in) throws IOException {
        List<double[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) continue;
            String[] parts = line.split(",");
            if (parts.length != SIDE * SIDE + 1) {
                throw new IOException("line " + lineNo + " of " + RESOURCE + " has " + parts.length + " values, expected 65");
            }
            double[] x = new double[SIDE * SIDE];
            for (int j = 0; j < x.length; j++) x[j] = scale((int) Double.parseDouble(parts[j]));
            images.add(x);
            labels.add((int) Double.parseDouble(parts[SIDE * SIDE]));
        }
        return new ImageSet("digits 8x8", images.toArray(double[][]::new),
                labels.stream().mapToInt(Integer::intValue).toArray(), 1, SIDE, SIDE, 10);
    }
}
