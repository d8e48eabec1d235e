package org.diffusionlab.metrics;

import java.util.Arrays;

/**
 * Does the model copy its training images? For each image, the Euclidean distance to its nearest
 * training image; the generated images' distances are compared with those of held-out real
 * images (which the model never saw, so their distances are what "new but similar" looks like).
 * A generated median far below the held-out median, or many generated images closer to a
 * training image than any held-out image is, means copies.
 *
 * @param generatedMedian median nearest-training distance of the generated images
 * @param heldOutMedian the same for the held-out images
 * @param closerThanAnyHeldOut fraction of generated images nearer to a training image than the
 *     nearest held-out image is to one
 */
public record Memorisation(double generatedMedian, double heldOutMedian, double closerThanAnyHeldOut) {

    /** generatedMedian / heldOutMedian: ≈ 1 (or above) for new images, well below 1 for copies. */
    public double ratio() {
        return generatedMedian / heldOutMedian;
    }

    /** Measures both sets against the training images (all flattened, same length). */
    public static Memorisation measure(double[][] generated, double[][] heldOut, double[][] train) {
        double[] g = nearestDistances(generated, train), h = nearestDistances(heldOut, train);
        double minHeld = Arrays.stream(h).min().orElseThrow();
        long closer = Arrays.stream(g).filter(v -> v < minHeld).count();
        return new Memorisation(median(g), median(h), (double) closer / g.length);
    }

    /** For each query, min over the references of ‖q − r‖. */
    public static double[] nearestDistances(double[][] queries, double[][] references) {
        if (queries.length == 0 || references.length == 0) throw new IllegalArgumentException("queries and references must not be empty");
        double[] out = new double[queries.length];
        for (int i = 0; i < queries.length; i++) {
            double best = Double.POSITIVE_INFINITY;
            for (double[] r : references) {
                if (r.length != queries[i].length) throw new IllegalArgumentException("reference length " + r.length + " is invalid: expected " + queries[i].length);
                double s = 0;
                for (int j = 0; j < r.length && s < best; j++) {
                    double d = queries[i][j] - r[j];
                    s += d * d;
                }
                best = Math.min(best, s);
            }
            out[i] = Math.sqrt(best);
        }
        return out;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }
}
