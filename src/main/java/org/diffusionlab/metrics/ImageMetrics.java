package org.diffusionlab.metrics;

import java.util.random.RandomGenerator;
import org.diffusionlab.data.ImageSet;

/**
 * Every number by which generated images are judged, each beside what real images score:
 * <ul>
 *   <li>the Fréchet distance between the judge's features of m generated and m held-out images,
 *       beside its floor, the same distance between m training and the same m held-out images
 *       (m = the smallest of the three set sizes; real-vs-real is what a perfect generator would
 *       score at this sample size);</li>
 *   <li>conditional accuracy: how often the judge reads the label each image was generated for
 *       (beside the judge's own accuracy on held-out images), overall and per label;</li>
 *   <li>{@link Memorisation}: nearest-training-image distances, generated vs held-out.</li>
 * </ul>
 *
 * @param size m
 * @param frechet FD(generated, held-out)
 * @param frechetFloor FD(train, held-out)
 * @param conditionalAccuracy fraction of generated images the judge labels as requested
 * @param perLabelAccuracy the same per requested label (NaN for labels not requested)
 * @param predictedCounts how many generated images the judge puts in each class
 * @param memorisation nearest-training distances
 */
public record ImageMetrics(int size, double frechet, double frechetFloor, double conditionalAccuracy, double[] perLabelAccuracy,
                           int[] predictedCounts, Memorisation memorisation) {

    /** frechet / frechetFloor: 1 is as good as real images at this sample size. */
    public double frechetRatio() {
        return frechet / frechetFloor;
    }

    /**
     * @param generated the generated images (flattened like the data)
     * @param labels the label each was generated for
     * @param rng draws the m held-out and m training images
     */
    public static ImageMetrics measure(DigitClassifier judge, double[][] generated, int[] labels, ImageSet train, ImageSet heldOut,
                                       RandomGenerator rng) {
        int m = Math.min(generated.length, Math.min(heldOut.size(), train.size()));
        double[][] held = pick(heldOut.images(), m, rng), trainPart = pick(train.images(), m, rng);
        double[][] gen = java.util.Arrays.copyOf(generated, m);
        double fd = FrechetDistance.between(judge.features(gen), judge.features(held));
        double floor = FrechetDistance.between(judge.features(trainPart), judge.features(held));
        int classes = heldOut.classes();
        double[] right = new double[classes], total = new double[classes];
        for (int i = 0; i < generated.length; i++) {
            total[labels[i]]++;
            if (judge.predict(generated[i]) == labels[i]) right[labels[i]]++;
        }
        double[] perLabel = new double[classes];
        for (int k = 0; k < classes; k++) perLabel[k] = total[k] == 0 ? Double.NaN : right[k] / total[k];
        return new ImageMetrics(m, fd, floor, judge.accuracy(generated, labels), perLabel, judge.predictedCounts(generated),
                Memorisation.measure(generated, heldOut.images(), train.images()));
    }

    /** A random subset of {@code size} rows (without replacement, partial Fisher–Yates). */
    static double[][] pick(double[][] rows, int size, RandomGenerator rng) {
        int[] idx = new int[rows.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        for (int i = 0; i < size; i++) {
            int j = i + rng.nextInt(idx.length - i);
            int tmp = idx[i];
            idx[i] = idx[j];
            idx[j] = tmp;
        }
        double[][] out = new double[size][];
        for (int i = 0; i < size; i++) out[i] = rows[idx[i]];
        return out;
    }
}
