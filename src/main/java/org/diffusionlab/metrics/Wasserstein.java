package org.diffusionlab.metrics;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.ejml.simple.SimpleMatrix;

/**
 * Wasserstein-1 distances between point sets, used to say how close generated samples are to the
 * data. A distance alone means little: always report it beside its noise floor, the same distance
 * between two independent real samples of the same sizes ({@link Floor}).
 */
public final class Wasserstein {

    /** Number of random directions of {@link #sliced(SimpleMatrix, SimpleMatrix)}. */
    public static final int DEFAULT_DIRECTIONS = 128;
    /** Seed of the directions of {@link #sliced(SimpleMatrix, SimpleMatrix)}, fixed so runs compare. */
    public static final long DEFAULT_DIRECTION_SEED = 1234L;

    private Wasserstein() {}

    /**
     * 1-D Wasserstein-1 distance between two empirical distributions:
     * W1(a, b) = ∫ |F_a(x) − F_b(x)| dx, with F the empirical CDFs (sizes may differ).
     *
     * @param a at least one value, all finite
     * @param b at least one value, all finite
     */
    public static double w1(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("a.length = " + a.length + ", b.length = " + b.length
                    + " is invalid: both samples need at least one value");
        }
        requireFinite("a", a);
        requireFinite("b", b);
        double[] x = a.clone(), y = b.clone();
        Arrays.sort(x);
        Arrays.sort(y);
        int i = 0, j = 0;
        double total = 0, prev = Math.min(x[0], y[0]);
        while (i < x.length || j < y.length) {
            double next = j >= y.length || (i < x.length && x[i] <= y[j]) ? x[i] : y[j];
            total += Math.abs((double) i / x.length - (double) j / y.length) * (next - prev);
            prev = next;
            if (i < x.length && x[i] == next) i++;
            else j++;
        }
        return total;
    }

    /**
     * W1 of each coordinate's marginal: result[j] = w1(a[:, j], b[:, j]).
     *
     * @param a {@code n × d}
     * @param b {@code m × d}
     */
    public static double[] perAxis(SimpleMatrix a, SimpleMatrix b) {
        checkDims(a, b);
        double[] out = new double[a.getNumCols()];
        for (int j = 0; j < out.length; j++) out[j] = w1(column(a, j), column(b, j));
        return out;
    }

    /**
     * Sliced Wasserstein-1: SW(a, b) = (1/K) Σ_k W1(a·θ_k, b·θ_k) over K unit directions θ_k drawn
     * uniformly on the sphere (normalized Gaussian vectors) from {@code directionSeed}.
     *
     * @param a {@code n × d}
     * @param b {@code m × d}
     * @param directions K ≥ 1
     */
    public static double sliced(SimpleMatrix a, SimpleMatrix b, int directions, long directionSeed) {
        checkDims(a, b);
        if (directions < 1) {
            throw new IllegalArgumentException("directions = " + directions + " is invalid: must be >= 1");
        }
        int d = a.getNumCols();
        SplittableRandom rng = new SplittableRandom(directionSeed);
        double total = 0;
        for (int k = 0; k < directions; k++) {
            SimpleMatrix theta = new SimpleMatrix(d, 1);
            for (int j = 0; j < d; j++) theta.set(j, 0, rng.nextGaussian());
            theta = theta.divide(theta.normF());
            total += w1(a.mult(theta).getDDRM().data, b.mult(theta).getDDRM().data);
        }
        return total / directions;
    }

    /** {@link #sliced(SimpleMatrix, SimpleMatrix, int, long)} with the default directions and seed. */
    public static double sliced(SimpleMatrix a, SimpleMatrix b) {
        return sliced(a, b, DEFAULT_DIRECTIONS, DEFAULT_DIRECTION_SEED);
    }

    /** A metric value beside its real-vs-real noise floor. */
    public record Floor(double value, double floor) {
        /** value / floor: ≈ 1 means indistinguishable from real data at this sample size. */
        public double ratio() {
            return value / floor;
        }
    }

    private static void requireFinite(String name, double[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(name + "[" + i + "] = " + values[i] + " is invalid: values must be finite");
            }
        }
    }

    /** Column j of m as an array (shared by the metrics of this package). */
    static double[] column(SimpleMatrix m, int j) {
        double[] c = new double[m.getNumRows()];
        for (int i = 0; i < c.length; i++) c[i] = m.get(i, j);
        return c;
    }

    /** Throws unless a and b have the same number of columns (shared by the metrics of this package). */
    static void checkDims(SimpleMatrix a, SimpleMatrix b) {
        if (a.getNumCols() != b.getNumCols()) {
            throw new IllegalArgumentException("b has " + b.getNumCols() + " columns, invalid: must match a's "
                    + a.getNumCols());
        }
    }
}
