package org.diffusionlab.labs.images;

/**
 * Exercise 2 — the 2-D convolution, the U-Net's main layer, forward and backward. The weights of
 * C_out filters over C_in channels, each k × k, are stored flat in the order (o, c, a, b):
 * W[o][c][a][b] is {@code weight[((o * cIn + c) * k + a) * k + b]}; the bias has one value per
 * output channel.
 */
public final class Conv {

    private Conv() {}

    /** The gradients of a convolution: with respect to its input, its weights and its bias. */
    public record Grads(Maps dx, double[] dWeight, double[] dBias) {}

    /** Output rows for {@code size} input rows (the same for columns): ⌊(size + 2p − k)/s⌋ + 1. */
    public static int outputSize(int size, int k, int stride, int padding) {
        return (size + 2 * padding - k) / stride + 1;
    }

    /**
     * <b>TODO 2.1</b> (Time: ~30 min) — the forward pass, zero padding p and stride s:
     * <pre>
     *   y[n, o, i, j] = b[o] + Σ_c Σ_a Σ_b W[o, c, a, b] · x[n, c, s·i + a − p, s·j + b − p]
     * </pre>
     * for i, j in 0..outputSize − 1, where a pixel outside the image (row or column &lt; 0 or ≥ the
     * size) counts as 0. C_out is {@code bias.length}, C_in is {@code x.c()}.
     *
     * <p>Hint: seven nested loops (n, o, i, j, c, a, b); compute u = s·i + a − p and v = s·j + b − p
     * and {@code continue} when they fall outside. Start the sum at b[o].
     *
     * @param x the input, n × C_in × h × w
     * @param weight C_out·C_in·k·k weights, order (o, c, a, b)
     * @param bias C_out biases
     * @return y, n × C_out × outputSize(h) × outputSize(w)
     */
    public static Maps forward(Maps x, double[] weight, double[] bias, int k, int stride, int padding) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.1: forward: y = b + sum of W times the padded, strided input window");
        int out = bias.length, in = x.c();
        int ho = outputSize(x.h(), k, stride, padding), wo = outputSize(x.w(), k, stride, padding);
        Maps y = Maps.zeros(x.n(), out, ho, wo);
        for (int n = 0; n < x.n(); n++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double sum = bias[o];
                        for (int c = 0; c < in; c++) {
                            for (int a = 0; a < k; a++) {
                                int u = stride * i + a - padding;
                                if (u < 0 || u >= x.h()) continue;
                                for (int b = 0; b < k; b++) {
                                    int v = stride * j + b - padding;
                                    if (v < 0 || v >= x.w()) continue;
                                    sum += weight[((o * in + c) * k + a) * k + b] * x.get(n, c, u, v);
                                }
                            }
                        }
                        y.data()[y.index(n, o, i, j)] = sum;
                    }
                }
            }
        }
        return y;
        // END SOLUTION
    }

    /**
     * <b>TODO 2.2</b> (Time: ~40 min) — the backward pass: given δ = ∂L/∂y, every term
     * W[o, c, a, b]·x[n, c, u, v] of the forward sum sends δ[n, o, i, j] to both factors:
     * <pre>
     *   ∂L/∂x[n, c, u, v]  += δ[n, o, i, j] · W[o, c, a, b]
     *   ∂L/∂W[o, c, a, b]  += δ[n, o, i, j] · x[n, c, u, v]      summed over n, i, j (every image, every position)
     *   ∂L/∂b[o]           += δ[n, o, i, j]                       summed over n, i, j
     * </pre>
     * with u = s·i + a − p, v = s·j + b − p, skipping the padded (outside) positions as in the forward.
     *
     * <p>Hint: the forward's loops, with the innermost line replaced by the two accumulations; add the
     * bias gradient once per (n, o, i, j). Do not change the inputs.
     *
     * @param x the forward's input, n × C_in × h × w
     * @param dy ∂L/∂y, n × C_out × h_out × w_out
     * @param weight the forward's weights
     * @return ∂L/∂x (shape of x), ∂L/∂W (length of weight), ∂L/∂b (length C_out = dy.c())
     */
    public static Grads backward(Maps x, Maps dy, double[] weight, int k, int stride, int padding) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.2: backward: route each dy to the input and weight it multiplied in the forward");
        int out = dy.c(), in = x.c();
        Maps dx = x.zerosLike();
        double[] dW = new double[weight.length], dB = new double[out];
        for (int n = 0; n < x.n(); n++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < dy.h(); i++) {
                    for (int j = 0; j < dy.w(); j++) {
                        double d = dy.get(n, o, i, j);
                        dB[o] += d;
                        for (int c = 0; c < in; c++) {
                            for (int a = 0; a < k; a++) {
                                int u = stride * i + a - padding;
                                if (u < 0 || u >= x.h()) continue;
                                for (int b = 0; b < k; b++) {
                                    int v = stride * j + b - padding;
                                    if (v < 0 || v >= x.w()) continue;
                                    int wi = ((o * in + c) * k + a) * k + b, xi = x.index(n, c, u, v);
                                    dW[wi] += d * x.data()[xi];
                                    dx.data()[xi] += d * weight[wi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Grads(dx, dW, dB);
        // END SOLUTION
    }
}
