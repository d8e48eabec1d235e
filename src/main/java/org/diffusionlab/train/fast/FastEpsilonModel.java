package org.diffusionlab.train.fast;

import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.EpsilonModel;
import org.ejml.simple.SimpleMatrix;

/**
 * The fast path of {@link DeepMlp#predictEpsilon}, for samplers: ε̂_θ([x_t, e(t)]) of every row of
 * x_t at one step t, computed by {@link FlatDeepMlp#forward} in blocks of {@value #BLOCK} rows
 * instead of by SimpleMatrix products. Same sums in the same order as {@link DeepMlp#forward}, so
 * the same numbers ({@code FastEpsilonModelTest}), and a sampler fed by it draws the same samples.
 * It reads the wrapped model's live weights. Not thread-safe: it reuses one set of buffers.
 */
public final class FastEpsilonModel implements EpsilonModel {

    /** Rows per forward pass. */
    public static final int BLOCK = 256;

    private final DeepMlp model;
    private final FlatDeepMlp net;

    /** @param model the network to evaluate (not copied) */
    public FastEpsilonModel(DeepMlp model) {
        this.model = model;
        this.net = new FlatDeepMlp(model, BLOCK);
    }

    /**
     * The model to hand a sampler: a {@link FastEpsilonModel} over {@code model} when it is a
     * {@link DeepMlp} (same samples, faster), {@code model} itself otherwise.
     */
    public static EpsilonModel fastestFor(EpsilonModel model) {
        return model instanceof DeepMlp deep ? new FastEpsilonModel(deep) : model;
    }

    /**
     * ε̂ for every row: row i of the result is the network's output on [x_t[i], e(t)].
     *
     * @param xt {@code n × d}
     * @param t the 1-based step, in 1..T
     * @param T number of diffusion steps
     * @return {@code n × d}
     */
    @Override
    public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
        int n = xt.getNumRows(), d = model.dataDim();
        if (xt.getNumCols() != d) {
            throw new IllegalArgumentException("xt has " + xt.getNumCols() + " columns, invalid: the model predicts " + d);
        }
        double[] e = model.embedding().encode(new int[] {t}, T).getDDRM().data;
        double[] x = xt.getDDRM().data;
        SimpleMatrix out = new SimpleMatrix(n, d);
        double[] o = out.getDDRM().data;
        double[][] input = net.input(), output = net.output();
        for (int start = 0; start < n; start += BLOCK) {
            int rows = Math.min(BLOCK, n - start);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(x, (start + r) * d, input[r], 0, d);
                System.arraycopy(e, 0, input[r], d, e.length);
            }
            net.forward(rows);
            for (int r = 0; r < rows; r++) System.arraycopy(output[r], 0, o, (start + r) * d, d);
        }
        return out;
    }

    @Override
    public int dataDim() {
        return model.dataDim();
    }
}
