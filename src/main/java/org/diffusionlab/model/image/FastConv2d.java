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
 * <p><b>Why it is fast.</b> The three products run on {@link Products}: plain Java, where
 * Y[o, ·] += Σ W[o, κ]·X_col[κ, ·] four terms at a time is a loop over separate float arrays that
 * the JIT turns into SIMD instructions, or, when the JVM has the Vector API module,
 * {@code VectorConvProducts} with blocks of the result held in registers; the readable loops instead
 * jump between the nine neighbours of each pixel. For stride-1 convolutions whose output has the
 * input's size, im2col copies and col2im adds one contiguous run per row and kernel offset
 * ({@link #im2colSameSize}; {@link #col2imSameSize} zeroes the padding entries of its input in place).
 * The batch is processed in chunks of about {@value #CHUNK_COLUMNS}
 * columns, so X_col, Y and their gradients stay in the processor's cache (a whole batch of 400
 * images would need tens of megabytes per layer); backward rebuilds each chunk's X_col instead of
 * keeping it from forward. In plain Java dW = δ·X_colᵀ is computed as a sum of outer products over
 * rows of X_colᵀ, again a vectorizable loop, since the dot-product form would be a reduction, which
 * the JIT does not vectorize (the Vector API products do use dot products, without the transpose).
 * Floats halve the memory traffic; sums over K ≤ a few thousand terms keep a relative error near
 * 1e-6.
 *
 * <p><b>Threads.</b> Within each chunk, Y and dX_col are split by column ranges, dW by output
 * channel, X_col by rows and col2im by input channel, each thread owning its part, and every sum
 * runs in the same order whatever the split: results do not depend on the number of threads.
 */
public final class FastConv2d {

    /** Columns (images × output pixels) per chunk. */
    static final int CHUNK_COLUMNS = 2048;
    /** Rows of X_colᵀ per tile of the weight gradient. */
    static final int TRANSPOSED_TILE = 64;
    /** Threads used (at most 2: this project's machines have 2 cores). */
    static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    /**
     * The three matrix products of a chunk. {@link #PLAIN}: loops the JIT vectorizes by itself;
     * {@code VectorConvProducts} ({@code src/main/vector}): the Vector API with accumulators kept
     * in registers, used when the JVM has {@code --add-modules jdk.incubator.vector} (as
     * {@link org.diffusionlab.train.fast.FloatKernels} chooses its kernel). Both compute every
     * element of a result by one fixed sequence of operations, whatever the thread split.
     */
    interface Products {
        /** c[i][n] += Σ_{κ &lt; depth} a[i][κ]·b[κ][n] for i &lt; rows and n in [n0, n1): C += A·B on a column range. */
        void multiply(float[][] a, float[][] b, float[][] c, int rows, int depth, int n0, int n1);

        /** Whether {@link #weightGradient} reads X_colᵀ (then the caller fills {@code colsT} first). */
        boolean readsTransposedColumns();

        /**
         * dW[o][κ] += Σ_{p &lt; P} δ[o][p]·X_col[κ][p] for o in [o0, o1) and κ &lt; K (dW += δ·X_colᵀ), from
         * {@code cols} (K×P) or from {@code colsT} (P×K), as {@link #readsTransposedColumns} says.
         */
        void weightGradient(float[][] delta, float[][] cols, float[][] colsT, float[][] dW, int o0, int o1, int K, int P);

        /** A few words for benchmark tables. */
        String describe();
    }

    /** Plain Java: row combinations four rows per pass (vectorized by C2), dW as outer products over X_colᵀ in tiles. */
    static final Products PLAIN = new Products() {
        @Override
        public void multiply(float[][] a, float[][] b, float[][] c, int rows, int depth, int n0, int n1) {
            for (int i = 0; i < rows; i++) {
                float[] ai = a[i], y = c[i];
                int k = 0;
                for (; k + 3 < depth; k += 4) axpy4(ai[k], b[k], ai[k + 1], b[k + 1], ai[k + 2], b[k + 2], ai[k + 3], b[k + 3], y, n0, n1);
                for (; k < depth; k++) axpy(ai[k], b[k], y, n0, n1);
            }
        }

        @Override
        public boolean readsTransposedColumns() {
            return true;
        }

        @Override
        public void weightGradient(float[][] delta, float[][] cols, float[][] colsT, float[][] dW, int o0, int o1, int K, int P) {
            for (int t0 = 0; t0 < P; t0 += TRANSPOSED_TILE) {
                int t1 = Math.min(P, t0 + TRANSPOSED_TILE);
                for (int o = o0; o < o1; o++) {
                    float[] d = delta[o], acc = dW[o];
                    for (int p = t0; p < t1; p++) axpy(d[p], colsT[p], acc, 0, K);
                }
            }
        }

        @Override
        public String describe() {
            return "plain Java";
        }
    };

    /** The Vector API products, or null when this JVM lacks the module or the class. */
    static final Products VECTOR = loadVectorProducts();

    /** {@link #VECTOR} when available, else {@link #PLAIN}; detected once, never needs a flag. */
    static Products fastest() {
        return VECTOR != null ? VECTOR : PLAIN;
    }

    /** Which products the fast path uses in this JVM (for benchmark tables). */
    public static String describeProducts() {
        return fastest().describe();
    }

    private static Products loadVectorProducts() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return null;
        try {
            return (Products) Class.forName(FastConv2d.class.getPackageName() + ".VectorConvProducts").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;  // compiled without the vector source folder (e.g. by an IDE): plain products
        }
    }

    private final Conv2d conv;
    private final Products products;
    private Tensor input;
    private int h;
    private int w;
    private int ho;
    private int wo;

    FastConv2d(Conv2d conv) {
        this(conv, fastest());
    }

    FastConv2d(Conv2d conv, Products products) {
        this.conv = conv;
        this.products = products;
    }

    Tensor forward(Tensor x) {
        input = x;
        h = x.h;
        w = x.w;
        ho = conv.outputSize(h);
        wo = conv.outputSize(w);
        int K = conv.in * conv.k * conv.k, out = conv.out, hw = ho * wo;
        int perChunk = Math.max(1, CHUNK_COLUMNS / hw);
        float[] xf = toFloat(x.data);
        float[][] W = toFloatRows(conv.weight.w(), out, K);
        double[] B = conv.bias.w();
        float[][] cols = new float[K][perChunk * hw];
        float[][] Y = new float[out][perChunk * hw];
        Tensor result = new Tensor(x.n, out, ho, wo);
        for (int first = 0; first < x.n; first += perChunk) {
            int m = Math.min(perChunk, x.n - first), P = m * hw;
            im2col(xf, first, m, cols);
            parallel(P, (p0, p1) -> {
                for (int o = 0; o < out; o++) {
                    float[] y = Y[o];
                    float bo = (float) B[o];
                    for (int p = p0; p < p1; p++) y[p] = bo;
                }
                products.multiply(W, cols, Y, out, K, p0, p1);
            });
            for (int b = 0; b < m; b++) {
                for (int o = 0; o < out; o++) {
                    float[] y = Y[o];
                    int dst = ((first + b) * out + o) * hw, src = b * hw;
                    for (int q = 0; q < hw; q++) result.data[dst + q] = y[src + q];
                }
            }
        }
        return result;
    }

    Tensor backward(Tensor dy) {
        if (input == null) throw new IllegalStateException("backward before forward");
        Tensor.requireShape("dy", dy, conv.out, ho, wo);
        Tensor x = input;
        int K = conv.in * conv.k * conv.k, out = conv.out, hw = ho * wo;
        int perChunk = Math.max(1, CHUNK_COLUMNS / hw);
        float[] xf = toFloat(x.data);
        float[][] W = toFloatRows(conv.weight.w(), out, K);
        float[][] Wt = new float[K][out];
        for (int o = 0; o < out; o++) {
            for (int kk = 0; kk < K; kk++) Wt[kk][o] = W[o][kk];
        }
        float[][] cols = new float[K][perChunk * hw];
        float[][] colsT = products.readsTransposedColumns() ? new float[perChunk * hw][K] : null;
        float[][] D = new float[out][perChunk * hw];
        float[][] dcols = new float[K][perChunk * hw];
        float[][] dW = new float[out][K];
        double[] dB = new double[out];
        Tensor dx = new Tensor(x.n, conv.in, h, w);
        for (int first = 0; first < x.n; first += perChunk) {
            int m = Math.min(perChunk, x.n - first), P = m * hw;
            im2col(xf, first, m, cols);
            if (colsT != null) transpose(cols, colsT, K, P);
            for (int b = 0; b < m; b++) {
                for (int o = 0; o < out; o++) {
                    int src = ((first + b) * out + o) * hw, dst = b * hw;
                    float[] d = D[o];
                    for (int q = 0; q < hw; q++) d[dst + q] = (float) dy.data[src + q];
                }
            }
            // dW += δ·X_colᵀ = Σ_p δ[·, p] ⊗ X_colᵀ[p, ·] and db += δ·1, split by output channel
            parallel(out, (o0, o1) -> {
                products.weightGradient(D, cols, colsT, dW, o0, o1, K, P);
                for (int o = o0; o < o1; o++) {
                    double s = 0;
                    for (int p = 0; p < P; p++) s += D[o][p];
                    dB[o] += s;
                }
            });
            // dX_col = Wᵀ·δ, split by columns
            parallel(P, (p0, p1) -> {
                for (int kk = 0; kk < K; kk++) {
                    float[] dc = dcols[kk];
                    for (int p = p0; p < p1; p++) dc[p] = 0f;
                }
                products.multiply(Wt, D, dcols, K, out, p0, p1);
            });
            col2im(dcols, first, m, dx);
        }
        double[] gW = conv.weight.g(), gB = conv.bias.g();
        for (int o = 0; o < out; o++) {
            gB[o] += dB[o];
            for (int kk = 0; kk < K; kk++) gW[o * K + kk] += dW[o][kk];
        }
        return dx;
    }

    /**
     * Fills the first m·H_out·W_out columns of X_col (class comment) for images first..first+m−1,
     * one row per (c, a, b'), rows in parallel. Only the output columns j whose input column
     * s·j + b' − p lies inside the image are written, so the inner loop has no branch; the others
     * (the padding) are never written and stay 0 from allocation, whichever chunk came before.
     */
    private void im2col(float[] xf, int first, int m, float[][] c) {
        if (sameSize()) {
            im2colSameSize(xf, first, m, c);
            return;
        }
        int k = conv.k, K = c.length;
        parallel(K, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ch = r / (k * k), a = (r / k) % k, b = r % k;
                float[] row = c[r];
                int j0 = firstInside(b), j1 = endInside(b);
                for (int img = 0; img < m; img++) {
                    int base = ((first + img) * conv.in + ch) * h * w;
                    for (int i = 0; i < ho; i++) {
                        int u = conv.stride * i + a - conv.padding;
                        if (u < 0 || u >= h) continue;
                        int dst = (img * ho + i) * wo, src = base + u * w + b - conv.padding;
                        for (int j = j0; j < j1; j++) row[dst + j] = xf[src + conv.stride * j];
                    }
                }
            }
        });
    }

    /** Adds each entry of a chunk's dX_col back onto the input pixel it was copied from, channels in parallel. */
    private void col2im(float[][] dcols, int first, int m, Tensor dx) {
        if (sameSize()) {
            col2imSameSize(dcols, first, m, dx);
            return;
        }
        int k = conv.k;
        parallel(conv.in, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        float[] row = dcols[(ch * k + a) * k + b];
                        int j0 = firstInside(b), j1 = endInside(b);
                        for (int img = 0; img < m; img++) {
                            int base = ((first + img) * conv.in + ch) * h * w;
                            for (int i = 0; i < ho; i++) {
                                int u = conv.stride * i + a - conv.padding;
                                if (u < 0 || u >= h) continue;
                                int src = (img * ho + i) * wo, dst = base + u * w + b - conv.padding;
                                for (int j = j0; j < j1; j++) dx.data[dst + conv.stride * j] += row[src + j];
                            }
                        }
                    }
                }
            }
        });
    }

    /** Stride 1 and an output of the input's size (3×3 with padding 1, 1×1 without): {@link #im2colSameSize} applies. */
    private boolean sameSize() {
        return conv.stride == 1 && ho == h && wo == w;
    }

    /**
     * {@link #im2col} for {@link #sameSize}, with long copies instead of one short loop per output
     * row (measured: that loop and col2im's were about half of a U-Net step). For a row (c, a, b')
     * of X_col and one image, the entry of output pixel (i, j) is x[c, i + a − p, j + b' − p]: the
     * image shifted by a constant, so with H_out = H and W_out = W every valid entry sits at the
     * same distance from its source, and one {@link System#arraycopy} fills the run from the first
     * valid pixel to the last. The entries of that run whose column j + b' − p fell outside the
     * image received a pixel of the neighbouring row; they are set back to 0 (the padding).
     */
    private void im2colSameSize(float[] xf, int first, int m, float[][] c) {
        int k = conv.k, p = conv.padding, hw = h * w;
        parallel(c.length, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int ch = r / (k * k), a = (r / k) % k, dv = r % k - p;
                int i0 = Math.max(0, p - a), i1 = Math.min(h, h + p - a), j0 = Math.max(0, -dv), j1 = Math.min(w, w - dv);
                if (i1 <= i0 || j1 <= j0) continue;
                float[] row = c[r];
                int len = (i1 - i0) * w - j0 - (w - j1);
                for (int img = 0; img < m; img++) {
                    int out = img * hw;
                    System.arraycopy(xf, ((first + img) * conv.in + ch) * hw + (i0 + a - p) * w + j0 + dv, row, out + i0 * w + j0, len);
                    for (int i = i0; i < i1; i++) {
                        for (int j = 0; j < j0; j++) row[out + i * w + j] = 0f;
                        for (int j = j1; j < w; j++) row[out + i * w + j] = 0f;
                    }
                }
            }
        });
    }

    /**
     * {@link #col2im} for {@link #sameSize}, the reverse of {@link #im2colSameSize}: the entries of
     * dX_col that belong to the padding are set to 0 (no pixel receives them), then each run is
     * added onto the image in one loop.
     */
    private void col2imSameSize(float[][] dcols, int first, int m, Tensor dx) {
        int k = conv.k, p = conv.padding, hw = h * w;
        parallel(conv.in, (c0, c1) -> {
            for (int ch = c0; ch < c1; ch++) {
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        int dv = b - p;
                        int i0 = Math.max(0, p - a), i1 = Math.min(h, h + p - a), j0 = Math.max(0, -dv), j1 = Math.min(w, w - dv);
                        if (i1 <= i0 || j1 <= j0) continue;
                        float[] row = dcols[(ch * k + a) * k + b];
                        int len = (i1 - i0) * w - j0 - (w - j1);
                        for (int img = 0; img < m; img++) {
                            int src = img * hw;
                            for (int i = i0; i < i1; i++) {
                                for (int j = 0; j < j0; j++) row[src + i * w + j] = 0f;
                                for (int j = j1; j < w; j++) row[src + i * w + j] = 0f;
                            }
                            int from = src + i0 * w + j0, to = ((first + img) * conv.in + ch) * hw + (i0 + a - p) * w + j0 + dv;
                            for (int q = 0; q < len; q++) dx.data[to + q] += row[from + q];
                        }
                    }
                }
            }
        });
    }

    /** The first output column j with s·j + b' − p ≥ 0. */
    private int firstInside(int b) {
        int need = conv.padding - b;
        return need <= 0 ? 0 : (need + conv.stride - 1) / conv.stride;
    }

    /** One past the last output column j with s·j + b' − p &lt; W (at most W_out). */
    private int endInside(int b) {
        int last = w - 1 + conv.padding - b;
        return last < 0 ? 0 : Math.min(wo, last / conv.stride + 1);
    }

    private static float[] toFloat(double[] a) {
        float[] f = new float[a.length];
        for (int i = 0; i < a.length; i++) f[i] = (float) a[i];
        return f;
    }

    private static float[][] toFloatRows(double[] a, int rows, int cols) {
        float[][] f = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) f[r][c] = (float) a[r * cols + c];
        }
        return f;
    }

    /** The first P columns of the K×P matrix a as P rows of K, in 64×64 blocks so that both sides stay in cache. */
    private static void transpose(float[][] a, float[][] t, int K, int P) {
        for (int k0 = 0; k0 < K; k0 += 64) {
            for (int p0 = 0; p0 < P; p0 += 64) {
                for (int k = k0; k < Math.min(K, k0 + 64); k++) {
                    float[] row = a[k];
                    for (int p = p0; p < Math.min(P, p0 + 64); p++) t[p][k] = row[p];
                }
            }
        }
    }

    /** y[p] += a·x[p] for p in [p0, p1): two separate arrays, so the JIT vectorizes it. */
    private static void axpy(float a, float[] x, float[] y, int p0, int p1) {
        for (int p = p0; p < p1; p++) y[p] += a * x[p];
    }

    /** y[p] += a0·x0[p] + a1·x1[p] + a2·x2[p] + a3·x3[p] for p in [p0, p1): y loaded and stored once for four rows. */
    private static void axpy4(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3,
                              float[] y, int p0, int p1) {
        for (int p = p0; p < p1; p++) y[p] += a0 * x0[p] + a1 * x1[p] + a2 * x2[p] + a3 * x3[p];
    }

    interface Range {
        void run(int from, int to);
    }

    /** Splits [0, m) into {@link #THREADS} contiguous parts run in parallel (one part when m &lt; 2). */
    private static void parallel(int m, Range body) {
        parallel(m, THREADS, body);
    }

    /** Splits [0, m) into min(threads, m) contiguous parts run in parallel (one part when m &lt; 2). */
    static void parallel(int m, int threads, Range body) {
        int parts = Math.max(1, Math.min(threads, m));
        if (parts == 1) {
            body.run(0, m);
            return;
        }
        IntStream.range(0, parts).parallel().forEach(q -> body.run((int) ((long) m * q / parts), (int) ((long) m * (q + 1) / parts)));
    }
}
