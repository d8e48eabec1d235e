package org.diffusionlab.labs.ddim;

import java.util.Arrays;
import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 3 — the Wasserstein-1 distance: how far, on average, one sample's mass has to move to
 * become the other.
 */
public final class Metrics {

    private Metrics() {}

    /**
     * <b>TODO 3.1</b> (Time: ~15 min) — W1 between two 1-D samples of the same size n:
     * W1(a, b) = (1/n) · Σ_k |a_(k) − b_(k)|, where a_(k) is the k-th smallest value of a.
     *
     * <p>In 1-D the optimal transport plan matches the sorted values in order, so W1 is the mean
     * absolute difference of the sorted samples. It is 0 when b is a reordering of a, and W1(a, a + c)
     * = |c| for a shift c.
     *
     * <p>Hint: {@code Arrays.sort} sorts in place — sort copies, never the caller's arrays. Different
     * lengths (or n = 0): throw an IllegalArgumentException naming both lengths.
     */
    public static double w1(double[] a, double[] b) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 3.1: w1: mean |sorted a - sorted b|");
        if (a.length != b.length || a.length == 0) {
            throw new IllegalArgumentException("a.length = " + a.length + ", b.length = " + b.length
                    + " is invalid: need two non-empty samples of the same size");
        }
        double[] x = a.clone(), y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        double total = 0;
        for (int k = 0; k < x.length; k++) total += Math.abs(x[k] - y[k]);
        return total / x.length;
        // END SOLUTION
    }

    /**
     * <b>TODO 3.2</b> (Time: ~20 min) — the sliced W1 between two n × d samples along K given unit
     * directions θ_1..θ_K: SW1(a, b) = (1/K) · Σ_k W1(a·θ_k, b·θ_k).
     *
     * <p>Each direction projects every point onto a line (a·θ_k is the n-vector of dot products); the
     * 1-D distance along that line is {@code w1D}. Averaging over many directions gives a distance
     * between 2-D (or d-D) samples that needs only sorting.
     *
     * <p>Hint: θ_k is {@code directions[k]}, an array of length d (already unit length: do not
     * normalize). Call {@code w1D.between(...)} — the walkthrough passes your 3.1 as {@code Metrics::w1}.
     * Bad shapes (different d, a direction of the wrong length, K = 0): IllegalArgumentException.
     *
     * @param a n × d
     * @param b n × d
     * @param directions K unit vectors of length d
     * @param w1D the 1-D distance
     */
    public static double sliced(SimpleMatrix a, SimpleMatrix b, double[][] directions, Distance1D w1D) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 3.2: sliced: mean over directions of w1D(a.theta, b.theta)");
        int d = a.getNumCols();
        if (b.getNumCols() != d) {
            throw new IllegalArgumentException("b has " + b.getNumCols() + " columns, invalid: must match a's " + d);
        }
        if (directions.length == 0) throw new IllegalArgumentException("directions.length = 0 is invalid: need K >= 1");
        double total = 0;
        for (double[] theta : directions) {
            if (theta.length != d) {
                throw new IllegalArgumentException("a direction has length " + theta.length + ", invalid: must be d = " + d);
            }
            total += w1D.between(project(a, theta), project(b, theta));
        }
        return total / directions.length;
        // END SOLUTION
    }
    // BEGIN SOLUTION

    private static double[] project(SimpleMatrix x, double[] theta) {
        double[] p = new double[x.getNumRows()];
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < theta.length; j++) p[i] += x.get(i, j) * theta[j];
        }
        return p;
    }
    // END SOLUTION
}
