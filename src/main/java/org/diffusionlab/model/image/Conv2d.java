package org.diffusionlab.model.image;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) with a k×k kernel,
 * zero padding p and stride s. For input x of shape N×C_in×H×W,
 * <pre>
 *   y[n, o, i, j] = b[o] + Σ_{c, a, b'} W[o, c, a, b'] · x[n, c, s·i + a − p, s·j + b' − p]
 *   H_out = ⌊(H + 2p − k)/s⌋ + 1,   W_out = ⌊(W + 2p − k)/s⌋ + 1
 * </pre>
 * with x = 0 outside the image (the padding). Backward, with δ = dL/dy:
 * <pre>
 *   dL/dW[o, c, a, b'] = Σ_{n, i, j} δ[n, o, i, j] · x[n, c, s·i + a − p, s·j + b' − p]
 *   dL/db[o]          = Σ_{n, i, j} δ[n, o, i, j]
 *   dL/dx[n, c, u, v] = Σ over every (o, i, j, a, b') with s·i + a − p = u and s·j + b' − p = v of W[o, c, a, b']·δ[n, o, i, j]
 * </pre>
 * (the last is the forward loop run backwards: each product that used x[u, v] sends its weight's
 * share of δ back to it).
 *
 * <p>This class is the readable reference, in double precision. {@link #useFastPath} switches it
 * to {@link FastConv2d} (im2col and float products, two threads), which computes the same sums;
 * {@code FastConv2dTest} checks that both agree to float tolerance.
 *
 * <p>Initialisation as PyTorch's default: W and b uniform in ±1/√(C_in·k²).
 */
public final class Conv2d implements Layer {

    final int in;
    final int out;
    final int k;
    final int stride;
    final int padding;
    final Parameter weight;
    final Parameter bias;
    private Tensor input;
    private FastConv2d fast;

    /**
     * @param name prefix of the parameter names
     * @param in C_in ≥ 1
     * @param out C_out ≥ 1
     * @param k kernel size ≥ 1 (3 in the U-Net, 1 for channel-mixing skips)
     * @param stride s ≥ 1 (2 halves the image)
     * @param padding p in [0, k)
     */
    public Conv2d(String name, int in, int out, int k, int stride, int padding, RandomGenerator rng) {
        if (in < 1) throw new IllegalArgumentException("in = " + in + " is invalid: must be >= 1");
        if (out < 1) throw new IllegalArgumentException("out = " + out + " is invalid: must be >= 1");
        if (k < 1) throw new IllegalArgumentException("k = " + k + " is invalid: must be >= 1");
        if (stride < 1) throw new IllegalArgumentException("stride = " + stride + " is invalid: must be >= 1");
        if (padding < 0 || padding >= k) {
            throw new IllegalArgumentException("padding = " + padding + " is invalid: must lie in [0, " + (k - 1) + "]");
        }
        this.in = in;
        this.out = out;
        this.k = k;
        this.stride = stride;
        this.padding = padding;
        this.weight = Parameter.zeros(name + ".weight", out, in * k * k);
        this.bias = Parameter.zeros(name + ".bias", 1, out);
        double bound = 1.0 / Math.sqrt(in * k * k);
        for (double[] a : new double[][] {weight.w(), bias.w()}) {
            for (int i = 0; i < a.length; i++) a[i] = bound * (2 * rng.nextDouble() - 1);
        }
    }

    /** Output rows for {@code h} input rows (the same formula gives the columns). */
    public int outputSize(int size) {
        int o = (size + 2 * padding - k) / stride + 1;
        if (o < 1) {
            throw new IllegalArgumentException("size = " + size + " is invalid: too small for a " + k + "x" + k + " kernel with padding " + padding);
        }
        return o;
    }

    /** Switches between the readable loops (false) and {@link FastConv2d} (true). */
    public void useFastPath(boolean on) {
        fast = on ? (fast != null ? fast : new FastConv2d(this)) : null;
    }

    public boolean usesFastPath() {
        return fast != null;
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.c != in) {
            throw new IllegalArgumentException("x has shape " + x.shape() + ", invalid: expected " + in + " channels");
        }
        if (fast != null) {
            return fast.forward(x);
        }
        input = x;
        int ho = outputSize(x.h), wo = outputSize(x.w);
        Tensor y = new Tensor(x.n, out, ho, wo);
        double[] W = weight.w(), B = bias.w();
        for (int n = 0; n < x.n; n++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < ho; i++) {
                    for (int j = 0; j < wo; j++) {
                        double sum = B[o];
                        for (int c = 0; c < in; c++) {
                            for (int a = 0; a < k; a++) {
                                int u = stride * i + a - padding;
                                if (u < 0 || u >= x.h) continue;
                                for (int b = 0; b < k; b++) {
                                    int v = stride * j + b - padding;
                                    if (v < 0 || v >= x.w) continue;
                                    sum += W[((o * in + c) * k + a) * k + b] * x.data[x.index(n, c, u, v)];
                                }
                            }
                        }
                        y.data[y.index(n, o, i, j)] = sum;
                    }
                }
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (fast != null) {
            return fast.backward(dy);
        }
        Tensor x = input;
        if (x == null) throw new IllegalStateException("backward before forward");
        Tensor.requireShape("dy", dy, out, outputSize(x.h), outputSize(x.w));
        Tensor dx = x.zerosLike();
        double[] W = weight.w(), dW = weight.g(), dB = bias.g();
        for (int n = 0; n < x.n; n++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < dy.h; i++) {
                    for (int j = 0; j < dy.w; j++) {
                        double d = dy.data[dy.index(n, o, i, j)];
                        dB[o] += d;
                        for (int c = 0; c < in; c++) {
                            for (int a = 0; a < k; a++) {
                                int u = stride * i + a - padding;
                                if (u < 0 || u >= x.h) continue;
                                for (int b = 0; b < k; b++) {
                                    int v = stride * j + b - padding;
                                    if (v < 0 || v >= x.w) continue;
                                    int wi = ((o * in + c) * k + a) * k + b;
                                    int xi = x.index(n, c, u, v);
                                    dW[wi] += d * x.data[xi];
                                    dx.data[xi] += d * W[wi];
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(weight, bias);
    }
}
