package org.diffusionlab.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader of IDX files, the format of MNIST and Fashion-MNIST (LeCun et al.): a big-endian header
 * <pre>
 *   0x00 0x00 type ndim     (type 0x08 = unsigned byte, the only one used by these sets)
 *   ndim × int32 sizes      (images: n, rows, cols; labels: n)
 * </pre>
 * followed by the n·∏sizes bytes, last dimension fastest. Files may be gzip-compressed (detected
 * by the gzip magic bytes 0x1f 0x8b, not by the file name).
 */
public final class IdxFiles {

    /** The IDX type code of unsigned bytes. */
    public static final int UNSIGNED_BYTE = 0x08;

    private IdxFiles() {}

    /** Images as raw bytes 0..255: {@code [n][rows·cols]}, row by row. */
    public record RawImages(int rows, int cols, int[][] pixels) {}

    /**
     * Reads an idx3 image file (3 dimensions: n, rows, cols).
     *
     * @throws IOException if the file is unreadable, truncated or not an idx3-ubyte file
     */
    public static RawImages readImages(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int[] dims = header(in, file, 3);
            int n = dims[0], rows = dims[1], cols = dims[2];
            int[][] pixels = new int[n][rows * cols];
            byte[] buf = new byte[rows * cols];
            for (int i = 0; i < n; i++) {
                readFully(in, buf, file, i);
                for (int j = 0; j < buf.length; j++) pixels[i][j] = buf[j] & 0xff;
            }
            return new RawImages(rows, cols, pixels);
        }
    }

    /**
     * Reads an idx1 label file (1 dimension: n).
     *
     * @throws IOException if the file is unreadable, truncated or not an idx1-ubyte file
     */
    public static int[] readLabels(Path file) throws IOException {
        try (DataInputStream in = open(file)) {
            int n = header(in, file, 1)[0];
            byte[] buf = new byte[n];
            readFully(in, buf, file, 0);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) labels[i] = buf[i] & 0xff;
            return labels;
        }
    }

    /**
     * An image file and its label file as an {@link ImageSet}, pixels p in 0..255 scaled to
     * p/127.5 − 1 in [−1, 1].
     *
     * @param limit keep only the first {@code limit} images (≥ 1)
     * @param classes number of labels (10 for MNIST and Fashion-MNIST)
     */
    public static ImageSet read(String name, Path images, Path labels, int limit, int classes) throws IOException {
        if (limit < 1) {
            throw new IllegalArgumentException("limit = " + limit + " is invalid: must be >= 1");
        }
        RawImages raw = readImages(images);
        int[] y = readLabels(labels);
        if (y.length != raw.pixels().length) {
            throw new IOException(labels + " holds " + y.length + " labels but " + images + " holds " + raw.pixels().length + " images");
        }
        int n = Math.min(limit, y.length);
        double[][] x = new double[n][];
        int[] keptLabels = new int[n];
        for (int i = 0; i < n; i++) {
            int[] p = raw.pixels()[i];
            x[i] = new double[p.length];
            for (int j = 0; j < p.length; j++) x[i][j] = p[j] / 127.5 - 1.0;
            keptLabels[i] = y[i];
        }
        return new ImageSet(name, x, keptLabels, 1, raw.rows(), raw.cols(), classes);
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file));
        in.mark(2);
        int b0 = in.read(), b1 = in.read();
        in.reset();
        if (b0 == 0x1f && b1 == 0x8b) in = new BufferedInputStream(new GZIPInputStream(in));
        return new DataInputStream(in);
    }

    private static int[] header(DataInputStream in, Path file, int expectedDims) throws IOException {
        int magic = in.readInt();
        int type = (magic >>> 8) & 0xff, ndim = magic & 0xff;
        if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || ndim != expectedDims) {
            throw new IOException(file + ": magic number 0x" + Integer.toHexString(magic) + " is not an idx"
                    + expectedDims + "-ubyte file (expected 0x00000" + Integer.toHexString(UNSIGNED_BYTE << 8 | expectedDims) + ")");
        }
        int[] dims = new int[ndim];
        for (int d = 0; d < ndim; d++) {
            dims[d] = in.readInt();
            if (dims[d] < 0) throw new IOException(file + ": dimension " + d + " = " + dims[d] + " is negative");
        }
        return dims;
    }

    private static void readFully(DataInputStream in, byte[] buf, Path file, int item) throws IOException {
        try {
            in.readFully(buf);
        } catch (java.io.EOFException e) {
            throw new IOException(file + " is truncated (at item " + item + ")", e);
        }
    }
}
