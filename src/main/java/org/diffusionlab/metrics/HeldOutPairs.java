package org.diffusionlab.metrics;

import java.util.function.BiFunction;
import java.util.function.IntFunction;
import java.util.random.RandomGenerator;
import org.diffusionlab.train.MiniBatches;
import org.ejml.simple.SimpleMatrix;

/**
 * Pairs (A_k, B_k), k = 1..K, of held-out real samples of n rows each, which a generated sample is
 * measured against beside its real-vs-real floor at the same sample size:
 * <pre>
 *   value = (1/K) Σ_k metric(G, A_k)      floor = (1/K) Σ_k metric(B_k, A_k)
 * </pre>
 *
 * <p><b>Where the rows come from.</b> A pool of real points and a random order of its rows
 * ({@link #shuffledOrder}); with offset f, A_k is rows order[f + 2(k−1)n .. f + (2k−1)n − 1] and B_k
 * the next n rows. Why shuffle: the two-part toy datasets alternate their parts row by row, so a
 * block of a fresh draw is split exactly 50/50 while generated samples split binomially, and the
 * floor would come out too low; random rows of a pool at least twice the rows used split almost
 * binomially. Why several pairs: one real-vs-real distance is itself noisy (for W1 per axis at
 * n = 1000, by tens of percent), and a floor drawn low by chance flatters every ratio. Why held
 * out: samples that reproduce the training set read below a floor taken against it.
 */
public final class HeldOutPairs {

    private final SimpleMatrix[] a;
    private final SimpleMatrix[] b;

    private HeldOutPairs(SimpleMatrix[] a, SimpleMatrix[] b) {
        this.a = a;
        this.b = b;
    }

    /**
     * The row indices 0..rows−1 in a random order: Fisher–Yates ({@link MiniBatches#shuffle}),
     * rows − 1 draws from {@code rng}.
     *
     * @param rows number of rows, ≥ 1
     */
    public static int[] shuffledOrder(int rows, RandomGenerator rng) {
        if (rows < 1) {
            throw new IllegalArgumentException("rows = " + rows + " is invalid: need at least 1 row");
        }
        int[] order = new int[rows];
        for (int i = 0; i < rows; i++) order[i] = i;
        MiniBatches.shuffle(order, rng);
        return order;
    }

    /**
     * The rows order[from..from+n−1] of m, in that order.
     *
     * @return {@code n × cols(m)}
     */
    public static SimpleMatrix rows(SimpleMatrix m, int[] order, int from, int n) {
        if (from < 0 || n < 0 || from + n > order.length) {
            throw new IllegalArgumentException("rows " + from + ".." + (from + n - 1) + " are invalid: the order has "
                    + order.length + " entries");
        }
        SimpleMatrix out = new SimpleMatrix(n, m.getNumCols());
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m.getNumCols(); j++) out.set(i, j, m.get(order[from + i], j));
        }
        return out;
    }

    /**
     * K pairs of n rows from a pool in a given order (layout in the class comment).
     *
     * @param pool the real points, one per row
     * @param order a permutation of the pool's rows, usually {@link #shuffledOrder}
     * @param from the first position of {@code order} to use, ≥ 0
     * @param pairs K ≥ 1
     * @param n rows per sample, ≥ 1; positions from..from+2Kn−1 must exist
     */
    public static HeldOutPairs fromPool(SimpleMatrix pool, int[] order, int from, int pairs, int n) {
        if (pairs < 1) {
            throw new IllegalArgumentException("pairs = " + pairs + " is invalid: need at least 1 pair");
        }
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + " is invalid: need at least 1 row per sample");
        }
        if (from < 0 || from + 2L * pairs * n > order.length) {
            throw new IllegalArgumentException("from = " + from + " is invalid: " + pairs + " pairs of " + n
                    + " rows need positions " + from + ".." + (from + 2L * pairs * n - 1) + " of an order of " + order.length);
        }
        SimpleMatrix[] a = new SimpleMatrix[pairs], b = new SimpleMatrix[pairs];
        for (int k = 0; k < pairs; k++) {
            a[k] = rows(pool, order, from + 2 * k * n, n);
            b[k] = rows(pool, order, from + (2 * k + 1) * n, n);
        }
        return new HeldOutPairs(a, b);
    }

    /** K, the number of pairs. */
    public int size() {
        return a.length;
    }

    /** A_k for k in 0..K−1 (0-based here, as an index). */
    public SimpleMatrix a(int k) {
        return a[k];
    }

    /** B_k for k in 0..K−1 (0-based here, as an index). */
    public SimpleMatrix b(int k) {
        return b[k];
    }

    /**
     * (1/K) Σ_k metric(G, A_k), entry by entry: one entry for a joint metric, one per axis for a
     * per-axis one.
     *
     * @param generated G, as many rows as each A_k
     */
    public double[] value(BiFunction<SimpleMatrix, SimpleMatrix, double[]> metric, SimpleMatrix generated) {
        int n = a[0].getNumRows();
        if (generated.getNumRows() != n) {
            throw new IllegalArgumentException("generated has " + generated.getNumRows() + " rows, invalid: need "
                    + n + ", the rows of each real sample, so the floor is at the same sample size");
        }
        return mean(k -> metric.apply(generated, a[k]));
    }

    /** The floor (1/K) Σ_k metric(B_k, A_k), entry by entry. */
    public double[] floor(BiFunction<SimpleMatrix, SimpleMatrix, double[]> metric) {
        return mean(k -> metric.apply(b[k], a[k]));
    }

    private double[] mean(IntFunction<double[]> term) {
        double[] sum = null;
        for (int k = 0; k < a.length; k++) {
            double[] v = term.apply(k);
            if (sum == null) sum = new double[v.length];
            for (int j = 0; j < v.length; j++) sum[j] += v[j] / a.length;
        }
        return sum;
    }
}
