package org.diffusionlab.labs.images;

/**
 * Exercise 3 — the U-Net's normalisation and non-linearity: SiLU and GroupNorm, forward and backward.
 */
public final class Norm {

    /** ε added to the variance (PyTorch's default). */
    public static final double EPSILON = 1e-5;

    private Norm() {}

    /** The gradients of a GroupNorm: with respect to its input, γ and β. */
    public record Grads(Maps dx, double[] dGamma, double[] dBeta) {}

    /**
     * <b>TODO 3.1</b> (Time: ~10 min) — SiLU (the "swish"), element-wise:
     * <pre>
     *   silu(x) = x · σ(x),     σ(x) = 1 / (1 + e^{−x})
     * </pre>
     *
     * <p>Hint: a new {@link Maps} of the same shape; do not change x.
     */
    public static Maps silu(Maps x) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 3.1: silu: x * sigmoid(x) element-wise");
        Maps y = x.zerosLike();
        for (int i = 0; i < x.data().length; i++) {
            double input = x.data()[i];
            y.data()[i] = input / (1.0 + Math.exp(-input));
        }
        return y;
        // END SOLUTION
    }

    /**
     * <b>TODO 3.2</b> (Time: ~15 min) — SiLU's backward, element-wise, with the derivative
     * <pre>
     *   silu'(x) = σ(x) · (1 + x·(1 − σ(x)))          ∂L/∂x = ∂L/∂y · silu'(x)
     * </pre>
     *
     * <p>Hint: product rule on x·σ(x), with σ' = σ(1 − σ).
     *
     * @param x the forward's input
     * @param dy ∂L/∂y, same shape
     * @return ∂L/∂x
     */
    public static Maps siluBackward(Maps x, Maps dy) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 3.2: siluBackward: dy * sigmoid(x) * (1 + x (1 - sigmoid(x)))");
        Maps dx = x.zerosLike();
        for (int i = 0; i < x.data().length; i++) {
            double v = x.data()[i], s = 1.0 / (1.0 + Math.exp(-v));
            dx.data()[i] = dy.data()[i] * s * (1 + v * (1 - s));
        }
        return dx;
        // END SOLUTION
    }

    /**
     * <b>TODO 3.3</b> (Time: ~25 min) — GroupNorm: the C channels of each image are split into G groups of
     * C/G consecutive channels; each group (C/G · h · w values of one image) is normalised by its own
     * mean and (biased) variance, then each channel c is scaled and shifted:
     * <pre>
     *   μ = mean of the group,   σ² = mean of (x − μ)²,   x̂ = (x − μ) / √(σ² + ε)
     *   y = γ[c] · x̂ + β[c]                                 ε = {@link #EPSILON}
     * </pre>
     *
     * <p>Hint: in the flat layout, group g of image n is the consecutive block starting at
     * (n·C + g·C/G)·h·w, of length C/G·h·w; the channel of its q-th value is g·C/G + q/(h·w). The
     * statistics never mix two images (unlike BatchNorm).
     *
     * @param groups G, dividing x.c()
     * @param gamma C scales
     * @param beta C shifts
     */
    public static Maps groupNorm(Maps x, int groups, double[] gamma, double[] beta) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 3.3: groupNorm: normalise each group of each image, then gamma * xhat + beta per channel");
        int per = x.c() / groups, hw = x.h() * x.w(), m = per * hw;
        Maps y = x.zerosLike();
        for (int n = 0; n < x.n(); n++) {
            for (int g = 0; g < groups; g++) {
                int start = (n * x.c() + g * per) * hw;
                double groupMean = 0, groupVar = 0;
                for (int q = 0; q < m; q++) groupMean += x.data()[start + q];
                groupMean /= m;
                for (int q = 0; q < m; q++) groupVar += (x.data()[start + q] - groupMean) * (x.data()[start + q] - groupMean);
                groupVar /= m;
                double inv = 1.0 / Math.sqrt(groupVar + EPSILON);
                for (int q = 0; q < m; q++) {
                    int c = g * per + q / hw;
                    y.data()[start + q] = gamma[c] * (x.data()[start + q] - groupMean) * inv + beta[c];
                }
            }
        }
        return y;
        // END SOLUTION
    }

    /**
     * <b>TODO 3.4</b> (Time: ~35 min) — GroupNorm's backward. With g_q = γ[c]·δ_q over the m values
     * of one group, x̂ as in the forward and s = 1/√(σ² + ε):
     * <pre>
     *   ∂L/∂x_q = s · ( g_q − mean(g) − x̂_q · mean(g · x̂) )
     *   ∂L/∂γ[c] = Σ δ·x̂,   ∂L/∂β[c] = Σ δ     over every image and position of channel c
     * </pre>
     * The two means come from μ and σ² depending on every value of the group.
     *
     * <p>Hint: recompute μ, s and x̂ from x as in 3.3 (nothing is cached between calls); two passes
     * per group: the sums, then ∂L/∂x.
     *
     * @param x the forward's input
     * @param dy ∂L/∂y, same shape
     * @return ∂L/∂x, ∂L/∂γ and ∂L/∂β (C each)
     */
    public static Grads groupNormBackward(Maps x, Maps dy, int groups, double[] gamma) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 3.4: groupNormBackward: s (g - mean(g) - xhat mean(g xhat)) per group");
        int per = x.c() / groups, hw = x.h() * x.w(), m = per * hw;
        Maps dx = x.zerosLike();
        double[] dG = new double[gamma.length], dB = new double[gamma.length];
        double[] xh = new double[m];
        for (int n = 0; n < x.n(); n++) {
            for (int g = 0; g < groups; g++) {
                int start = (n * x.c() + g * per) * hw;
                double groupMean = 0, groupVar = 0;
                for (int q = 0; q < m; q++) groupMean += x.data()[start + q];
                groupMean /= m;
                for (int q = 0; q < m; q++) groupVar += (x.data()[start + q] - groupMean) * (x.data()[start + q] - groupMean);
                groupVar /= m;
                double inv = 1.0 / Math.sqrt(groupVar + EPSILON);
                double meanG = 0, meanGX = 0;
                for (int q = 0; q < m; q++) {
                    int c = g * per + q / hw;
                    xh[q] = (x.data()[start + q] - groupMean) * inv;
                    double d = dy.data()[start + q];
                    dG[c] += d * xh[q];
                    dB[c] += d;
                    meanG += gamma[c] * d;
                    meanGX += gamma[c] * d * xh[q];
                }
                meanG /= m;
                meanGX /= m;
                for (int q = 0; q < m; q++) {
                    int c = g * per + q / hw;
                    dx.data()[start + q] = (gamma[c] * dy.data()[start + q] - meanG - xh[q] * meanGX) * inv;
                }
            }
        }
        return new Grads(dx, dG, dB);
        // END SOLUTION
    }
}
