package org.diffusionlab.model.image;

import java.util.Arrays;

/**
 * A batch of feature maps, shape N×C×H×W, row-major in {@link #data}: element (b, c, i, j) sits at
 * ((b·C + c)·H + i)·W + j. A batch of vectors is N×D×1×1.
 */
public final class Tensor {

    public final int n;
    public final int c;
    public final int h;
    public final int w;
    /** The N·C·H·W values (live). */
    public final double[] data;

    /** A tensor of zeros. */
    public Tensor(int n, int c, int h, int w) {
        this(n, c, h, w, new double[checkedSize(n, c, h, w)]);
    }

    /**
     * A tensor over existing values (not copied).
     *
     * @param data N·C·H·W values
     */
    public Tensor(int n, int c, int h, int w, double[] data) {
        int size = checkedSize(n, c, h, w);
        if (data.length != size) {
            throw new IllegalArgumentException("data.length = " + data.length + " is invalid: shape "
                    + n + "x" + c + "x" + h + "x" + w + " needs " + size);
        }
        this.n = n;
        this.c = c;
        this.h = h;
        this.w = w;
        this.data = data;
    }

    private static int checkedSize(int n, int c, int h, int w) {
        if (n < 1 || c < 1 || h < 1 || w < 1) {
            throw new IllegalArgumentException("shape = " + n + "x" + c + "x" + h + "x" + w + " is invalid: every size must be >= 1");
        }
        return Math.multiplyExact(Math.multiplyExact(n, c), Math.multiplyExact(h, w));
    }

    /**
     * A batch from flattened images (each C·H·W values, channel-major), copied.
     */
    public static Tensor ofImages(double[][] images, int c, int h, int w) {
        Tensor t = new Tensor(images.length, c, h, w);
        int d = c * h * w;
        for (int b = 0; b < images.length; b++) {
            if (images[b].length != d) {
                throw new IllegalArgumentException("images[" + b + "].length = " + images[b].length + " is invalid: expected " + d);
            }
            System.arraycopy(images[b], 0, t.data, b * d, d);
        }
        return t;
    }

    /** Image b as a flat C·H·W copy. */
    public double[] image(int b) {
        int d = c * h * w;
        return Arrays.copyOfRange(data, b * d, (b + 1) * d);
    }

    /** All images as flat copies. */
    public double[][] images() {
        double[][] out = new double[n][];
        for (int b = 0; b < n; b++) out[b] = image(b);
        return out;
    }

    /** The flat index of (b, ch, i, j). */
    public int index(int b, int ch, int i, int j) {
        return ((b * c + ch) * h + i) * w + j;
    }

    public double get(int b, int ch, int i, int j) {
        return data[index(b, ch, i, j)];
    }

    public int size() {
        return data.length;
    }

    /** A zero tensor of the same shape. */
    public Tensor zerosLike() {
        return new Tensor(n, c, h, w);
    }

    public Tensor copy() {
        return new Tensor(n, c, h, w, data.clone());
    }

    /** Whether {@code other} has the same N, C, H, W. */
    public boolean sameShape(Tensor other) {
        return n == other.n && c == other.c && h == other.h && w == other.w;
    }

    /** "N×C×H×W". */
    public String shape() {
        return n + "x" + c + "x" + h + "x" + w;
    }

    static void requireShape(String name, Tensor t, int c, int h, int w) {
        if (t.c != c || t.h != h || t.w != w) {
            throw new IllegalArgumentException(name + " has shape " + t.shape() + ", invalid: expected Nx" + c + "x" + h + "x" + w);
        }
    }
}
