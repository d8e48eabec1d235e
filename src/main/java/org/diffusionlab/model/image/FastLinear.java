package org.diffusionlab.model.image;

import java.util.Arrays;

/**
 * The fast path of one {@link Linear}: the readable layer's sums, each in the same order, so the
 * same numbers bit for bit, but with loops over contiguous rows that the JIT turns into SIMD
 * instructions (the readable forward is a dot product per output, a reduction the JIT does not
 * vectorize) and the work split over two threads ({@link PairRunner}). With x N×D_in and δ = dL/dy:
 * <pre>
 *   forward   y[n, ·] = b + Σ_i x[n, i]·Wᵀ[i, ·]       (i ascending; rows n split over the threads)
 *   backward  dx[n, ·] = Σ_o δ[n, o]·W[o, ·]           (o ascending; rows n split)
 *             dW[o, ·] += Σ_n δ[n, o]·x[n, ·],  db[o] += Σ_n δ[n, o]   (n ascending; rows o split)
 * </pre>
 * Every output element is written by one thread, so results do not depend on the number of threads;
 * {@code FastLinearTest} checks both against the readable layer.
 */
final class FastLinear {

    private final Linear linear;
    private final int threads;
    private Tensor input;
    /** Wᵀ, refilled from the weights at every forward. */
    private double[] transposed = new double[0];
    /** y of forward and dx of backward, reused as {@link FastConv2d#reuse} describes. */
    private Tensor output;
    private Tensor inputGradient;

    FastLinear(Linear linear) {
        this(linear, FastConv2d.THREADS);
    }

    /** @param threads ≥ 1 threads (tests compare 1, 2 and 3) */
    FastLinear(Linear linear, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads = " + threads + " is invalid: must be >= 1");
        this.linear = linear;
        this.threads = threads;
    }

    Tensor forward(Tensor x) {
        input = x;
        int in = linear.in, out = linear.out;
        double[] W = linear.weight.w(), B = linear.bias.w(), xs = x.data;
        if (transposed.length != in * out) transposed = new double[in * out];
        double[] Wt = transposed;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) Wt[i * out + o] = W[o * in + i];
        }
        Tensor y = output = FastConv2d.reuse(output, x.n, out, 1, 1);  // each row starts from b below
        double[] ys = y.data;
        FastConv2d.parallel(x.n, threads, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int row = n * out;
                System.arraycopy(B, 0, ys, row, out);
                for (int i = 0; i < in; i++) {
                    double a = xs[n * in + i];
                    int w = i * out;
                    for (int o = 0; o < out; o++) ys[row + o] += a * Wt[w + o];
                }
            }
        });
        return y;
    }

    Tensor backward(Tensor dy) {
        if (input == null) throw new IllegalStateException("backward before forward");
        if (dy.n != input.n) throw new IllegalArgumentException("dy has shape " + dy.shape() + ", invalid: expected " + input.n + " rows as x had");
        int in = linear.in, out = linear.out;
        double[] W = linear.weight.w(), dW = linear.weight.g(), dB = linear.bias.g(), xs = input.data, d = dy.data;
        Tensor dx = inputGradient = FastConv2d.reuse(inputGradient, input.n, input.c, input.h, input.w);
        double[] dxs = dx.data;
        Arrays.fill(dxs, 0);  // the rows are sums
        FastConv2d.parallel(dy.n, threads, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                int row = n * in;
                for (int o = 0; o < out; o++) {
                    double a = d[n * out + o];
                    int w = o * in;
                    for (int i = 0; i < in; i++) dxs[row + i] += a * W[w + i];
                }
            }
        });
        FastConv2d.parallel(out, threads, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                int w = o * in;
                for (int n = 0; n < dy.n; n++) {
                    double a = d[n * out + o];
                    dB[o] += a;
                    int row = n * in;
                    for (int i = 0; i < in; i++) dW[w + i] += a * xs[row + i];
                }
            }
        });
        return dx;
    }
}
