package org.diffusionlab.labs.images;

import java.util.SplittableRandom;

/**
 * Exercise 4 — the U-Net's residual block, conditioned on the time embedding, built from the layers
 * of exercises 2 and 3 (the block of the core's {@code model.image.ResBlock}). For x (n × C_in × h × w)
 * and the embedding e (n × D × 1 × 1: one vector per image, already through SiLU):
 * <pre>
 *   a₁ = SiLU(GN₁(conv₁(x)))                     conv₁: 3×3, stride 1, padding 1, C_in → C_out
 *   s[n, c] = b_s[c] + Σ_i A[c, i]·e[n, i]        a per-channel shift: one number per image and channel
 *   h[n, c, i, j] = a₁[n, c, i, j] + s[n, c]      the same shift at every pixel of the channel
 *   y = SiLU(GN₂(conv₂(h))) + skip(x)             conv₂: 3×3, stride 1, padding 1, C_out → C_out
 *   skip(x) = x if C_in = C_out, else a 1×1 convolution of x (stride 1, padding 0)
 * </pre>
 * The shift is how one network behaves differently at each noise level t (and, with a label
 * embedding, for each label); the skip path lets the block start close to the identity.
 *
 * <p>The layers come in through {@link Layers}: {@link #LAB} uses yours (exercises 2 and 3), the
 * graders pass the reference's, so a bug in an earlier exercise costs that exercise only.
 */
public final class ResBlock {

    private ResBlock() {}

    /** The layers the block is built from, with the signatures of exercises 2 and 3. */
    public interface Layers {
        Maps convForward(Maps x, double[] weight, double[] bias, int k, int stride, int padding);

        Conv.Grads convBackward(Maps x, Maps dy, double[] weight, int k, int stride, int padding);

        Maps groupNorm(Maps x, int groups, double[] gamma, double[] beta);

        Norm.Grads groupNormBackward(Maps x, Maps dy, int groups, double[] gamma);

        Maps silu(Maps x);

        Maps siluBackward(Maps x, Maps dy);
    }

    /** Your layers: {@link Conv} and {@link Norm}. */
    public static final Layers LAB = new Layers() {
        @Override
        public Maps convForward(Maps x, double[] weight, double[] bias, int k, int stride, int padding) {
            return Conv.forward(x, weight, bias, k, stride, padding);
        }

        @Override
        public Conv.Grads convBackward(Maps x, Maps dy, double[] weight, int k, int stride, int padding) {
            return Conv.backward(x, dy, weight, k, stride, padding);
        }

        @Override
        public Maps groupNorm(Maps x, int groups, double[] gamma, double[] beta) {
            return Norm.groupNorm(x, groups, gamma, beta);
        }

        @Override
        public Norm.Grads groupNormBackward(Maps x, Maps dy, int groups, double[] gamma) {
            return Norm.groupNormBackward(x, dy, groups, gamma);
        }

        @Override
        public Maps silu(Maps x) {
            return Norm.silu(x);
        }

        @Override
        public Maps siluBackward(Maps x, Maps dy) {
            return Norm.siluBackward(x, dy);
        }
    };

    /**
     * The block's parameters (or, in {@link Grads}, their gradients, with the same shapes). Weights
     * are flat in the order of exercise 2, (o, c, a, b) for the convolutions and (c, i) for A:
     * A[c, i] is {@code shiftWeight[c * embedding + i]}.
     *
     * @param in C_in ≥ 1
     * @param out C_out ≥ 1, divisible by {@code groups}
     * @param embedding D ≥ 1, the length of e per image
     * @param groups G of both GroupNorms
     * @param conv1Weight C_out·C_in·3·3
     * @param conv1Bias C_out
     * @param gamma1 C_out scales of GN₁
     * @param beta1 C_out shifts of GN₁
     * @param shiftWeight A, C_out·D
     * @param shiftBias b_s, C_out
     * @param conv2Weight C_out·C_out·3·3
     * @param conv2Bias C_out
     * @param gamma2 C_out scales of GN₂
     * @param beta2 C_out shifts of GN₂
     * @param skipWeight C_out·C_in (1×1 kernel), or null when C_in = C_out (identity skip)
     * @param skipBias C_out, or null when C_in = C_out
     */
    public record Params(int in, int out, int embedding, int groups, double[] conv1Weight, double[] conv1Bias,
                         double[] gamma1, double[] beta1, double[] shiftWeight, double[] shiftBias, double[] conv2Weight,
                         double[] conv2Bias, double[] gamma2, double[] beta2, double[] skipWeight, double[] skipBias) {

        public Params {
            if (in < 1) throw new IllegalArgumentException("in = " + in + " is invalid: must be >= 1");
            if (out < 1) throw new IllegalArgumentException("out = " + out + " is invalid: must be >= 1");
            if (embedding < 1) throw new IllegalArgumentException("embedding = " + embedding + " is invalid: must be >= 1");
            if (groups < 1 || out % groups != 0) {
                throw new IllegalArgumentException("groups = " + groups + " is invalid: must be >= 1 and divide out = " + out);
            }
            requireLength("conv1Weight", conv1Weight, out * in * 9);
            requireLength("conv1Bias", conv1Bias, out);
            requireLength("gamma1", gamma1, out);
            requireLength("beta1", beta1, out);
            requireLength("shiftWeight", shiftWeight, out * embedding);
            requireLength("shiftBias", shiftBias, out);
            requireLength("conv2Weight", conv2Weight, out * out * 9);
            requireLength("conv2Bias", conv2Bias, out);
            requireLength("gamma2", gamma2, out);
            requireLength("beta2", beta2, out);
            if (in == out) {
                if (skipWeight != null || skipBias != null) {
                    throw new IllegalArgumentException("skipWeight is invalid: must be null when in = out = " + in + " (the skip is the identity)");
                }
            } else {
                requireLength("skipWeight", skipWeight, out * in);
                requireLength("skipBias", skipBias, out);
            }
        }

        private static void requireLength(String name, double[] a, int length) {
            if (a == null || a.length != length) {
                throw new IllegalArgumentException(name + ".length = " + (a == null ? "null" : a.length) + " is invalid: expected " + length);
            }
        }

        /** Whether the skip path is a 1×1 convolution (C_in ≠ C_out) rather than the identity. */
        public boolean convolutionalSkip() {
            return in != out;
        }

        /**
         * Random parameters: every weight N(0, 1/fan-in) (fan-in C_in·9, C_out·9, D, C_in), every bias and
         * β N(0, 0.1²), every γ 1 + N(0, 0.1²); drawn with {@code rng.nextGaussian()} array by array in the
         * order of the record's components.
         */
        public static Params random(int in, int out, int embedding, int groups, SplittableRandom rng) {
            boolean skip = in != out;
            return new Params(in, out, embedding, groups, gaussian(out * in * 9, 0, 1 / Math.sqrt(in * 9.0), rng),
                    gaussian(out, 0, 0.1, rng), gaussian(out, 1, 0.1, rng), gaussian(out, 0, 0.1, rng),
                    gaussian(out * embedding, 0, 1 / Math.sqrt(embedding), rng), gaussian(out, 0, 0.1, rng),
                    gaussian(out * out * 9, 0, 1 / Math.sqrt(out * 9.0), rng), gaussian(out, 0, 0.1, rng),
                    gaussian(out, 1, 0.1, rng), gaussian(out, 0, 0.1, rng),
                    skip ? gaussian(out * in, 0, 1 / Math.sqrt(in), rng) : null, skip ? gaussian(out, 0, 0.1, rng) : null);
        }

        private static double[] gaussian(int n, double mean, double sd, SplittableRandom rng) {
            double[] a = new double[n];
            for (int i = 0; i < n; i++) a[i] = mean + sd * rng.nextGaussian();
            return a;
        }
    }

    /**
     * The gradients of the block.
     *
     * @param dx ∂L/∂x, the shape of x
     * @param de ∂L/∂e, the shape of e
     * @param dParams ∂L/∂θ for every parameter, in a {@link Params} of the same shapes (skip arrays null
     *     when the skip is the identity)
     */
    public record Grads(Maps dx, Maps de, Params dParams) {}

    /**
     * <b>TODO 4.1</b> (Time: ~25 min) — the forward pass of the class comment, with
     * {@code layers} for every convolution, GroupNorm and SiLU:
     * <pre>
     *   a₁ = silu(groupNorm(conv(x, W₁, b₁, k 3, stride 1, padding 1), G, γ₁, β₁))
     *   h  = a₁ + s[n, c] at every pixel,   s[n, c] = b_s[c] + Σ_i A[c, i]·e[n, i]
     *   y  = silu(groupNorm(conv(h, W₂, b₂, 3, 1, 1), G, γ₂, β₂)) + skip(x)
     * </pre>
     * with skip(x) = x, or conv(x, W_skip, b_skip, k 1, stride 1, padding 0) when
     * {@code p.convolutionalSkip()}.
     *
     * <p>Hint: go through {@code layers}, never {@link Conv} or {@link Norm} directly. For the shift,
     * loop over (n, c), compute s once, and add it to the h·w pixels of channel c of image n (in the flat
     * layout they start at {@code a1.index(n, c, 0, 0)}); e's value i of image n is
     * {@code e.data()[n * D + i]}. Work on copies: do not change x, e or a layer's output you still need.
     *
     * @param x n × C_in × h × w
     * @param e n × D × 1 × 1
     * @return y, n × C_out × h × w
     */
    public static Maps forward(Maps x, Maps e, Params p, Layers layers) {
        throw new UnsupportedOperationException("TODO 4.1: forward: silu(gn(conv(x))) + shift(e) per channel, then silu(gn(conv(h))) + skip(x)");
    }

    /**
     * <b>TODO 4.2</b> (Time: ~45 min) — the backward pass by composition: given δ = ∂L/∂y, run the
     * forward's steps backwards, each through the backward of its layer (chain rule), with
     * c₁ = conv₁(x), n₁ = GN₁(c₁), c₂ = conv₂(h), n₂ = GN₂(c₂):
     * <pre>
     *   ∂L/∂n₂ = siluBackward(n₂, δ)          → groupNormBackward(c₂, ·) gives ∂L/∂c₂, ∂γ₂, ∂β₂
     *   → convBackward(h, ∂L/∂c₂, W₂, 3, 1, 1) gives ∂L/∂h, ∂W₂, ∂b₂
     *   ∂L/∂s[n, c] = Σ over the pixels of channel c of image n of ∂L/∂h      (s was added to each of them)
     *   ∂L/∂A[c, i] = Σ_n ∂L/∂s[n, c]·e[n, i],   ∂L/∂b_s[c] = Σ_n ∂L/∂s[n, c],   ∂L/∂e[n, i] = Σ_c A[c, i]·∂L/∂s[n, c]
     *   ∂L/∂a₁ = ∂L/∂h → siluBackward(n₁, ·) → groupNormBackward(c₁, ·) → convBackward(x, ·, W₁, 3, 1, 1)
     *   ∂L/∂x  = that + the skip path's gradient: δ itself (identity skip), or convBackward(x, δ, W_skip, 1, 1, 0)'s ∂L/∂x
     * </pre>
     * Every parameter gradient is the one its layer's backward returns.
     *
     * <p>Hint: nothing is cached between calls: first recompute c₁, n₁, h, c₂, n₂ as in 4.1 (through
     * {@code layers}, not by calling {@link #forward}, so that a bug in 4.1 costs 4.1 only). A
     * backward takes the forward <em>input</em> of its layer (siluBackward takes n₂, not y).
     *
     * @param x the forward's input, n × C_in × h × w
     * @param e the forward's embedding, n × D × 1 × 1
     * @param dy ∂L/∂y, n × C_out × h × w
     * @return ∂L/∂x, ∂L/∂e and every parameter's gradient
     */
    public static Grads backward(Maps x, Maps e, Params p, Maps dy, Layers layers) {
        throw new UnsupportedOperationException("TODO 4.2: backward: chain the layers' backward passes in reverse order, sum the shift's gradient over pixels, add the skip path's");
    }
}
