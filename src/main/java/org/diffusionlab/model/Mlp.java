package org.diffusionlab.model;

import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.data.Sizes;
import org.ejml.simple.SimpleMatrix;

/**
 * The noise-prediction network of the minimal lab: in → hidden → hidden → out with ReLU,
 * written out by hand so every gradient can be read.
 *
 * <pre>
 *   z1 = x·W1 + b1    h1 = relu(z1)      x: n × in,   W1: in × hidden,   b1: 1 × hidden
 *   z2 = h1·W2 + b2   h2 = relu(z2)                   W2: hidden × hidden, b2: 1 × hidden
 *   out = h2·W3 + b3                                  W3: hidden × out,  b3: 1 × out
 * </pre>
 *
 * The input row of a point is [x_t, y_t, t/T] ({@link #timeInput}); t is 1-based. Biases are added
 * to every row (broadcast). Parameters are updated in place by an optimizer such as
 * {@link MomentumSgd}.
 */
public final class Mlp implements EpsilonModel {

    private final SimpleMatrix W1, b1, W2, b2, W3, b3;

    /** What {@link #forward} keeps for {@link #backward}. */
    public record Cache(SimpleMatrix x, SimpleMatrix z1, SimpleMatrix h1, SimpleMatrix z2, SimpleMatrix h2) {}

    /** The network output with its cache. */
    public record Output(SimpleMatrix out, Cache cache) {}

    /** ∂L/∂θ for every parameter (same shapes as the parameters) and ∂L/∂x for the input. */
    public record Gradients(SimpleMatrix dW1, SimpleMatrix db1, SimpleMatrix dW2, SimpleMatrix db2,
                            SimpleMatrix dW3, SimpleMatrix db3, SimpleMatrix dX) {
        /** The parameter gradients in the order of {@link Mlp#parameters()}. */
        public List<SimpleMatrix> asList() {
            return List.of(dW1, db1, dW2, db2, dW3, db3);
        }
    }

    /** Wraps existing parameter matrices (not copied). */
    public Mlp(SimpleMatrix W1, SimpleMatrix b1, SimpleMatrix W2, SimpleMatrix b2, SimpleMatrix W3, SimpleMatrix b3) {
        int in = W1.getNumRows(), hidden = W1.getNumCols(), out = W3.getNumCols();
        requireShape("b1", b1, 1, hidden);
        requireShape("W2", W2, hidden, hidden);
        requireShape("b2", b2, 1, hidden);
        requireShape("W3", W3, hidden, out);
        requireShape("b3", b3, 1, out);
        if (in < 1) {
            throw new IllegalArgumentException("W1 has " + in + " rows, invalid: need at least 1 input");
        }
        this.W1 = W1; this.b1 = b1; this.W2 = W2; this.b2 = b2; this.W3 = W3; this.b3 = b3;
    }

    /**
     * A fresh network: every weight ~ N(0, weightStd²), every bias = biasInit.
     * Draw order: W1, then W2, then W3, each row by row.
     *
     * @param inputDim ≥ 1 (3 for [x, y, t/T])
     * @param hidden ≥ 1 (128 in the lab)
     * @param outputDim ≥ 1 (2: the predicted noise)
     * @param weightStd ≥ 0 (0.02 in the lab)
     * @param biasInit initial value of every bias (0 in the lab)
     */
    public static Mlp init(int inputDim, int hidden, int outputDim, double weightStd, double biasInit, RandomGenerator rng) {
        requirePositive("inputDim", inputDim);
        requirePositive("hidden", hidden);
        requirePositive("outputDim", outputDim);
        if (!(weightStd >= 0) || Double.isInfinite(weightStd)) {
            throw new IllegalArgumentException("weightStd = " + weightStd + " is invalid: must be finite and >= 0");
        }
        if (!Double.isFinite(biasInit)) {
            throw new IllegalArgumentException("biasInit = " + biasInit + " is invalid: must be finite (a NaN or infinite "
                    + "bias makes every output NaN)");
        }
        // Before any allocation: W2 is hidden × hidden (twice with a momentum or Adam copy), W1 and W3 scale with it.
        Sizes.requireSquareFits("hidden", hidden, 2, "W2");
        Sizes.requireFits("inputDim", inputDim, hidden, 16L * hidden, "W1 (inputDim × " + hidden + ")");
        Sizes.requireFits("outputDim", outputDim, hidden, 16L * hidden, "W3 (" + hidden + " × outputDim)");
        SimpleMatrix W1 = normal(inputDim, hidden, weightStd, rng);
        SimpleMatrix W2 = normal(hidden, hidden, weightStd, rng);
        SimpleMatrix W3 = normal(hidden, outputDim, weightStd, rng);
        return new Mlp(W1, filled(1, hidden, biasInit), W2, filled(1, hidden, biasInit), W3, filled(1, outputDim, biasInit));
    }

    /** The lab's network: 3 → hidden → hidden → 2, weights N(0, 0.02²), biases 0. */
    public static Mlp init(int hidden, RandomGenerator rng) {
        return init(3, hidden, 2, 0.02, 0.0, rng);
    }

    /**
     * The forward pass (see the class comment for the equations).
     *
     * @param x inputs, {@code n × in}
     * @return out ({@code n × out}) and the cache for {@link #backward}
     */
    public Output forward(SimpleMatrix x) {
        if (x.getNumCols() != W1.getNumRows()) {
            throw new IllegalArgumentException("x has " + x.getNumCols() + " columns, invalid: the network takes "
                    + W1.getNumRows());
        }
        SimpleMatrix z1 = addRowVector(x.mult(W1), b1);
        SimpleMatrix h1 = relu(z1);
        SimpleMatrix z2 = addRowVector(h1.mult(W2), b2);
        SimpleMatrix h2 = relu(z2);
        SimpleMatrix out = addRowVector(h2.mult(W3), b3);
        return new Output(out, new Cache(x, z1, h1, z2, h2));
    }

    /**
     * The backward pass: given G = ∂L/∂out ({@code n × out}), the chain rule through each layer,
     * last to first:
     * <pre>
     *   dW3 = h2ᵀ·G            db3 = Σ_rows G           dh2 = G·W3ᵀ
     *   dz2 = dh2 ⊙ [z2 &gt; 0]
     *   dW2 = h1ᵀ·dz2          db2 = Σ_rows dz2         dh1 = dz2·W2ᵀ
     *   dz1 = dh1 ⊙ [z1 &gt; 0]
     *   dW1 = xᵀ·dz1           db1 = Σ_rows dz1         dX  = dz1·W1ᵀ
     * </pre>
     * ReLU's derivative at exactly 0 is taken as 0.
     */
    public Gradients backward(Cache cache, SimpleMatrix gradOut) {
        SimpleMatrix dW3 = cache.h2().transpose().mult(gradOut);
        SimpleMatrix db3 = sumRows(gradOut);
        SimpleMatrix dz2 = gradOut.mult(W3.transpose()).elementMult(reluDerivative(cache.z2()));
        SimpleMatrix dW2 = cache.h1().transpose().mult(dz2);
        SimpleMatrix db2 = sumRows(dz2);
        SimpleMatrix dz1 = dz2.mult(W2.transpose()).elementMult(reluDerivative(cache.z1()));
        SimpleMatrix dW1 = cache.x().transpose().mult(dz1);
        SimpleMatrix db1 = sumRows(dz1);
        SimpleMatrix dX = dz1.mult(W1.transpose());
        return new Gradients(dW1, db1, dW2, db2, dW3, db3, dX);
    }

    /**
     * The network input for noisy points at per-row steps: row i is [x_t[i], t[i]/T].
     *
     * @param xt {@code n × d}
     * @param t length n, each in 1..T
     * @return {@code n × (d + 1)}
     */
    public static SimpleMatrix timeInput(SimpleMatrix xt, int[] t, int T) {
        if (t.length != xt.getNumRows()) {
            throw new IllegalArgumentException("t.length = " + t.length + " is invalid: need one t per row of xt ("
                    + xt.getNumRows() + ")");
        }
        int d = xt.getNumCols();
        SimpleMatrix in = new SimpleMatrix(xt.getNumRows(), d + 1);
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 1 || t[i] > T) {
                throw new IllegalArgumentException("t[" + i + "] = " + t[i] + " is invalid: must lie in [1, " + T + "]");
            }
            for (int j = 0; j < d; j++) in.set(i, j, xt.get(i, j));
            in.set(i, d, (double) t[i] / T);
        }
        return in;
    }

    @Override
    public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
        int[] ts = new int[xt.getNumRows()];
        java.util.Arrays.fill(ts, t);
        return forward(timeInput(xt, ts, T)).out();
    }

    @Override
    public int dataDim() {
        return W3.getNumCols();
    }

    /** W1, b1, W2, b2, W3, b3 — the live matrices, updated in place by optimizers. */
    public List<SimpleMatrix> parameters() {
        return List.of(W1, b1, W2, b2, W3, b3);
    }

    /** Names matching {@link #parameters()}. */
    public static List<String> parameterNames() {
        return List.of("W1", "b1", "W2", "b2", "W3", "b3");
    }

    /** A deep copy (parameters copied). */
    public Mlp copy() {
        return new Mlp(W1.copy(), b1.copy(), W2.copy(), b2.copy(), W3.copy(), b3.copy());
    }

    public int inputDim() { return W1.getNumRows(); }

    public int hiddenDim() { return W1.getNumCols(); }

    /** relu(z) = max(0, z), element-wise. */
    public static SimpleMatrix relu(SimpleMatrix z) {
        SimpleMatrix h = z.copy();
        double[] a = h.getDDRM().data;
        for (int i = 0; i < h.getNumElements(); i++) a[i] = Math.max(0.0, a[i]);
        return h;
    }

    /** [z &gt; 0] as 1.0 / 0.0, element-wise. */
    public static SimpleMatrix reluDerivative(SimpleMatrix z) {
        SimpleMatrix m = new SimpleMatrix(z.getNumRows(), z.getNumCols());
        double[] src = z.getDDRM().data, dst = m.getDDRM().data;
        for (int i = 0; i < m.getNumElements(); i++) dst[i] = src[i] > 0 ? 1.0 : 0.0;
        return m;
    }

    /** m + 1·b: adds the {@code 1 × c} row b to every row of the {@code n × c} matrix m. */
    public static SimpleMatrix addRowVector(SimpleMatrix m, SimpleMatrix b) {
        SimpleMatrix out = m.copy();
        int rows = m.getNumRows(), cols = m.getNumCols();
        double[] a = out.getDDRM().data, bias = b.getDDRM().data;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) a[i * cols + j] += bias[j];
        }
        return out;
    }

    /** 1ᵀ·m: the {@code 1 × c} column sums of an {@code n × c} matrix. */
    public static SimpleMatrix sumRows(SimpleMatrix m) {
        int rows = m.getNumRows(), cols = m.getNumCols();
        SimpleMatrix s = new SimpleMatrix(1, cols);
        double[] a = m.getDDRM().data, out = s.getDDRM().data;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) out[j] += a[i * cols + j];
        }
        return s;
    }

    private static SimpleMatrix normal(int rows, int cols, double std, RandomGenerator rng) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, std * rng.nextGaussian());
        }
        return m;
    }

    private static SimpleMatrix filled(int rows, int cols, double value) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        m.fill(value);
        return m;
    }

    /** Throws unless value ≥ 1 (shared by the networks of this package). */
    static void requirePositive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " = " + value + " is invalid: must be >= 1");
        }
    }

    /** Throws unless m is rows × cols (shared by the networks of this package). */
    static void requireShape(String name, SimpleMatrix m, int rows, int cols) {
        if (m.getNumRows() != rows || m.getNumCols() != cols) {
            throw new IllegalArgumentException(name + " is " + m.getNumRows() + "x" + m.getNumCols()
                    + ", invalid: expected " + rows + "x" + cols);
        }
    }
}
