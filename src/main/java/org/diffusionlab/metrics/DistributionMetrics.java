package org.diffusionlab.metrics;

import java.util.function.ToDoubleBiFunction;
import org.ejml.simple.SimpleMatrix;

/**
 * Two more ways to compare generated samples with data, beside {@link Wasserstein}: the overlap of
 * histograms (per axis) and the energy distance (all axes at once). As with every sample-based
 * metric, a value alone means little; {@link #withFloor} reports it beside the same metric between
 * two real samples of the same size.
 */
public final class DistributionMetrics {

    /** Bins of {@link #histogramOverlapPerAxis(SimpleMatrix, SimpleMatrix)}. */
    public static final int DEFAULT_BINS = 50;

    private DistributionMetrics() {}

    /**
     * Histogram intersection of a sample {@code a} with a reference sample {@code b} (the data):
     * with B equal-width bins on the reference's range [lo, hi], lo = min b, hi = max b, and p_k, q_k
     * the fractions of a and of b in bin k (the last bin includes hi),
     * <pre>  overlap = Σ_k min(p_k, q_k)  ∈ [0, 1]</pre>
     * Values of a outside [lo, hi] fall in no bin: they count in a's size but never overlap, so
     * overlap ≤ 1 − (fraction of a outside the reference's range). Binning on the common range
     * instead would let a few exploded samples (say at 10⁶) stretch the bins until every real point
     * shares one bin with the rest of a, and the overlap would read ≈ 1 for a broken model.
     * 1 for identical samples, 0 when no bin holds points of both. Empty bins contribute 0, so the
     * value is defined whatever the data. When the reference is one repeated value (hi = lo) there
     * is one bin, holding the values of a equal to it. Sizes may differ. Not symmetric: pass the
     * real sample second (for a real-vs-real floor, either one).
     *
     * @param a the sample to judge, at least one finite value
     * @param b the reference sample, at least one finite value
     * @param bins B ≥ 1
     */
    public static double histogramOverlap(double[] a, double[] b, int bins) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("a.length = " + a.length + ", b.length = " + b.length
                    + " is invalid: both samples need at least one value");
        }
        if (bins < 1) {
            throw new IllegalArgumentException("bins = " + bins + " is invalid: must be >= 1");
        }
        requireFinite(a);
        requireFinite(b);
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double v : b) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double[] p = fractions(a, lo, hi, bins);
        double[] q = fractions(b, lo, hi, bins);
        double overlap = 0;
        for (int k = 0; k < bins; k++) overlap += Math.min(p[k], q[k]);
        return overlap;
    }

    /**
     * {@link #histogramOverlap} of each coordinate's marginal: result[j] = overlap(a[:, j], b[:, j], bins),
     * b the reference.
     *
     * @param a {@code n × d}
     * @param b {@code m × d}
     * @param bins B ≥ 1
     */
    public static double[] histogramOverlapPerAxis(SimpleMatrix a, SimpleMatrix b, int bins) {
        Wasserstein.checkDims(a, b);
        double[] out = new double[a.getNumCols()];
        for (int j = 0; j < out.length; j++) out[j] = histogramOverlap(Wasserstein.column(a, j), Wasserstein.column(b, j), bins);
        return out;
    }

    /** {@link #histogramOverlapPerAxis(SimpleMatrix, SimpleMatrix, int)} with {@value #DEFAULT_BINS} bins. */
    public static double[] histogramOverlapPerAxis(SimpleMatrix a, SimpleMatrix b) {
        return histogramOverlapPerAxis(a, b, DEFAULT_BINS);
    }

    /**
     * The squared energy distance (Székely &amp; Rizzo) between the empirical distributions of the
     * rows of a ({@code n × d}) and b ({@code m × d}), with Euclidean distances:
     * <pre>
     *   E(a, b) = 2/(n·m)·Σ_i Σ_j ‖a_i − b_j‖ − 1/n²·Σ_i Σ_k ‖a_i − a_k‖ − 1/m²·Σ_j Σ_l ‖b_j − b_l‖
     * </pre>
     * (V-statistics: the i = k terms, which are 0, are included). E ≥ 0 with equality exactly when
     * the two empirical distributions are equal; identical inputs give exactly 0. E is symmetric in
     * a and b. Unlike per-axis metrics it sees the joint shape (two spirals with equal marginals
     * differ). Cost O((n + m)²·d).
     *
     * @param a {@code n × d}, n ≥ 1
     * @param b {@code m × d}, m ≥ 1
     */
    public static double energyDistance(SimpleMatrix a, SimpleMatrix b) {
        Wasserstein.checkDims(a, b);
        if (a.getNumRows() == 0 || b.getNumRows() == 0) {
            throw new IllegalArgumentException("a has " + a.getNumRows() + " rows, b has " + b.getNumRows()
                    + ", invalid: both need at least one point");
        }
        return 2 * meanDistance(a, b) - meanDistance(a, a) - meanDistance(b, b);
    }

    /**
     * A metric between generated samples and data beside its real-vs-real floor at the same sample
     * size: value = metric(generated, realA), floor = metric(realB, realA), where realA and realB are
     * independent real samples with as many rows as {@code generated}. For a distance, a ratio
     * value/floor near 1 means the samples are as close to the data as fresh data is; for
     * {@link #histogramOverlap} (higher is better) the floor is a ceiling and the ratio is ≤ 1 for
     * good samples.
     *
     * @param metric e.g. {@code DistributionMetrics::energyDistance} or {@code Wasserstein::sliced}
     * @param generated {@code n × d}
     * @param realA {@code n × d}, compared with {@code generated}
     * @param realB {@code n × d}, independent of realA
     */
    public static Wasserstein.Floor withFloor(ToDoubleBiFunction<SimpleMatrix, SimpleMatrix> metric,
                                              SimpleMatrix generated, SimpleMatrix realA, SimpleMatrix realB) {
        int n = generated.getNumRows();
        if (realA.getNumRows() != n || realB.getNumRows() != n) {
            throw new IllegalArgumentException("realA has " + realA.getNumRows() + " rows and realB " + realB.getNumRows()
                    + ", invalid: both must have as many rows as generated (" + n + ") so the floor is at the same sample size");
        }
        return new Wasserstein.Floor(metric.applyAsDouble(generated, realA), metric.applyAsDouble(realB, realA));
    }

    /**
     * {@link #withFloor(ToDoubleBiFunction, SimpleMatrix, SimpleMatrix, SimpleMatrix)} with realA =
     * the first n rows of {@code real} and realB = the next n rows (n = rows of {@code generated}).
     * The rows of {@code real} must be exchangeable (independent draws in no particular order). The
     * two-part toy datasets are not: they alternate their parts row by row, so every block of rows is
     * split exactly 50/50 while generated samples split at random, and the floor comes out too low.
     * Shuffle such data first, or pass two independent samples to the four-argument form.
     *
     * @param real at least 2n rows
     */
    public static Wasserstein.Floor withFloor(ToDoubleBiFunction<SimpleMatrix, SimpleMatrix> metric,
                                              SimpleMatrix generated, SimpleMatrix real) {
        int n = generated.getNumRows();
        if (real.getNumRows() < 2 * n) {
            throw new IllegalArgumentException("real has " + real.getNumRows() + " rows, invalid: need at least 2 × "
                    + n + " = " + 2 * n + " (one real sample to compare with, one for the floor)");
        }
        int d = real.getNumCols();
        return withFloor(metric, generated, real.extractMatrix(0, n, 0, d), real.extractMatrix(n, 2 * n, 0, d));
    }

    private static void requireFinite(double[] values) {
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("value " + v + " is invalid: histograms need finite values");
            }
        }
    }

    /** Fraction of {@code values} in each bin of [lo, hi]; values outside the range are in none. */
    private static double[] fractions(double[] values, double lo, double hi, int bins) {
        int[] counts = new int[bins];
        double width = (hi - lo) / bins;
        for (double v : values) {
            if (v < lo || v > hi) continue;
            int k = width == 0 ? 0 : (int) ((v - lo) / width);
            counts[Math.min(k, bins - 1)]++;
        }
        double[] f = new double[bins];
        for (int k = 0; k < bins; k++) f[k] = (double) counts[k] / values.length;
        return f;
    }

    /** (1/(n·m))·Σ_i Σ_j ‖x_i − y_j‖ over the rows of x and y. */
    private static double meanDistance(SimpleMatrix x, SimpleMatrix y) {
        int n = x.getNumRows(), m = y.getNumRows(), d = x.getNumCols();
        double[] xs = x.getDDRM().data, ys = y.getDDRM().data;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < m; j++) {
                double sq = 0;
                for (int k = 0; k < d; k++) {
                    double diff = xs[i * d + k] - ys[j * d + k];
                    sq += diff * diff;
                }
                row += Math.sqrt(sq);
            }
            total += row;
        }
        return total / ((double) n * m);
    }
}
