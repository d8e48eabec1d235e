package org.diffusionlab.labs.images;

/**
 * A batch of feature maps: n images of c channels, each h × w, stored flat in {@code data} in the
 * order (image, channel, row, column), the layout of the core's tensors and of PyTorch's NCHW.
 *
 * @param n images in the batch
 * @param c channels
 * @param h rows
 * @param w columns
 * @param data n·c·h·w values; entry (b, ch, i, j) is at {@link #index}
 */
public record Maps(int n, int c, int h, int w, double[] data) {

    public Maps {
        if (n < 1 || c < 1 || h < 1 || w < 1) throw new IllegalArgumentException("shape " + n + "x" + c + "x" + h + "x" + w + " is invalid: all sizes must be >= 1");
        if (data == null || data.length != n * c * h * w) {
            throw new IllegalArgumentException("data.length = " + (data == null ? "null" : data.length) + " is invalid: expected " + n * c * h * w);
        }
    }

    /** All zeros. */
    public static Maps zeros(int n, int c, int h, int w) {
        return new Maps(n, c, h, w, new double[n * c * h * w]);
    }

    /** Zeros of the same shape. */
    public Maps zerosLike() {
        return zeros(n, c, h, w);
    }

    /** The flat position of (image b, channel ch, row i, column j). */
    public int index(int b, int ch, int i, int j) {
        return ((b * c + ch) * h + i) * w + j;
    }

    public double get(int b, int ch, int i, int j) {
        return data[index(b, ch, i, j)];
    }

    public String shape() {
        return n + "x" + c + "x" + h + "x" + w;
    }
}
