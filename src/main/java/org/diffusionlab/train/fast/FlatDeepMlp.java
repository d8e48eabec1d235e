package org.diffusionlab.train.fast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusionlab.model.DeepMlp;
import org.ejml.simple.SimpleMatrix;

/**
 * The forward and backward pass of a {@link DeepMlp} on plain arrays (one {@code double[]} per row),
 * allocated once for batches of up to {@code maxRows} rows and reused every step: the hot loop of
 * {@link FastMiniBatchTrainer}. It reads the model's <em>live</em> parameter arrays
 * ({@code model.parameters().get(p).getDDRM().data}), so an optimizer stepping those matrices is
 * seen by the next {@link #forward}; the gradients it writes are {@link SimpleMatrix} objects in
 * {@link DeepMlp#parameters()} order, so the core's clipping, optimizers and moving average apply
 * to them unchanged.
 *
 * <p>The math is {@link DeepMlp#forward} and {@link DeepMlp#backward} (layers l = 1..L+1, a_0 = x):
 * <pre>
 *   z_l = a_{l−1}·W_l + b_l,  a_l = relu(z_l)  (l ≤ L),   out = a_L·W_{L+1} + b_{L+1}
 *   δ_{L+1} = G,  dW_l = a_{l−1}ᵀ·δ_l,  db_l = Σ_rows δ_l,  δ_{l−1} = (δ_l·W_lᵀ) ⊙ [a_{l−1} &gt; 0]
 * </pre>
 * ([a &gt; 0] = [z &gt; 0] since a = max(z, 0), so only the activations are kept.) Every product is
 * an "axpy" loop over two whole rows, y[j] += s·w[j], which the JIT vectorizes (it does not
 * when both arrays are indexed at different offsets into flat matrices: measured 3–4× slower).
 * After a ReLU about half of the activations are 0; each row keeps the list of its positive
 * entries and the products run over that list only, which halves the work and changes no sum
 * (the terms left out are exact zeros, 0·w, which leave a finite sum unchanged). Each element is summed over the same index in the
 * same ascending order as EJML's row-major products, so the results agree with the SimpleMatrix
 * reference to round-off or better ({@code FlatDeepMlpTest}).
 */
final class FlatDeepMlp {

    private final DeepMlp model;
    private final int maxRows, L, in, width, out;
    private final double[][] input, output;
    private final double[][][] activations;   // a_l at index l − 1, maxRows × w
    private final int[][][] active;           // active[l − 1][i][0..count−1]: the j with a_l[i][j] ≠ 0, ascending
    private final int[][] activeCount;        // activeCount[l − 1][i]
    private final int[][][] inactive;         // inactive[l − 1][i][0..w−count−1]: the other j
    private final double[][] columns;         // a_{l−1}ᵀ of the layer being differentiated, K × maxRows
    private final int[][] columnActive;       // per column k: the rows i with a_{l−1}[i][k] ≠ 0, ascending
    private final int[] columnCount;
    private final int[] all;                  // 0, 1, 2, …: the index list of a dense row
    private final double[][][] weights;       // row copies of W_l at index l − 1
    private final double[][][] dWeights;      // ∂L/∂W_l, same shapes
    private final double[][][] transposed;    // W_lᵀ at index l − 1 (l ≥ 2), cols_l × w
    private final double[][] delta, deltaBelow;
    private final List<SimpleMatrix> gradients = new ArrayList<>();

    /**
     * @param model the network whose live parameters are read
     * @param maxRows the largest batch, ≥ 1
     */
    FlatDeepMlp(DeepMlp model, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows = " + maxRows + " is invalid: must be >= 1");
        }
        this.model = model;
        this.maxRows = maxRows;
        L = model.hiddenLayers();
        in = model.inputDim();
        width = model.width();
        out = model.dataDim();
        input = new double[maxRows][in];
        output = new double[maxRows][out];
        activations = new double[L][maxRows][width];
        active = new int[L][maxRows][width];
        activeCount = new int[L][maxRows];
        inactive = new int[L][maxRows][width];
        int widest = Math.max(in, width);
        columns = new double[widest][maxRows];
        columnActive = new int[widest][maxRows];
        columnCount = new int[widest];
        all = new int[Math.max(widest, maxRows)];
        for (int i = 0; i < all.length; i++) all[i] = i;
        weights = new double[L + 1][][];
        dWeights = new double[L + 1][][];
        transposed = new double[L + 1][][];
        for (int l = 1; l <= L + 1; l++) {
            int rows = l == 1 ? in : width, cols = l == L + 1 ? out : width;
            weights[l - 1] = new double[rows][cols];
            dWeights[l - 1] = new double[rows][cols];
            if (l >= 2) transposed[l - 1] = new double[cols][rows];
        }
        delta = new double[maxRows][width];
        deltaBelow = new double[maxRows][width];
        for (SimpleMatrix p : model.parameters()) gradients.add(new SimpleMatrix(p.getNumRows(), p.getNumCols()));
    }

    /** The input rows x[i] (each of length d + k): fill rows 0..n−1 before {@link #forward}. */
    double[][] input() {
        return input;
    }

    /** The output rows (each of length d): rows 0..n−1 hold the last {@link #forward}'s out. */
    double[][] output() {
        return output;
    }

    /** ∂L/∂W_1, ∂L/∂b_1, …, ∂L/∂b_{L+1} of the last {@link #backward} (live buffers, overwritten by the next). */
    List<SimpleMatrix> gradients() {
        return gradients;
    }

    /**
     * The forward pass of the first {@code rows} rows of {@link #input()} into {@link #output()}
     * (equations in the class comment), keeping a_1..a_L and where they are positive for {@link #backward}.
     *
     * @param rows n in 1..maxRows
     */
    void forward(int rows) {
        checkRows(rows);
        List<SimpleMatrix> p = model.parameters();
        for (int l = 1; l <= L + 1; l++) {
            double[][] W = weights[l - 1];
            double[] flat = data(p, 2 * l - 2), b = data(p, 2 * l - 1);
            int cols = W[0].length;
            for (int r = 0; r < W.length; r++) System.arraycopy(flat, r * cols, W[r], 0, cols);
            double[][] y = l <= L ? activations[l - 1] : output;
            for (int i = 0; i < rows; i++) {
                double[] yi = y[i];
                Arrays.fill(yi, 0.0);
                if (l == 1) {
                    accumulate(yi, cols, input[i], W, all, in);
                } else {
                    accumulate(yi, cols, activations[l - 2][i], W, active[l - 2][i], activeCount[l - 2][i]);
                }
                for (int j = 0; j < cols; j++) yi[j] += b[j];
            }
            if (l <= L) relu(y, active[l - 1], activeCount[l - 1], inactive[l - 1], rows);
        }
    }

    /**
     * The backward pass of the last {@link #forward} (equations in the class comment) into
     * {@link #gradients()}.
     *
     * @param rows the n of that forward pass
     * @param gradOut G = ∂L/∂out, rows 0..n−1 of length d
     */
    void backward(int rows, double[][] gradOut) {
        checkRows(rows);
        double[][] d = gradOut;
        for (int l = L + 1; l >= 1; l--) {
            double[][] below = l == 1 ? input : activations[l - 2];
            double[][] dW = dWeights[l - 1];
            int K = dW.length, cols = dW[0].length;
            // dW_l = a_{l−1}ᵀ·δ_l: row k of dW sums a[i][k]·δ[i] over the rows i (ascending) where a[i][k] ≠ 0
            Arrays.fill(columnCount, 0, K, 0);
            for (int i = 0; i < rows; i++) {
                double[] a = below[i];
                for (int k = 0; k < K; k++) {
                    double v = a[k];
                    int c = columnCount[k];
                    columns[k][i] = v;
                    columnActive[k][c] = i;
                    columnCount[k] = c + (v != 0 ? 1 : 0);
                }
            }
            for (int k = 0; k < K; k++) {
                Arrays.fill(dW[k], 0.0);
                accumulate(dW[k], cols, columns[k], d, columnActive[k], columnCount[k]);
            }
            double[] flat = data(gradients, 2 * l - 2), db = data(gradients, 2 * l - 1);
            for (int k = 0; k < K; k++) System.arraycopy(dW[k], 0, flat, k * cols, cols);
            Arrays.fill(db, 0.0);
            for (int i = 0; i < rows; i++) {
                double[] di = d[i];
                for (int j = 0; j < cols; j++) db[j] += di[j];
            }
            if (l == 1) break;
            // δ_{l−1} = (δ_l·W_lᵀ) ⊙ [a_{l−1} > 0], with W_lᵀ (cols × w) as rows so the product is axpy loops;
            // δ_l is 0 wherever a_l is, so only the active j of a_l contribute
            double[][] W = weights[l - 1], Wt = transposed[l - 1];
            for (int k = 0; k < width; k++) {
                for (int j = 0; j < cols; j++) Wt[j][k] = W[k][j];
            }
            double[][] next = d == delta ? deltaBelow : delta;
            for (int i = 0; i < rows; i++) {
                double[] dn = next[i];
                Arrays.fill(dn, 0.0);
                if (l == L + 1) {
                    accumulate(dn, width, d[i], Wt, all, cols);
                } else {
                    accumulate(dn, width, d[i], Wt, active[l - 1][i], activeCount[l - 1][i]);
                }
                int[] off = inactive[l - 2][i];
                for (int q = 0; q < width - activeCount[l - 2][i]; q++) dn[off[q]] = 0.0;
            }
            d = next;
        }
    }

    /**
     * y[j] ← y[j] + s[k_0]·X[k_0][j] + s[k_1]·X[k_1][j] + … for j = 0..n−1, over the indices
     * k_q = ks[q], q = 0..count−1, added one after the other in that order (Java evaluates
     * a + b + c + d left to right, so taking four terms per pass rounds exactly as four passes
     * would, while loading and storing y a quarter as often).
     */
    private static void accumulate(double[] y, int n, double[] s, double[][] X, int[] ks, int count) {
        int q = 0;
        for (; q + 4 <= count; q += 4) {
            int k0 = ks[q], k1 = ks[q + 1], k2 = ks[q + 2], k3 = ks[q + 3];
            double s0 = s[k0], s1 = s[k1], s2 = s[k2], s3 = s[k3];
            double[] x0 = X[k0], x1 = X[k1], x2 = X[k2], x3 = X[k3];
            for (int j = 0; j < n; j++) y[j] = y[j] + s0 * x0[j] + s1 * x1[j] + s2 * x2[j] + s3 * x3[j];
        }
        for (; q < count; q++) {
            double sq = s[ks[q]];
            double[] xq = X[ks[q]];
            for (int j = 0; j < n; j++) y[j] += sq * xq[j];
        }
    }

    /**
     * a = max(0, z) in place on rows 0..n−1 (as {@code Mlp.relu}), and for each row the ascending
     * lists of the j with a[i][j] ≠ 0 (count[i] of them) and of the other j, built without a
     * data-dependent branch (one would mispredict about half the time). A NaN is kept and listed
     * as nonzero, so it reaches the output and the loss as in the reference.
     */
    private static void relu(double[][] y, int[][] ks, int[] count, int[][] others, int rows) {
        for (int i = 0; i < rows; i++) {
            double[] a = y[i];
            int[] on = ks[i], off = others[i];
            int c = 0;
            for (int j = 0; j < a.length; j++) {
                double v = Math.max(0.0, a[j]);
                a[j] = v;
                on[c] = j;
                off[j - c] = j;
                c += v != 0 ? 1 : 0;
            }
            count[i] = c;
        }
    }

    private static double[] data(List<SimpleMatrix> matrices, int index) {
        return matrices.get(index).getDDRM().data;
    }

    private void checkRows(int rows) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException("rows = " + rows + " is invalid: must lie in [1, " + maxRows + "]");
        }
    }
}
