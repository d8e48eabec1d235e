package org.diffusionlab.model.image;

import java.util.stream.IntStream;

/**
 * The fast path of one {@link Conv2d}: the same sums, computed as matrix products in float
 * ("im2col"), on two threads. Equivalent to {@link Conv2d}'s readable loops up to float rounding;
 * {@code FastConv2dTest} checks forward, input gradient and parameter gradients against them.
 *
 * <p><b>im2col.</b> Write every patch the kernel sees as one column: with K = C_in·k² and
 * P = N·H_out·W_out, the matrix X_col (K×P) has X_col[(c, a, b'), (n, i, j)] = x[n, c, s·i + a − p,
 * s·j + b' − p] (0 in the padding). The convolution is then one product with the weights seen as
 * a C_out×K matrix, and its backward two more:
 * <pre>
 *   Y = W·X_col + b        (C_out×P)
 *   dW += δ·X_colᵀ,  db += δ·1,  dX_col = Wᵀ·δ,  then dx = col2im(dX_col)
 * </pre>
 * where col2im adds each entry of dX_col back onto the pixel it was copied from.
 *
 * <p><b>Why it is fast.</b> The rows of X_col are long (P = 4096 for 64 images of 8×8), so
 * Y[o, ·] += W[o, κ]·X_col[κ, ·] is a loop over two separate float arrays that the JIT turns into
 * SIMD instructions; the readable loops instead jump between nine neighbours of each pixel. The
 * columns are walked in tiles of {@value #TILE} so that the rows being combined stay in cache.
 * Floats halve the memory traffic; sums over K ≤ a few thousand terms keep a relative error near
 * 1e-6.
 *
 * <p><b>Threads.</b> Y and dX_col are split by column ranges and dW by output channel, each thread
 * owning its part, and every sum runs in the same order whatever the split: results do not depend
 * on the number of threads.
 */
public final class FastConv2d {

    /** Columns per tile. */
    static final int TILE = 512;
    /** Rows of X_colᵀ per tile of the weight gradient. */
    static final int TRANSPOSED_TILE = 64;
    /** Threads used (at most 2: this project's machines have 2 cores). */
    static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    private final Conv2d conv;
    private float[][] cols;
    private int n;
    private int h;
    private int w;
    private int ho;
    private int wo;

    FastConv2d(Conv2d conv) {
        this.conv = conv;
    }

    Tensor forward(Tensor x) {
        n = x.n;
        h = x.h;
        w = x.w;
        ho = conv.outputSize(h);
        wo = conv.outputSize(w);
        int K = conv.in * conv.k * conv.k, P = n * ho * wo, out = conv.out;
        cols = im2col(x, K, P);
        float[][] W = toFloatRows(conv.weight.w(), out, K);
        double[] B = conv.bias.w();
        float[][] Y = new float[out][P];
        parallel(P, (p0, p1) -> {
            for (int t0 = p0; t0 < p1; t0 += TILE) {
                int t1 = Math.min(p1, t0 + TILE);
                for (int o = 0; o < out; o++) {
                    float[] y = Y[o];
                    float bo = (float) B[o];
                    for (int p = t0; p < t1; p++) y[p] = bo;
                    float[] wrow = W[o];
                    for (int kk = 0; kk < K; kk++) axpy(wrow[kk], cols[kk], y, t0, t1);
                }
            }
        });
        Tensor result = new Tensor(n, out, ho, wo);
        int hw = ho * wo;
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                float[] y = Y[o];
                int dst = (b * out + o) * hw, src = b * hw;
                for (int q = 0; q < hw; q++) result.data[dst + q] = y[src + q];
            }
        }
        return result;
    }

    Tensor backward(Tensor dy) {
        if (cols == null) throw new IllegalStateException("backward before forward");
        Tensor.requireShape("dy", dy, conv.out, ho, wo);
        int K = conv.in * conv.k * conv.k, P = n * ho * wo, out = conv.out, hw = ho * wo;
        float[][] D = new float[out][P];
        for (int b = 0; b < n; b++) {
            for (int o = 0; o < out; o++) {
                int src = (b * out + o) * hw, dst = b * hw;
                float[] d = D[o];
                for (int q = 0; q < hw; q++) d[dst + q] = (float) dy.data[src + q];
            }
        }
        // dW = δ·X_colᵀ = Σ_p δ[·, p] ⊗ X_col[·, p] and db = δ·1, split by output channel. The
        // outer-product form runs over rows of X_colᵀ (length K), which the JIT vectorizes; the
        // dot-product form δ[o, ·]·X_col[κ, ·] would be a reduction, which it does not.
        float[][] colsT = transpose(cols, K, P);
        double[] dW = conv.weight.g(), dB = conv.bias.g();
        parallel(out, (o0, o1) -> {
            float[][] acc = new float[o1 - o0][K];
            for (int t0 = 0; t0 < P; t0 += TRANSPOSED_TILE) {
                int t1 = Math.min(P, t0 + TRANSPOSED_TILE);
                for (int o = o0; o < o1; o++) {
                    float[] d = D[o], a = acc[o - o0];
                    for (int p = t0; p < t1; p++) axpy(d[p], colsT[p], a, 0, K);
                }
            }
            for (int o = o0; o < o1; o++) {
                dB[o] += sum(D[o]);
                for (int kk = 0; kk < K; kk++) dW[o * K + kk] += acc[o - o0][kk];
            }
        });
        // dX_col = Wᵀ·δ, split by columns
        float[][] W = toFloatRows(conv.weight.w(), out, K);
        float[][] dcols = new float[K][P];
        parallel(P, (p0, p1) -> {
            for (int t0 = p0; t0 < p1; t0 += TILE) {
                int t1 = Math.min(p1, t0 + TILE);
                for (int kk = 0; kk < K; kk++) {
                    float[] dc = dcols[kk];
                    for (int o = 0; o < out; o++) axpy(W[o][kk], D[o], dc, t0, t1);
                }
            }
        });
        cols = null;
        return col2im(dcols);
    }

    private float[][] im2col(Tensor x, int K, int P) {
        float[][] c = new float[K][P];
        int k = conv.k, s = conv.stride, pad = conv.padding;
        for (int ch = 0; ch < conv.in; ch++) {
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    float[] row = c[(ch * k + a) * k + b];
                    for (int img = 0; img < n; img++) {
                        int base = (img * conv.in + ch) * h * w;
                        for (int i = 0; i < ho; i++) {
                            int u = s * i + a - pad;
                            int dst = (img * ho + i) * wo;
                            if (u < 0 || u >= h) continue;
                            for (int j = 0; j < wo; j++) {
                                int v = s * j + b - pad;
                                if (v >= 0 && v < w) row[dst + j] = (float) x.data[base + u * w + v];
                            }
                        }
                    }
                }
            }
        }
        return c;
    }

    private Tensor col2im(float[][] dcols) {
        Tensor dx = new Tensor(n, conv.in, h, w);
        int k = conv.k, s = conv.stride, pad = conv.padding;
        for (int ch = 0; ch < conv.in; ch++) {
            for (int a = 0; a < k; a++) {
                for (int b = 0; b < k; b++) {
                    float[] row = dcols[(ch * k + a) * k + b];
                    for (int img = 0; img < n; img++) {
                        int base = (img * conv.in + ch) * h * w;
                        for (int i = 0; i < ho; i++) {
                            int u = s * i + a - pad;
                            if (u < 0 || u >= h) continue;
                            int src = (img * ho + i) * wo;
                            for (int j = 0; j < wo; j++) {
                                int v = s * j + b - pad;
                                if (v >= 0 && v < w) dx.data[base + u * w + v] += row[src + j];
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static float[][] toFloatRows(double[] a, int rows, int cols) {
        float[][] f = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) f[r][c] = (float) a[r * cols + c];
        }
        return f;
    }

    /** y[p] += a·x[p] for p in [p0, p1): two separate arrays, so the JIT vectorizes it. */
    private static void axpy(float a, float[] x, float[] y, int p0, int p1) {
        if (a == 0f) return;
        for (int p = p0; p < p1; p++) y[p] += a * x[p];
    }

    /** The K×P matrix as P rows of K, in 64×64 blocks so that both sides stay in cache. */
    private static float[][] transpose(float[][] a, int K, int P) {
        float[][] t = new float[P][K];
        for (int k0 = 0; k0 < K; k0 += 64) {
            for (int p0 = 0; p0 < P; p0 += 64) {
                for (int k = k0; k < Math.min(K, k0 + 64); k++) {
                    float[] row = a[k];
                    for (int p = p0; p < Math.min(P, p0 + 64); p++) t[p][k] = row[p];
                }
            }
        }
        return t;
    }

    private static double sum(float[] a) {
        double s = 0;
        for (float v : a) s += v;
        return s;
    }

    private interface Range {
        void run(int from, int to);
    }

    /** Splits [0, m) into {@link #THREADS} contiguous parts run in parallel (one part when m is small). */
    private static void parallel(int m, Range body) {
        int parts = m >= 2 ? THREADS : 1;
        if (parts == 1) {
            body.run(0, m);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(q -> body.run((int) ((long) m * q / parts), (int) ((long) m * (q + 1) / parts)));
    }
}
