package org.diffusionlab.model.image;

import java.util.Arrays;
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
 * input's size, im2col copies one contiguous run per row and kernel offset ({@link #im2colSameSize}),
 * and backward computes dx as a convolution of δ with the flipped weights ({@link #backward}), with
 * no col2im.
 * Each half of the batch is processed in chunks of about {@value #CHUNK_COLUMNS}
 * columns, so X_col, Y and their gradients stay in the processor's cache (a whole batch of 400
 * images would need tens of megabytes per layer). In plain Java dW = δ·X_colᵀ is computed as a sum
 * of outer products over rows of X_colᵀ, again a vectorizable loop, since the dot-product form would be a reduction, which
 * the JIT does not vectorize (the Vector API products do use dot products, without the transpose).
 * Floats halve the memory traffic; sums over K ≤ a few thousand terms keep a relative error near
 * 1e-6.
 *
 * <p><b>Threads.</b> The batch is split into {@value #PARTS} fixed halves of images, and the caller
 * and {@link PairRunner}'s worker each run a whole half through the layer (its im2col, products,
 * col2im), so the two threads meet once per layer and direction instead of once per copy and product. dW and db are summed per half and
 * the halves added in order afterwards: results do not depend on the number of threads. Each half
 * keeps its buffers between calls (and the layer its output and dx tensors, {@link #reuse}), and when it fits in one chunk (as in the digits U-Net's
 * training step) backward reuses the X_col of forward instead of rebuilding it.
 */
public final class FastConv2d {

    /** Columns (images × output pixels) per chunk. */
    static final int CHUNK_COLUMNS = 2048;
    /** Rows of X_colᵀ per tile of the weight gradient. */
    static final int TRANSPOSED_TILE = 64;
    /** Threads used (at most 2: this project's machines have 2 cores). */
    static final int THREADS = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    /** Fixed parts of the batch, each computed whole by one thread; fixed so that sums do not depend on {@link #THREADS}. */
    static final int PARTS = 2;

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
    private final int threads;
    /** One workspace per fixed part of the batch; its buffers are kept between calls. */
    private final Part[] parts = new Part[PARTS];
    private Tensor input;
    /** The output of forward and dx of backward, reused by the next call of the same shape (see {@link #reuse}). */
    private Tensor output;
    private Tensor inputGradient;
    /** W as C_out rows of K floats, and W' or Wᵀ for backward: refilled from the weights at every call. */
    private float[][] weightRows = new float[0][];
    private float[][] backwardWeights = new float[0][];
    private int h;
    private int w;
    private int ho;
    private int wo;

    FastConv2d(Conv2d conv) {
        this(conv, fastest());
    }

    FastConv2d(Conv2d conv, Products products) {
        this(conv, products, THREADS);
    }

    /** @param threads ≥ 1 threads running the {@value #PARTS} parts of the batch (1 runs both on the caller; tests compare 1, 2 and 3) */
    FastConv2d(Conv2d conv, Products products, int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads = " + threads + " is invalid: must be >= 1");
        this.conv = conv;
        this.products = products;
        this.threads = threads;
        for (int q = 0; q < PARTS; q++) parts[q] = new Part();
    }

    /**
     * The buffers of one part of the batch: its input in float, X_col, Y, δ and dX_col of one chunk,
     * and its own dW and db (added to the other parts' in part order).
     */
    private static final class Part {
        float[] xf = new float[0];
        float[][] cols = new float[0][];
        float[][] colsT;
        float[][] y = new float[0][];
        float[][] delta = new float[0][];
        float[][] dcols = new float[0][];
        /** Same-size layers: δ of the part in float (N×C_out×H×W order), and dx of one chunk (C_in×P). */
        float[] deltaFlat = new float[0];
        float[][] dxRows = new float[0][];
        float[][] dW = new float[0][];
        double[] dB = new double[0];
        /** Same-size layers: the rows of δ, which are the centre rows of {@link #dcols}. */
        float[][] deltaRows = new float[0][];
        /** H·65536 + W of the input {@link #cols} and {@link #dcols} were filled for: im2col leaves the padding entries at 0, so another size needs new buffers. */
        int geometry = -1;
        /** Whether {@link #cols} holds X_col of this part's only chunk from the last forward (then backward skips im2col). */
        boolean colsKept;
    }

    /** a when it has at least rows × columns, else a new rows × columns array (the buffers only grow). */
    private static float[][] atLeast(float[][] a, int rows, int columns) {
        return a != null && a.length >= rows && (rows == 0 || a[0].length >= columns) ? a : new float[rows][columns];
    }

    /**
     * t when it has shape n×c×h×w, else a new tensor of zeros of that shape. The fast layers return
     * their outputs and input gradients in tensors kept for the next call: in a training step each
     * layer runs forward once, then backward once, and every result is consumed before the layer's
     * next call, so nothing still needed is overwritten; {@link UNet#forward} copies the network's
     * output, which callers keep (guided sampling runs the network twice). The contents are not
     * cleared: the caller writes every element or clears them itself.
     */
    static Tensor reuse(Tensor t, int n, int c, int h, int w) {
        return t != null && t.n == n && t.c == c && t.h == h && t.w == w ? t : new Tensor(n, c, h, w);
    }

    /** The first image of part q of a batch of n: the parts are fixed ({@value #PARTS}), whatever the thread count. */
    private static int partStart(int n, int q) {
        return (int) ((long) n * q / PARTS);
    }

    Tensor forward(Tensor x) {
        input = x;
        h = x.h;
        w = x.w;
        ho = conv.outputSize(h);
        wo = conv.outputSize(w);
        int K = conv.in * conv.k * conv.k, out = conv.out, hw = ho * wo, chw = conv.in * h * w;
        int perChunk = Math.max(1, CHUNK_COLUMNS / hw);
        float[][] W = weightRows = toFloatRows(conv.weight.w(), out, K, weightRows);
        double[] B = conv.bias.w();
        Tensor result = output = reuse(output, x.n, out, ho, wo);
        parallel(PARTS, threads, (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                int n0 = partStart(x.n, q), n1 = partStart(x.n, q + 1);
                if (n1 == n0) continue;
                Part part = parts[q];
                int columns = Math.min(perChunk, n1 - n0) * hw;
                if (part.geometry != (h << 16) + w) {
                    part.cols = new float[0][];
                    part.dcols = new float[0][];
                }
                part.geometry = (h << 16) + w;
                part.cols = atLeast(part.cols, K, columns);
                part.y = atLeast(part.y, out, columns);
                if (part.xf.length < (n1 - n0) * chw) part.xf = new float[(n1 - n0) * chw];
                for (int i = 0, src = n0 * chw; i < (n1 - n0) * chw; i++) part.xf[i] = (float) x.data[src + i];
                part.colsKept = n1 - n0 <= perChunk;
                for (int first = n0; first < n1; first += perChunk) {
                    int m = Math.min(perChunk, n1 - first), P = m * hw;
                    im2col(part.xf, first - n0, m, part.cols);
                    for (int o = 0; o < out; o++) Arrays.fill(part.y[o], 0, P, (float) B[o]);
                    products.multiply(W, part.cols, part.y, out, K, 0, P);
                    for (int b = 0; b < m; b++) {
                        for (int o = 0; o < out; o++) {
                            float[] y = part.y[o];
                            int dst = ((first + b) * out + o) * hw, src = b * hw;
                            for (int p = 0; p < hw; p++) result.data[dst + p] = y[src + p];
                        }
                    }
                }
            }
        });
        return result;
    }

    /**
     * dL/dx, and dL/dW, dL/db added into the parameters' gradients, for δ = dy of the last forward.
     * For {@link #sameSize} layers dx is itself a same-size convolution, of δ with the weights
     * flipped and transposed, W'[c, (o, a, b')] = W[o, (c, k−1−a, k−1−b')]:
     * dx[n, c, u, v] = Σ_{o, a, b'} W'[c, (o, a, b')]·δ[n, o, u + a − p, v + b' − p] (since 2p = k − 1),
     * so backward builds the im2col matrix of δ (copies, as forward) and runs one more product,
     * instead of scattering dX_col back with col2im. The centre rows (a = b' = p) of that matrix
     * are δ itself, which dW = δ·X_colᵀ reads. Other layers use dX_col = Wᵀ·δ and col2im.
     */
    Tensor backward(Tensor dy) {
        if (input == null) throw new IllegalStateException("backward before forward");
        Tensor.requireShape("dy", dy, conv.out, ho, wo);
        Tensor x = input;
        int k = conv.k, K = conv.in * k * k, out = conv.out, hw = ho * wo, centre = conv.padding * k + conv.padding;
        int perChunk = Math.max(1, CHUNK_COLUMNS / hw);
        boolean same = sameSize();
        float[][] W = weightRows = toFloatRows(conv.weight.w(), out, K, weightRows);
        // same size: W' (C_in × C_out·k², flipped); else Wᵀ (K × C_out); every entry is written below
        float[][] Wb = backwardWeights = same ? exactly(backwardWeights, conv.in, out * k * k) : exactly(backwardWeights, K, out);
        // rows o split over the threads (each writes its own entries)
        parallel(out, threads, (o0, o1) -> {
            for (int o = o0; o < o1; o++) {
                float[] wo = W[o];
                if (same) {
                    for (int c = 0, kk = 0; c < conv.in; c++) {
                        float[] row = Wb[c];
                        for (int a = 0; a < k; a++) {
                            for (int b = 0; b < k; b++, kk++) row[(o * k + k - 1 - a) * k + k - 1 - b] = wo[kk];
                        }
                    }
                } else {
                    for (int kk = 0; kk < K; kk++) Wb[kk][o] = wo[kk];
                }
            }
        });
        Tensor dx = inputGradient = reuse(inputGradient, x.n, conv.in, h, w);
        if (!same) Arrays.fill(dx.data, 0);  // col2im adds into it
        parallel(PARTS, threads, (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                int n0 = partStart(x.n, q), n1 = partStart(x.n, q + 1);
                Part part = parts[q];
                part.dW = atLeast(part.dW, out, K);
                for (int o = 0; o < out; o++) Arrays.fill(part.dW[o], 0, K, 0f);
                if (part.dB.length < out) part.dB = new double[out];
                Arrays.fill(part.dB, 0);
                if (n1 == n0) continue;
                int columns = Math.min(perChunk, n1 - n0) * hw;
                part.cols = atLeast(part.cols, K, columns);
                if (products.readsTransposedColumns()) part.colsT = atLeast(part.colsT, columns, K);
                float[][] delta;
                if (same) {
                    part.dcols = atLeast(part.dcols, out * k * k, columns);
                    part.dxRows = atLeast(part.dxRows, conv.in, columns);
                    int size = (n1 - n0) * out * hw;
                    if (part.deltaFlat.length < size) part.deltaFlat = new float[size];
                    for (int i = 0, src = n0 * out * hw; i < size; i++) part.deltaFlat[i] = (float) dy.data[src + i];
                    if (part.deltaRows.length != out) part.deltaRows = new float[out][];
                    delta = part.deltaRows;
                    for (int o = 0; o < out; o++) delta[o] = part.dcols[o * k * k + centre];
                } else {
                    part.delta = atLeast(part.delta, out, columns);
                    part.dcols = atLeast(part.dcols, K, columns);
                    delta = part.delta;
                }
                for (int first = n0; first < n1; first += perChunk) {
                    int m = Math.min(perChunk, n1 - first), P = m * hw;
                    if (!part.colsKept) im2col(part.xf, first - n0, m, part.cols);
                    if (products.readsTransposedColumns()) transpose(part.cols, part.colsT, K, P);
                    if (same) {
                        im2colSameSize(part.deltaFlat, out, first - n0, m, part.dcols);
                    } else {
                        for (int b = 0; b < m; b++) {
                            for (int o = 0; o < out; o++) {
                                int src = ((first + b) * out + o) * hw, dst = b * hw;
                                float[] d = delta[o];
                                for (int p = 0; p < hw; p++) d[dst + p] = (float) dy.data[src + p];
                            }
                        }
                    }
                    // dW += δ·X_colᵀ and db += δ·1
                    products.weightGradient(delta, part.cols, part.colsT, part.dW, 0, out, K, P);
                    for (int o = 0; o < out; o++) {
                        double s = 0;
                        for (int p = 0; p < P; p++) s += delta[o][p];
                        part.dB[o] += s;
                    }
                    if (same) {
                        // dx = W'·im2col(δ), written onto this chunk's images
                        for (int c = 0; c < conv.in; c++) Arrays.fill(part.dxRows[c], 0, P, 0f);
                        products.multiply(Wb, part.dcols, part.dxRows, conv.in, out * k * k, 0, P);
                        for (int b = 0; b < m; b++) {
                            for (int c = 0; c < conv.in; c++) {
                                float[] d = part.dxRows[c];
                                int dst = ((first + b) * conv.in + c) * hw, src = b * hw;
                                for (int p = 0; p < hw; p++) dx.data[dst + p] = d[src + p];
                            }
                        }
                    } else {
                        // dX_col = Wᵀ·δ, then added back onto the pixels
                        for (int kk = 0; kk < K; kk++) Arrays.fill(part.dcols[kk], 0, P, 0f);
                        products.multiply(Wb, delta, part.dcols, K, out, 0, P);
                        col2im(part.dcols, first, m, dx);
                    }
                }
            }
        });
        double[] gW = conv.weight.g(), gB = conv.bias.g();
        // the parts' sums added in part order; rows o split over the threads, so each entry sees the same additions
        parallel(out, threads, (o0, o1) -> {
            for (Part part : parts) {
                for (int o = o0; o < o1; o++) {
                    gB[o] += part.dB[o];
                    for (int kk = 0; kk < K; kk++) gW[o * K + kk] += part.dW[o][kk];
                }
            }
        });
        return dx;
    }

    /**
     * Fills the first m·H_out·W_out columns of X_col (class comment) for images first..first+m−1,
     * one row per (c, a, b'). Only the output columns j whose input column
     * s·j + b' − p lies inside the image are written, so the inner loop has no branch; the others
     * (the padding) are never written and stay 0 from allocation, whichever chunk came before.
     */
    private void im2col(float[] xf, int first, int m, float[][] c) {
        if (sameSize()) {
            im2colSameSize(xf, conv.in, first, m, c);
            return;
        }
        int k = conv.k, K = c.length;
        for (int r = 0; r < K; r++) {
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
    }

    /** Adds each entry of a chunk's dX_col back onto the input pixel it was copied from (layers that are not {@link #sameSize}). */
    private void col2im(float[][] dcols, int first, int m, Tensor dx) {
        int k = conv.k;
        for (int ch = 0; ch < conv.in; ch++) {
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
    private void im2colSameSize(float[] xf, int channels, int first, int m, float[][] c) {
        int k = conv.k, p = conv.padding, hw = h * w;
        for (int r = 0; r < c.length; r++) {
            int ch = r / (k * k), a = (r / k) % k, dv = r % k - p;
            int i0 = Math.max(0, p - a), i1 = Math.min(h, h + p - a), j0 = Math.max(0, -dv), j1 = Math.min(w, w - dv);
            if (i1 <= i0 || j1 <= j0) continue;
            float[] row = c[r];
            int len = (i1 - i0) * w - j0 - (w - j1);
            for (int img = 0; img < m; img++) {
                int out = img * hw;
                System.arraycopy(xf, ((first + img) * channels + ch) * hw + (i0 + a - p) * w + j0 + dv, row, out + i0 * w + j0, len);
                for (int i = i0; i < i1; i++) {
                    for (int j = 0; j < j0; j++) row[out + i * w + j] = 0f;
                    for (int j = j1; j < w; j++) row[out + i * w + j] = 0f;
                }
            }
        }
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

    /** a when it is exactly rows × columns, else a new array of that shape. */
    private static float[][] exactly(float[][] a, int rows, int columns) {
        return a.length == rows && (rows == 0 || a[0].length == columns) ? a : new float[rows][columns];
    }

    /** The row-major rows × cols matrix a in float rows, written into {@code into} when it has that shape. */
    private static float[][] toFloatRows(double[] a, int rows, int cols, float[][] into) {
        float[][] f = exactly(into, rows, cols);
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

    /**
     * Splits [0, m) into min(threads, m) contiguous parts run in parallel (one part when m &lt; 2):
     * two parts on {@link PairRunner}, more (only tests ask for them) on the common fork-join pool.
     */
    static void parallel(int m, int threads, Range body) {
        int parts = Math.max(1, Math.min(threads, m));
        if (parts == 1) {
            body.run(0, m);
            return;
        }
        if (parts == 2) {
            PairRunner.SHARED.run(() -> body.run(0, m / 2), () -> body.run(m / 2, m));
            return;
        }
        IntStream.range(0, parts).parallel().forEach(q -> body.run((int) ((long) m * q / parts), (int) ((long) m * (q + 1) / parts)));
    }
}
