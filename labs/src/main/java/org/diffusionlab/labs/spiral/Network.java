package org.diffusionlab.labs.spiral;

import java.util.List;
import java.util.random.RandomGenerator;
import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 4 — the noise-prediction network: a 3-layer perceptron with ReLU, written out by hand.
 *
 * <pre>
 *   z1 = x·W1 + b1    h1 = relu(z1)       x: n × in,  W1: in × h,  b1: 1 × h
 *   z2 = h1·W2 + b2   h2 = relu(z2)                   W2: h × h,   b2: 1 × h
 *   out = h2·W3 + b3                                  W3: h × out, b3: 1 × out
 * </pre>
 * A row of x is [x_t, y_t, t/T] ({@link #timeInput}); the output is the predicted noise ε̂.
 * Biases are 1-row matrices added to every row ({@link MatrixOps#addRowVector}).
 * Each parameter has a velocity of the same shape for the momentum update (exercise 4.3).
 */
public final class Network implements TrainableModel {

    /** What {@link #forward} keeps for {@link #backward}: the input and each layer before and after ReLU. */
    public record Cache(SimpleMatrix x, SimpleMatrix z1, SimpleMatrix h1, SimpleMatrix z2, SimpleMatrix h2) {}

    /** The network output with its cache. */
    public record Output(SimpleMatrix out, Cache cache) {}

    /** ∂L/∂θ for every parameter, shaped like the parameter. */
    public record Gradients(SimpleMatrix dW1, SimpleMatrix db1, SimpleMatrix dW2, SimpleMatrix db2,
                            SimpleMatrix dW3, SimpleMatrix db3) {
        /** In the order of {@link Network#parameters()}. */
        public List<SimpleMatrix> asList() {
            return List.of(dW1, db1, dW2, db2, dW3, db3);
        }
    }

    private final SimpleMatrix W1, b1, W2, b2, W3, b3;
    private final SimpleMatrix vW1, vb1, vW2, vb2, vW3, vb3;

    /** Wraps the given parameters (not copied); every velocity starts at 0. */
    public Network(SimpleMatrix W1, SimpleMatrix b1, SimpleMatrix W2, SimpleMatrix b2, SimpleMatrix W3, SimpleMatrix b3) {
        this.W1 = W1; this.b1 = b1; this.W2 = W2; this.b2 = b2; this.W3 = W3; this.b3 = b3;
        this.vW1 = zerosLike(W1); this.vb1 = zerosLike(b1);
        this.vW2 = zerosLike(W2); this.vb2 = zerosLike(b2);
        this.vW3 = zerosLike(W3); this.vb3 = zerosLike(b3);
    }

    /**
     * The notebook's network 3 → hidden → hidden → 2: weights ~ N(0, 0.02²), biases 0.
     * Draw order: W1, then W2, then W3, each row by row.
     */
    public static Network init(int hidden, RandomGenerator rng) {
        return new Network(normal(3, hidden, rng), new SimpleMatrix(1, hidden),
                normal(hidden, hidden, rng), new SimpleMatrix(1, hidden),
                normal(hidden, 2, rng), new SimpleMatrix(1, 2));
    }

    /**
     * <b>TODO 4.1</b> (Time: ~20 min) — the forward pass (equations in the class comment).
     *
     * <p>Hint: {@code x.mult(W1)} is the matrix product; add the bias with
     * {@code MatrixOps.addRowVector}; {@code MatrixOps.relu} is given. Keep z1, h1, z2, h2: backward
     * needs them, and it needs z (before ReLU), not only h.
     *
     * @param x inputs, {@code n × in}
     * @return out ({@code n × out}) and the cache (x, z1, h1, z2, h2)
     */
    @Override
    public Output forward(SimpleMatrix x) {
        throw new UnsupportedOperationException("TODO 4.1: forward: z1 = x W1 + b1, h1 = relu(z1), z2 = h1 W2 + b2, h2 = relu(z2), out = h2 W3 + b3");
    }

    /**
     * <b>TODO 4.2</b> (Time: ~40 min) — backpropagation: the chain rule, last layer first.
     * Given G = ∂L/∂out ({@code n × out}):
     * <pre>
     *   dW3 = h2ᵀ·G          db3 = Σ_rows G          dh2 = G·W3ᵀ
     *   dz2 = dh2 ⊙ relu'(z2)
     *   dW2 = h1ᵀ·dz2        db2 = Σ_rows dz2        dh1 = dz2·W2ᵀ
     *   dz1 = dh1 ⊙ relu'(z1)
     *   dW1 = xᵀ·dz1         db1 = Σ_rows dz1
     * </pre>
     * (⊙ is the element-wise product.) Do not change the parameters here: that is {@link #step}'s job.
     *
     * <p>Hint: check every shape against its parameter's (dW2 is h × h, db2 is 1 × h).
     * {@code transpose()}, {@code mult}, {@code elementMult}, {@code MatrixOps.sumRows} and
     * {@code MatrixOps.reluDerivative} are all you need. A bias is added to every row, so its
     * gradient sums over the rows.
     *
     * @param cache from the forward pass that produced out
     * @param gradOut G = ∂L/∂out, {@code n × out}
     */
    @Override
    public Gradients backward(Cache cache, SimpleMatrix gradOut) {
        throw new UnsupportedOperationException("TODO 4.2: backward: chain rule from dW3 = h2^T G down to dW1 = x^T dz1");
    }

    /**
     * <b>TODO 4.3</b> (Time: ~15 min) — gradient descent with momentum, in place, for every parameter
     * w with gradient g and velocity v:
     * <pre>
     *   v ← momentum·v − lr·g
     *   w ← w + v
     * </pre>
     * The velocity remembers past steps: with momentum 0.999 it averages about the last 1000 gradients.
     *
     * <p>Hint: update the matrices in place ({@code set}, or {@code setTo(...)}), e.g. with a small
     * private helper called once per (parameter, velocity, gradient) triple.
     */
    @Override
    public void step(Gradients gradients, double lr, double momentum) {
        throw new UnsupportedOperationException("TODO 4.3: step: v = momentum*v - lr*g; w = w + v, for each parameter");
    }

    /**
     * The network input for noisy points at per-row steps (given): row i is [x_t[i], t[i]/T].
     *
     * @param xt {@code n × d}
     * @param t length n, each in 1..T
     * @return {@code n × (d + 1)}
     */
    public static SimpleMatrix timeInput(SimpleMatrix xt, int[] t, int T) {
        int d = xt.getNumCols();
        SimpleMatrix in = new SimpleMatrix(xt.getNumRows(), d + 1);
        for (int i = 0; i < xt.getNumRows(); i++) {
            for (int j = 0; j < d; j++) in.set(i, j, xt.get(i, j));
            in.set(i, d, (double) t[i] / T);
        }
        return in;
    }

    @Override
    public int dataDim() {
        return W3.getNumCols();
    }

    /** W1, b1, W2, b2, W3, b3: the live matrices. */
    public List<SimpleMatrix> parameters() {
        return List.of(W1, b1, W2, b2, W3, b3);
    }

    /** The velocities, live, in the order of {@link #parameters()}. */
    public List<SimpleMatrix> velocities() {
        return List.of(vW1, vb1, vW2, vb2, vW3, vb3);
    }

    private static SimpleMatrix zerosLike(SimpleMatrix m) {
        return new SimpleMatrix(m.getNumRows(), m.getNumCols());
    }

    private static SimpleMatrix normal(int rows, int cols, RandomGenerator rng) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, 0.02 * rng.nextGaussian());
        }
        return m;
    }
}
