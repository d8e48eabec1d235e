package org.diffusionlab.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.data.Sizes;
import org.ejml.simple.SimpleMatrix;

/**
 * A noise-prediction network of any depth and width: L ≥ 1 hidden ReLU layers of the same width,
 * then a linear output layer, with a pluggable {@link TimeEmbedding}. It is {@link Mlp} with the
 * number of hidden layers and the time input as parameters; with L = 2 and the
 * {@link ScalarTimeEmbedding} it computes exactly what {@link Mlp} computes on the same weights.
 *
 * <pre>
 *   a_0 = x = [x_t, e(t)]                  x: n × in, in = d + k (d data dims, k embedding dims)
 *   z_l = a_{l−1}·W_l + b_l,  a_l = relu(z_l)   for l = 1..L   W_1: in × w, W_l: w × w, b_l: 1 × w
 *   out = a_L·W_{L+1} + b_{L+1}                              W_{L+1}: w × d,  b_{L+1}: 1 × d
 * </pre>
 * Biases are added to every row (broadcast). Layers are numbered from 1; list index l − 1 holds
 * layer l. Parameters are updated in place by an {@link Optimizer}.
 */
public final class DeepMlp implements EpsilonModel {

    private final List<SimpleMatrix> weights;
    private final List<SimpleMatrix> biases;
    private final TimeEmbedding embedding;

    /**
     * What {@link #forward} keeps for {@link #backward}.
     *
     * @param x the input a_0, {@code n × in}
     * @param z the pre-activations z_1..z_L (index l − 1), each {@code n × w}
     * @param a the activations a_1..a_L (index l − 1), each {@code n × w}
     */
    public record Cache(SimpleMatrix x, List<SimpleMatrix> z, List<SimpleMatrix> a) {}

    /** The network output with its cache. */
    public record Output(SimpleMatrix out, Cache cache) {}

    /**
     * ∂L/∂θ for every parameter (same shapes) and ∂L/∂x for the input.
     *
     * @param dWeights ∂L/∂W_1..∂L/∂W_{L+1} (index l − 1)
     * @param dBiases ∂L/∂b_1..∂L/∂b_{L+1} (index l − 1)
     * @param dX ∂L/∂x, {@code n × in}
     */
    public record Gradients(List<SimpleMatrix> dWeights, List<SimpleMatrix> dBiases, SimpleMatrix dX) {
        /** The parameter gradients in the order of {@link DeepMlp#parameters()}: dW_1, db_1, dW_2, …. */
        public List<SimpleMatrix> asList() {
            return interleave(dWeights, dBiases);
        }
    }

    /**
     * Wraps existing parameter matrices (not copied).
     *
     * @param weights W_1..W_{L+1}, L ≥ 1 (shapes in the class comment; W_1 has d + k rows)
     * @param biases b_1..b_{L+1}, row vectors
     * @param embedding the time embedding, k = {@code embedding.dimension()}
     */
    public DeepMlp(List<SimpleMatrix> weights, List<SimpleMatrix> biases, TimeEmbedding embedding) {
        if (embedding == null) {
            throw new IllegalArgumentException("embedding = null is invalid: choose a TimeEmbedding");
        }
        if (weights.size() < 2 || biases.size() != weights.size()) {
            throw new IllegalArgumentException("weights.size() = " + weights.size() + ", biases.size() = " + biases.size()
                    + " is invalid: need L + 1 >= 2 of each (at least one hidden layer)");
        }
        int width = weights.get(0).getNumCols();
        int out = weights.get(weights.size() - 1).getNumCols();
        int in = weights.get(0).getNumRows();
        if (in != out + embedding.dimension()) {
            throw new IllegalArgumentException("W1 has " + in + " rows, invalid: expected d + k = " + out + " + "
                    + embedding.dimension() + " (data dims of the output plus the embedding)");
        }
        for (int l = 1; l <= weights.size(); l++) {
            int rows = l == 1 ? in : width;
            int cols = l == weights.size() ? out : width;
            Mlp.requireShape("W" + l, weights.get(l - 1), rows, cols);
            Mlp.requireShape("b" + l, biases.get(l - 1), 1, cols);
        }
        this.weights = List.copyOf(weights);
        this.biases = List.copyOf(biases);
        this.embedding = embedding;
    }

    /**
     * A fresh network: every weight ~ N(0, weightStd²), every bias = biasInit (the conventions of
     * {@link Mlp#init}). Draw order: W_1, W_2, …, W_{L+1}, each row by row, so with L = 2 and the
     * scalar embedding the same seed gives the same weights as {@link Mlp#init}.
     *
     * @param dataDim d ≥ 1 (2 for the toy data)
     * @param embedding the time embedding
     * @param hiddenLayers L ≥ 1
     * @param width w ≥ 1, the width of every hidden layer
     * @param weightStd ≥ 0 and finite (0.02 in the lab)
     * @param biasInit initial value of every bias (0 in the lab)
     */
    public static DeepMlp init(int dataDim, TimeEmbedding embedding, int hiddenLayers, int width,
                               double weightStd, double biasInit, RandomGenerator rng) {
        Mlp.requirePositive("dataDim", dataDim);
        Mlp.requirePositive("hiddenLayers", hiddenLayers);
        Mlp.requirePositive("width", width);
        if (!(weightStd >= 0) || Double.isInfinite(weightStd)) {
            throw new IllegalArgumentException("weightStd = " + weightStd + " is invalid: must be finite and >= 0");
        }
        if (!Double.isFinite(biasInit)) {
            throw new IllegalArgumentException("biasInit = " + biasInit + " is invalid: must be finite (a NaN or infinite "
                    + "bias makes every output NaN)");
        }
        if (embedding == null) {
            throw new IllegalArgumentException("embedding = null is invalid: choose a TimeEmbedding");
        }
        // Before any allocation: each of the L − 1 hidden-to-hidden matrices is w × w (twice with an optimizer's copy).
        Sizes.requireSquareFits("width", width, 2, "a hidden layer's weights");
        Sizes.requireFits("hiddenLayers", hiddenLayers, (long) width * width, 16L * width * width,
                "L hidden layers of " + width + " × " + width + " weights");
        long in = (long) dataDim + embedding.dimension();
        Sizes.requireFits("dataDim", in, width, 16L * width, "the first layer's (dataDim + k) × " + width + " weights");
        List<SimpleMatrix> w = new ArrayList<>(), b = new ArrayList<>();
        for (int l = 1; l <= hiddenLayers + 1; l++) {
            int rows = l == 1 ? dataDim + embedding.dimension() : width;
            int cols = l == hiddenLayers + 1 ? dataDim : width;
            SimpleMatrix W = new SimpleMatrix(rows, cols);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) W.set(i, j, weightStd * rng.nextGaussian());
            }
            SimpleMatrix bias = new SimpleMatrix(1, cols);
            bias.fill(biasInit);
            w.add(W);
            b.add(bias);
        }
        return new DeepMlp(w, b, embedding);
    }

    /**
     * The network input for noisy points at per-row steps: row i is [x_t[i], e(t[i])].
     *
     * @param xt {@code n × d}
     * @param t length n, each in 1..T
     * @return {@code n × (d + k)}
     */
    public SimpleMatrix input(SimpleMatrix xt, int[] t, int T) {
        if (t.length != xt.getNumRows()) {
            throw new IllegalArgumentException("t.length = " + t.length + " is invalid: need one t per row of xt ("
                    + xt.getNumRows() + ")");
        }
        return xt.concatColumns(embedding.encode(t, T));
    }

    /**
     * The forward pass (equations in the class comment).
     *
     * @param x inputs, {@code n × in}
     * @return out ({@code n × d}) and the cache for {@link #backward}
     */
    public Output forward(SimpleMatrix x) {
        if (x.getNumCols() != inputDim()) {
            throw new IllegalArgumentException("x has " + x.getNumCols() + " columns, invalid: the network takes " + inputDim());
        }
        int L = hiddenLayers();
        List<SimpleMatrix> z = new ArrayList<>(L), a = new ArrayList<>(L);
        SimpleMatrix prev = x;
        for (int l = 1; l <= L; l++) {
            SimpleMatrix zl = Mlp.addRowVector(prev.mult(weights.get(l - 1)), biases.get(l - 1));
            prev = Mlp.relu(zl);
            z.add(zl);
            a.add(prev);
        }
        SimpleMatrix out = Mlp.addRowVector(prev.mult(weights.get(L)), biases.get(L));
        return new Output(out, new Cache(x, z, a));
    }

    /**
     * The backward pass: given G = ∂L/∂out ({@code n × d}), with δ_{L+1} = G and a_0 = x,
     * <pre>
     *   dW_l = a_{l−1}ᵀ·δ_l,   db_l = Σ_rows δ_l                         for l = L+1 down to 1
     *   δ_{l−1} = (δ_l·W_lᵀ) ⊙ [z_{l−1} &gt; 0]   (l ≥ 2),   dX = δ_1·W_1ᵀ
     * </pre>
     * ReLU's derivative at exactly 0 is taken as 0.
     */
    public Gradients backward(Cache cache, SimpleMatrix gradOut) {
        int L = hiddenLayers();
        SimpleMatrix[] dW = new SimpleMatrix[L + 1], db = new SimpleMatrix[L + 1];
        SimpleMatrix delta = gradOut;
        for (int l = L + 1; l >= 2; l--) {
            SimpleMatrix below = cache.a().get(l - 2);
            dW[l - 1] = below.transpose().mult(delta);
            db[l - 1] = Mlp.sumRows(delta);
            delta = delta.mult(weights.get(l - 1).transpose()).elementMult(Mlp.reluDerivative(cache.z().get(l - 2)));
        }
        dW[0] = cache.x().transpose().mult(delta);
        db[0] = Mlp.sumRows(delta);
        SimpleMatrix dX = delta.mult(weights.get(0).transpose());
        return new Gradients(Arrays.asList(dW), Arrays.asList(db), dX);
    }

    @Override
    public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
        int[] ts = new int[xt.getNumRows()];
        Arrays.fill(ts, t);
        return forward(input(xt, ts, T)).out();
    }

    @Override
    public int dataDim() {
        return weights.get(weights.size() - 1).getNumCols();
    }

    /** W_1, b_1, W_2, b_2, …, W_{L+1}, b_{L+1} — the live matrices, updated in place by optimizers. */
    public List<SimpleMatrix> parameters() {
        return interleave(weights, biases);
    }

    /** Names matching {@link #parameters()}: "W1", "b1", "W2", …. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>();
        for (int l = 1; l <= weights.size(); l++) {
            names.add("W" + l);
            names.add("b" + l);
        }
        return names;
    }

    /** A deep copy (parameters copied, the embedding shared: it has no state). */
    public DeepMlp copy() {
        return new DeepMlp(weights.stream().map(SimpleMatrix::copy).toList(),
                biases.stream().map(SimpleMatrix::copy).toList(), embedding);
    }

    public TimeEmbedding embedding() { return embedding; }

    /** L, the number of hidden layers. */
    public int hiddenLayers() { return weights.size() - 1; }

    /** w, the width of every hidden layer. */
    public int width() { return weights.get(0).getNumCols(); }

    /** d + k, the width of the input [x_t, e(t)]. */
    public int inputDim() { return weights.get(0).getNumRows(); }

    private static List<SimpleMatrix> interleave(List<SimpleMatrix> w, List<SimpleMatrix> b) {
        List<SimpleMatrix> out = new ArrayList<>(2 * w.size());
        for (int l = 0; l < w.size(); l++) {
            out.add(w.get(l));
            out.add(b.get(l));
        }
        return out;
    }
}
