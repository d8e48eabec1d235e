package org.diffusionlab.model.image;

import java.util.List;

/**
 * Group normalization (Wu &amp; He 2018): the C channels are split into G groups of C/G
 * consecutive channels, and each group of each image is normalized over its m = (C/G)·H·W values,
 * then scaled and shifted per channel:
 * <pre>
 *   μ = (1/m)·Σ x,   σ² = (1/m)·Σ (x − μ)²,   x̂ = (x − μ)/√(σ² + ε),   y[n, c, i, j] = γ[c]·x̂ + β[c]
 * </pre>
 * Unlike batch normalization it never mixes images, so training and sampling (one image or a
 * hundred) compute the same function. Backward, per group, with g = γ·dL/dy and means over the
 * group's m values:
 * <pre>
 *   dL/dx = (g − mean(g) − x̂·mean(g·x̂)) / √(σ² + ε),   dL/dγ[c] = Σ dL/dy·x̂,   dL/dβ[c] = Σ dL/dy
 * </pre>
 * γ starts at 1 and β at 0. Where a SiLU follows (every GroupNorm of the U-Net),
 * {@link UNet#useFastPath} switches the pair to its fused fast path, {@link FastNormSilu}.
 */
public final class GroupNorm implements Layer {

    /** ε added to σ² (PyTorch's default). */
    public static final double EPSILON = 1e-5;

    private final int groups;
    private final int channels;
    private final Parameter gamma;
    private final Parameter beta;
    private Tensor normalized;
    private double[] inverseStd;

    /**
     * @param groups G ≥ 1, dividing {@code channels}
     * @param channels C ≥ 1
     */
    public GroupNorm(String name, int groups, int channels) {
        if (groups < 1 || channels < 1 || channels % groups != 0) {
            throw new IllegalArgumentException("groups = " + groups + " is invalid: must be >= 1 and divide channels = " + channels);
        }
        this.groups = groups;
        this.channels = channels;
        this.gamma = Parameter.zeros(name + ".gamma", 1, channels);
        this.beta = Parameter.zeros(name + ".beta", 1, channels);
        java.util.Arrays.fill(gamma.w(), 1.0);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.c != channels) {
            throw new IllegalArgumentException("x has shape " + x.shape() + ", invalid: expected " + channels + " channels");
        }
        int per = channels / groups, hw = x.h * x.w, m = per * hw;
        normalized = x.zerosLike();
        inverseStd = new double[x.n * groups];
        Tensor y = x.zerosLike();
        double[] G = gamma.w(), B = beta.w();
        for (int n = 0; n < x.n; n++) {
            for (int g = 0; g < groups; g++) {
                int start = (n * channels + g * per) * hw;
                double mean = 0;
                for (int q = 0; q < m; q++) mean += x.data[start + q];
                mean /= m;
                double var = 0;
                for (int q = 0; q < m; q++) {
                    double d = x.data[start + q] - mean;
                    var += d * d;
                }
                var /= m;
                double inv = 1.0 / Math.sqrt(var + EPSILON);
                inverseStd[n * groups + g] = inv;
                for (int q = 0; q < m; q++) {
                    int c = g * per + q / hw;
                    double xh = (x.data[start + q] - mean) * inv;
                    normalized.data[start + q] = xh;
                    y.data[start + q] = G[c] * xh + B[c];
                }
            }
        }
        return y;
    }

    @Override
    public Tensor backward(Tensor dy) {
        if (normalized == null) throw new IllegalStateException("backward before forward");
        if (!dy.sameShape(normalized)) throw new IllegalArgumentException("dy has shape " + dy.shape() + ", invalid: expected " + normalized.shape());
        int per = channels / groups, hw = dy.h * dy.w, m = per * hw;
        Tensor dx = dy.zerosLike();
        double[] G = gamma.w(), dG = gamma.g(), dB = beta.g();
        for (int n = 0; n < dy.n; n++) {
            for (int g = 0; g < groups; g++) {
                int start = (n * channels + g * per) * hw;
                double meanG = 0, meanGX = 0;
                for (int q = 0; q < m; q++) {
                    int c = g * per + q / hw;
                    double d = dy.data[start + q], xh = normalized.data[start + q];
                    dG[c] += d * xh;
                    dB[c] += d;
                    double gq = G[c] * d;
                    meanG += gq;
                    meanGX += gq * xh;
                }
                meanG /= m;
                meanGX /= m;
                double inv = inverseStd[n * groups + g];
                for (int q = 0; q < m; q++) {
                    int c = g * per + q / hw;
                    double gq = G[c] * dy.data[start + q];
                    dx.data[start + q] = (gq - meanG - normalized.data[start + q] * meanGX) * inv;
                }
            }
        }
        return dx;
    }

    int groups() {
        return groups;
    }

    int channels() {
        return channels;
    }

    Parameter gamma() {
        return gamma;
    }

    Parameter beta() {
        return beta;
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(gamma, beta);
    }
}
