package org.diffusionlab.data;

import java.util.Arrays;

/**
 * A labelled set of images, each flattened channel-major (C×H×W, row by row within a channel)
 * into a {@code double[]} whose pixels lie in [−1, 1].
 *
 * <p><b>Why [−1, 1] and not [0, 1]:</b> the forward process mixes x_0 with N(0, I) noise,
 * x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, so data centred on 0 with a spread of about 1 matches the noise
 * the sampler starts from; the samplers also clip x̂0 to this very interval. Reference notebook
 * 003 lists [0, 1] as the first common mistake.
 *
 * @param name what the images are ("digits 8x8", "fashion-mnist train")
 * @param images n images of {@code channels·height·width} pixels in [−1, 1] (not copied)
 * @param labels n labels in 0..classes−1 (not copied)
 * @param channels C ≥ 1
 * @param height H ≥ 1
 * @param width W ≥ 1
 * @param classes number of labels ≥ 1
 */
public record ImageSet(String name, double[][] images, int[] labels, int channels, int height, int width, int classes) {

    public ImageSet {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("shape = " + channels + "x" + height + "x" + width
                    + " is invalid: channels, height and width must be >= 1");
        }
        if (classes < 1) {
            throw new IllegalArgumentException("classes = " + classes + " is invalid: must be >= 1");
        }
        if (images.length != labels.length) {
            throw new IllegalArgumentException("labels.length = " + labels.length
                    + " is invalid: need one label per image (" + images.length + ")");
        }
        int d = channels * height * width;
        for (int i = 0; i < images.length; i++) {
            if (images[i].length != d) {
                throw new IllegalArgumentException("images[" + i + "].length = " + images[i].length
                        + " is invalid: expected C*H*W = " + d);
            }
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("labels[" + i + "] = " + labels[i] + " is invalid: must lie in [0, " + (classes - 1) + "]");
            }
        }
    }

    /** Number of images n. */
    public int size() {
        return images.length;
    }

    /** Pixels per image, C·H·W. */
    public int pixels() {
        return channels * height * width;
    }

    /**
     * The images at the given indices, in that order (rows shared, not copied).
     *
     * @param indices each in 0..n−1
     * @param newName the subset's name
     */
    public ImageSet subset(int[] indices, String newName) {
        double[][] x = new double[indices.length][];
        int[] y = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size()) {
                throw new IllegalArgumentException("indices[" + i + "] = " + indices[i] + " is invalid: must lie in [0, " + (size() - 1) + "]");
            }
            x[i] = images[indices[i]];
            y[i] = labels[indices[i]];
        }
        return new ImageSet(newName, x, y, channels, height, width, classes);
    }

    /** The first {@code n} images (all when n ≥ size()). */
    public ImageSet first(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + " is invalid: must be >= 1");
        }
        int m = Math.min(n, size());
        return new ImageSet(name, Arrays.copyOf(images, m), Arrays.copyOf(labels, m), channels, height, width, classes);
    }

    /**
     * Down-scaling by averaging non-overlapping f×f blocks: pixel (i, j) of the result is the mean
     * of pixels (f·i + a, f·j + b), a, b in 0..f−1, of each channel (28 → 14 for f = 2). Averages
     * of values in [−1, 1] stay in [−1, 1].
     *
     * @param factor f ≥ 1, dividing both height and width
     */
    public ImageSet downscale(int factor) {
        if (factor < 1 || height % factor != 0 || width % factor != 0) {
            throw new IllegalArgumentException("factor = " + factor + " is invalid: must be >= 1 and divide "
                    + height + "x" + width);
        }
        int h = height / factor, w = width / factor;
        double[][] out = new double[size()][channels * h * w];
        double norm = 1.0 / (factor * factor);
        for (int n = 0; n < size(); n++) {
            for (int c = 0; c < channels; c++) {
                for (int i = 0; i < height; i++) {
                    for (int j = 0; j < width; j++) {
                        out[n][(c * h + i / factor) * w + j / factor] += norm * images[n][(c * height + i) * width + j];
                    }
                }
            }
        }
        return new ImageSet(name + " /" + factor, out, labels, channels, h, w, classes);
    }

    /** How many images carry each label, index = label. */
    public int[] labelCounts() {
        int[] counts = new int[classes];
        for (int y : labels) counts[y]++;
        return counts;
    }
}
