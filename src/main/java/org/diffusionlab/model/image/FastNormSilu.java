package org.diffusionlab.model.image;

/**
 * The fast path of a {@link GroupNorm} followed by a {@link Silu}: y = SiLU(γ·x̂ + β), the same
 * formulas as those two readable layers (see their comments), in one pass over the data and on
 * two threads. Forward gives the readable layers' numbers bit for bit (same operations in the
 * same order); backward too, except the sums dL/dγ and dL/dβ over the batch, whose order differs
 * (below). {@code FastNormSiluTest} checks both.
 *
 * <p><b>Why it is faster.</b> The readable pair reads and writes three whole tensors per pass
 * and runs on one thread; here each image's groups are normalized, shifted and activated while
 * they are in cache, and the batch is split between two threads.
 *
 * <p><b>Threads and determinism.</b> Images are independent in both directions except for
 * dL/dγ[c] = Σ_n Σ_pixels dL/dz·x̂ and dL/dβ[c] = Σ_n Σ_pixels dL/dz (z = γ·x̂ + β, the SiLU's input).
 * Each image's two sums go into its own row of a N×C table, and the rows are added in image order
 * after the threads finish, so the result does not depend on the number of threads.
 */
final class FastNormSilu {

    private final GroupNorm norm;
    private final int threads;
    private double[] normalized;
    private double[] sigmoid;
    private double[] inverseStd;
    private Tensor shape;

    FastNormSilu(GroupNorm norm) {
        this(norm, FastConv2d.THREADS);
    }

    /** @param threads ≥ 1 threads splitting the batch (tests compare 1, 2 and 3) */
    FastNormSilu(GroupNorm norm, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads = " + threads + " is invalid: must be >= 1");
        this.norm = norm;
        this.threads = threads;
    }

    /** y = SiLU(GroupNorm(x)), x and y N×C×H×W. */
    Tensor forward(Tensor x) {
        int channels = norm.channels(), groups = norm.groups();
        if (x.c != channels) {
            throw new IllegalArgumentException("x has shape " + x.shape() + ", invalid: expected " + channels + " channels");
        }
        int per = channels / groups, hw = x.h * x.w, m = per * hw;
        shape = x;
        normalized = new double[x.size()];
        sigmoid = new double[x.size()];
        inverseStd = new double[x.n * groups];
        Tensor y = x.zerosLike();
        double[] G = norm.gamma().w(), B = norm.beta().w(), xs = x.data, xh = normalized, sg = sigmoid, out = y.data;
        FastConv2d.parallel(x.n, threads, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < groups; g++) {
                    int start = (n * channels + g * per) * hw;
                    double mean = 0;
                    for (int q = 0; q < m; q++) mean += xs[start + q];
                    mean /= m;
                    double var = 0;
                    for (int q = 0; q < m; q++) {
                        double d = xs[start + q] - mean;
                        var += d * d;
                    }
                    var /= m;
                    double inv = 1.0 / Math.sqrt(var + GroupNorm.EPSILON);
                    inverseStd[n * groups + g] = inv;
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        double gc = G[c], bc = B[c];
                        int base = (n * channels + c) * hw;
                        for (int q = base; q < base + hw; q++) {
                            double h = (xs[q] - mean) * inv, z = gc * h + bc, s = Silu.sigmoid(z);
                            xh[q] = h;
                            sg[q] = s;
                            out[q] = z * s;
                        }
                    }
                }
            }
        });
        return y;
    }

    /** dL/dx from dL/dy of the last forward; adds dL/dγ and dL/dβ into the GroupNorm's gradients. */
    Tensor backward(Tensor dy) {
        if (normalized == null) throw new IllegalStateException("backward before forward");
        if (!dy.sameShape(shape)) throw new IllegalArgumentException("dy has shape " + dy.shape() + ", invalid: expected " + shape.shape());
        int channels = norm.channels(), groups = norm.groups();
        int per = channels / groups, hw = dy.h * dy.w, m = per * hw;
        Tensor dx = dy.zerosLike();
        double[] G = norm.gamma().w(), B = norm.beta().w(), xh = normalized, sg = sigmoid, d = dy.data, out = dx.data;
        double[][] dGamma = new double[dy.n][channels], dBeta = new double[dy.n][channels];
        FastConv2d.parallel(dy.n, threads, (n0, n1) -> {
            double[] dz = new double[m];
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < groups; g++) {
                    int start = (n * channels + g * per) * hw;
                    double meanG = 0, meanGX = 0;
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        double gc = G[c], bc = B[c], sumGamma = 0, sumBeta = 0;
                        int base = (n * channels + c) * hw;
                        for (int q = base; q < base + hw; q++) {
                            double h = xh[q], s = sg[q], z = gc * h + bc;
                            double dq = d[q] * s * (1 + z * (1 - s));  // through the SiLU
                            dz[q - start] = dq;
                            sumGamma += dq * h;
                            sumBeta += dq;
                            double gq = gc * dq;
                            meanG += gq;
                            meanGX += gq * h;
                        }
                        dGamma[n][c] = sumGamma;
                        dBeta[n][c] = sumBeta;
                    }
                    meanG /= m;
                    meanGX /= m;
                    double inv = inverseStd[n * groups + g];
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        double gc = G[c];
                        int base = (n * channels + c) * hw;
                        for (int q = base; q < base + hw; q++) out[q] = (gc * dz[q - start] - meanG - xh[q] * meanGX) * inv;
                    }
                }
            }
        });
        double[] gG = norm.gamma().g(), gB = norm.beta().g();
        for (int n = 0; n < dy.n; n++) {
            for (int c = 0; c < channels; c++) {
                gG[c] += dGamma[n][c];
                gB[c] += dBeta[n][c];
            }
        }
        return dx;
    }
}
