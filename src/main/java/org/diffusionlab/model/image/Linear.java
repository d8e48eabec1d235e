package org.diffusionlab.model.image;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A fully connected layer on a batch of vectors (N×D_in×1×1): y[n, o] = b[o] + Σ_i W[o, i]·x[n, i].
 * Backward: dL/dW[o, i] = Σ_n δ[n, o]·x[n, i], dL/db[o] = Σ_n δ[n, o], dL/dx[n, i] = Σ_o W[o, i]·δ[n, o].
 * Initialisation as PyTorch's default: uniform in ±1/√D_in.
 *
 * <p>This class is the readable reference. {@link #useFastPath} switches it to {@link FastLinear}
 * (vectorizable loops on two threads, the same sums in the same order).
 */
public final class Linear implements Layer {

    final int in;
    final int out;
    final Parameter weight;
    final Parameter bias;
    private Tensor input;
    private FastLinear fast;

    public Linear(String name, int in, int out, RandomGenerator rng) {
        if (in < 1) throw new IllegalArgumentException("in = " + in + " is invalid: must be >= 1");
        if (out < 1) throw new IllegalArgumentException("out = " + out + " is invalid: must be >= 1");
        this.in = in;
        this.out = out;
        this.weight = Parameter.zeros(name + ".weight", out, in);
        this.bias = Parameter.zeros(name + ".bias", 1, out);
        double bound = 1.0 / Math.sqrt(in);
        for (double[] a : new double[][] {weight.w(), bias.w()}) {
            for (int i = 0; i < a.length; i++) a[i] = bound * (2 * rng.nextDouble() - 1);
        }
    }

    /** Switches between the readable loops (false) and {@link FastLinear} (true). */
    public void useFastPath(boolean on) {
        fast = on ? (fast != null ? fast : new FastLinear(this)) : null;
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor.requireShape("x", x, in, 1, 1);
        if (fast != null) return fast.forward(x);
        input = x;
        Tensor y = new Tensor(x.n, out, 1, 1);
        double[] W = weight.w(), B = bias.w();
        for (int n = 0; n < x.n; n++) {
            for (int o = 0; o < out; o++) {
                double s = B[o];
                for (int i = 0; i < in; i++) s += W[o * in + i] * x.data[n * in + i];
                y.data[n * out + o] = s;
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor.requireShape("dy", dy, out, 1, 1);
        if (fast != null) return fast.backward(dy);
        if (input == null) throw new IllegalStateException("backward before forward");
        Tensor dx = input.zerosLike();
        double[] W = weight.w(), dW = weight.g(), dB = bias.g();
        for (int n = 0; n < dy.n; n++) {
            for (int o = 0; o < out; o++) {
                double d = dy.data[n * out + o];
                dB[o] += d;
                for (int i = 0; i < in; i++) {
                    dW[o * in + i] += d * input.data[n * in + i];
                    dx.data[n * in + i] += d * W[o * in + i];
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
