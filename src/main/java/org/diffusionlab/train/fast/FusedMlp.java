package org.diffusionlab.train.fast;

import java.util.Arrays;
import org.diffusionlab.model.Mlp;
import org.ejml.simple.SimpleMatrix;

/**
 * The parameters of an {@link Mlp} in float, laid out for the fast trainer, and its fused
 * forward + backward pass over a block of rows. It computes the same quantities as
 * {@link Mlp#forward}, {@link org.diffusionlab.model.Losses#mse} and {@link Mlp#backward} (see
 * their equations), in float instead of double; {@code FusedMlpTest} checks it against them and
 * against finite differences.
 *
 * <p>Matrices are arrays of rows ({@link FloatKernels} explains why): W1 {@code in × H}, W2
 * {@code H × H} and its transpose W2ᵀ, and W3 stored transposed as W3ᵀ, {@code out × H}. For each
 * row (input x, target ε), with A1, A2 the active ReLU units of the two hidden layers:
 * <pre>
 *   z1 = b1 + Σ_c x_c · W1[c]              h1 = relu(z1), A1 = {k : z1_k &gt; 0}
 *   z2 = b2 + Σ_{k∈A1} h1_k · W2[k]         h2 = relu(z2), A2 = {j : z2_j &gt; 0}
 *   out_o = b3_o + h2 · W3ᵀ[o]              G = scale · (out − ε)    (scale = 2/n: Losses.mse)
 *   dz2_j = Σ_o G_o · W3ᵀ[o][j] for j∈A2, else 0
 *   dh1 = Σ_{j∈A2} dz2_j · W2ᵀ[j]           dz1_k = dh1_k for k∈A1, else 0
 * </pre>
 * and then, summed over the rows r of the block (four rows per pass):
 * <pre>
 *   dW3ᵀ[o] += Σ_r G_ro · h2_r    db3 += Σ_r G_r    db2 += Σ_r dz2_r    db1 += Σ_r dz1_r
 *   dW1[c] += Σ_r x_rc · dz1_r    dW2ᵀ[j] += Σ_{r : j∈A2(r)} dz2_rj · h1_r
 * </pre>
 * (db2 is summed row by row). W2's gradient is formed as its transpose because layer 2 has fewer
 * active units than layer 1 (on the lab's recipe ≈15 vs ≈26 of 128, averaged over its 8000 steps;
 * more early in training), so summing over the active units of layer 2 is the smaller of the two
 * sparse products. Skipping inactive units (most of them) cuts the work of the three {@code H × H}
 * products about sevenfold and changes no result: the skipped terms are exactly zero. Each layer's bias, product
 * and ReLU is one kernel call ({@link FloatKernels.RowCombination#affineRelu}), and so is each
 * product times ReLU's derivative ({@link FloatKernels.RowCombination#maskedCombination}), so that
 * a vector kernel keeps the row in registers between them.
 */
public final class FusedMlp {

    /**
     * Rows per block of {@link #accumulateBlock}: 32 keeps the block's scratch (h1, h2, dz1, dz2ᵀ,
     * row lists: 5 × 16 KB at H = 128) in L2 beside W2 and W2ᵀ; measured ≈ 5 % less CPU than 64,
     * and 16 was slower again (more passes over the gradient rows per row).
     */
    public static final int BLOCK = 32;

    final int in, hidden, out;
    final float[][] w1, w2, w2t, w3t;
    final float[] b1, b2, b3;
    /** Computes every row combination of {@link #accumulateBlock}: plain Java or the Vector API. */
    final FloatKernels.RowCombination kernel;

    private FusedMlp(int in, int hidden, int out, FloatKernels.RowCombination kernel) {
        this.kernel = kernel;
        this.in = in;
        this.hidden = hidden;
        this.out = out;
        w1 = new float[in][hidden];
        b1 = new float[hidden];
        w2 = new float[hidden][hidden];
        w2t = new float[hidden][hidden];
        b2 = new float[hidden];
        w3t = new float[out][hidden];
        b3 = new float[out];
    }

    /**
     * A float copy of {@code mlp}'s parameters (each value rounded to the nearest float), computing
     * with {@link FloatKernels#fastest()}.
     */
    public static FusedMlp from(Mlp mlp) {
        return from(mlp, FloatKernels.fastest());
    }

    /** As {@link #from(Mlp)}, computing with the given kernel (tests run both). */
    static FusedMlp from(Mlp mlp, FloatKernels.RowCombination kernel) {
        var p = mlp.parameters();
        FusedMlp f = new FusedMlp(mlp.inputDim(), mlp.hiddenDim(), mlp.dataDim(), kernel);
        copy(p.get(0), f.w1);
        copy(p.get(1), f.b1);
        copy(p.get(2), f.w2);
        copy(p.get(3), f.b2);
        double[] w3 = p.get(4).getDDRM().data; // hidden × out, row-major
        for (int j = 0; j < f.hidden; j++) {
            for (int o = 0; o < f.out; o++) f.w3t[o][j] = (float) w3[j * f.out + o];
        }
        copy(p.get(5), f.b3);
        for (int k = 0; k < f.hidden; k++) {
            for (int j = 0; j < f.hidden; j++) f.w2t[j][k] = f.w2[k][j];
        }
        return f;
    }

    /** A network of the same shape with every parameter 0 (used for momentum velocities). */
    static FusedMlp zerosLike(FusedMlp net) {
        return new FusedMlp(net.in, net.hidden, net.out, net.kernel);
    }

    /** Writes these parameters into {@code mlp}'s live matrices (float widened to double). */
    public void writeTo(Mlp mlp) {
        var p = mlp.parameters();
        paste(w1, p.get(0));
        paste(b1, p.get(1));
        paste(w2, p.get(2));
        paste(b2, p.get(3));
        double[] w3 = p.get(4).getDDRM().data;
        for (int j = 0; j < hidden; j++) {
            for (int o = 0; o < out; o++) w3[j * out + o] = w3t[o][j];
        }
        paste(b3, p.get(5));
    }

    /**
     * Gradient sums over some rows, in the layouts of the parameters (W2's gradient transposed, as
     * W2ᵀ), plus Σ (out − ε)².
     */
    public static final class Gradients {
        final float[][] w1, w2t, w3t;
        final float[] b1, b2, b3;
        double squaredError;

        Gradients(FusedMlp net) {
            w1 = new float[net.in][net.hidden];
            b1 = new float[net.hidden];
            w2t = new float[net.hidden][net.hidden];
            b2 = new float[net.hidden];
            w3t = new float[net.out][net.hidden];
            b3 = new float[net.out];
        }

        void clear() {
            for (float[] row : w1) Arrays.fill(row, 0f);
            for (float[] row : w2t) Arrays.fill(row, 0f);
            for (float[] row : w3t) Arrays.fill(row, 0f);
            Arrays.fill(b1, 0f);
            Arrays.fill(b2, 0f);
            Arrays.fill(b3, 0f);
            squaredError = 0;
        }
    }

    /** Working memory for one block (one per chunk, so chunks can run on different threads). */
    static final class Scratch {
        /** The block's input rows; the caller fills x[r] for r &lt; rows. */
        final float[][] x;
        final float[] dh1, dz2, ones, rowGrad;
        final int[] active1, active2, allInputs, allOutputs, allRows, rowCount;
        final float[][] h1, h2, dz1;   // BLOCK × H, one row per block row
        final float[][] outGrad, xt;   // out × BLOCK (G) and in × BLOCK (x), by column
        final float[][] dz2t;          // H × BLOCK: dz2 transposed, valid where listed in rowsOf
        final int[][] rowsOf;          // rowsOf[j][0 .. rowCount[j]): the rows where unit j of layer 2 was active

        Scratch(FusedMlp net) {
            int H = net.hidden;
            x = new float[BLOCK][net.in];
            dh1 = new float[H];
            dz2 = new float[H];
            rowGrad = new float[net.out];
            ones = new float[BLOCK];
            Arrays.fill(ones, 1f);
            active1 = new int[H];
            active2 = new int[H];
            allInputs = identity(net.in);
            allOutputs = identity(net.out);
            allRows = identity(BLOCK);
            rowCount = new int[H];
            h1 = new float[BLOCK][H];
            h2 = new float[BLOCK][H];
            dz1 = new float[BLOCK][H];
            outGrad = new float[net.out][BLOCK];
            xt = new float[net.in][BLOCK];
            dz2t = new float[H][BLOCK];
            rowsOf = new int[H][BLOCK];
        }

        private static int[] identity(int n) {
            int[] a = new int[n];
            for (int i = 0; i < n; i++) a[i] = i;
            return a;
        }
    }

    Gradients newGradients() {
        return new Gradients(this);
    }

    Scratch newScratch() {
        return new Scratch(this);
    }

    /**
     * Forward and backward pass of {@code rows} input rows {@code s.x[0..rows)} (equations in the
     * class comment), adding their gradients and squared errors to {@code g}.
     *
     * @param rows 1..{@link #BLOCK}
     * @param target ε of row r at {@code target[targetOff + r·out ..)}
     * @param scale G = scale · (out − ε); 2/n for the lab's loss
     */
    void accumulateBlock(Scratch s, int rows, float[] target, int targetOff, float scale, Gradients g) {
        final int H = hidden;
        float[] dh1 = s.dh1, dz2 = s.dz2, b2g = g.b2;
        int[] a1 = s.active1, a2 = s.active2, rowCount = s.rowCount;
        Arrays.fill(rowCount, 0);
        for (int r = 0; r < rows; r++) {
            float[] x = s.x[r], h1 = s.h1[r], h2 = s.h2[r], dz1 = s.dz1[r];
            // forward: layer 1, ReLU; layer 2 from the active units of layer 1 only, ReLU
            int n1 = kernel.affineRelu(h1, b1, w1, x, s.allInputs, in, a1, H);
            int n2 = kernel.affineRelu(h2, b2, w2, h1, a1, n1, a2, H);
            // output layer (h2 is +0 off A2) and the loss gradient G
            for (int o = 0; o < out; o++) {
                float y = b3[o] + kernel.dotActive(h2, w3t[o], a2, n2, H);
                float diff = y - target[targetOff + r * out + o];
                g.squaredError += (double) diff * diff;
                s.outGrad[o][r] = s.rowGrad[o] = scale * diff;
            }
            // dz2 = (G·W3ᵀ) ⊙ [z2 > 0] (dh1 as scratch), db2; dz2 kept transposed on A2 for dW2ᵀ
            kernel.maskedCombination(dz2, w3t, s.rowGrad, s.allOutputs, out, h2, a2, n2, dh1, H);
            FloatKernels.add(dz2, b2g, H);
            for (int q = 0; q < n2; q++) {
                int j = a2[q];
                s.dz2t[j][r] = dz2[j];
                s.rowsOf[j][rowCount[j]++] = r;
            }
            // dh1 = dz2·W2ᵀ from A2 only; dz1 = dh1 on A1, 0 elsewhere
            kernel.maskedCombination(dz1, w2t, dz2, a2, n2, h1, a1, n1, dh1, H);
            for (int c = 0; c < in; c++) s.xt[c][r] = x[c];
        }
        // sums over the block's rows, four rows per pass
        int[] all = s.allRows;
        for (int o = 0; o < out; o++) {
            kernel.addRowCombination(g.w3t[o], s.h2, s.outGrad[o], all, rows, H);  // dW3ᵀ[o] = Σ_r G_ro·h2_r
            for (int r = 0; r < rows; r++) g.b3[o] += s.outGrad[o][r];
        }
        kernel.addRowCombination(g.b1, s.dz1, s.ones, all, rows, H);
        for (int c = 0; c < in; c++) {
            kernel.addRowCombination(g.w1[c], s.dz1, s.xt[c], all, rows, H);      // dW1[c] = Σ_r x_rc·dz1_r
        }
        // dW2ᵀ = dz2ᵀ·h1: row j sums the h1 rows of the rows where unit j of layer 2 was active
        for (int j = 0; j < H; j++) {
            kernel.addRowCombination(g.w2t[j], s.h1, s.dz2t[j], s.rowsOf[j], rowCount[j], H);
        }
    }

    private static void copy(SimpleMatrix m, float[][] dst) {
        double[] src = m.getDDRM().data;
        int cols = m.getNumCols();
        for (int i = 0; i < dst.length; i++) {
            for (int j = 0; j < cols; j++) dst[i][j] = (float) src[i * cols + j];
        }
    }

    private static void copy(SimpleMatrix m, float[] dst) {
        double[] src = m.getDDRM().data;
        for (int i = 0; i < dst.length; i++) dst[i] = (float) src[i];
    }

    private static void paste(float[][] src, SimpleMatrix m) {
        double[] dst = m.getDDRM().data;
        int cols = m.getNumCols();
        for (int i = 0; i < src.length; i++) {
            for (int j = 0; j < cols; j++) dst[i * cols + j] = src[i][j];
        }
    }

    private static void paste(float[] src, SimpleMatrix m) {
        double[] dst = m.getDDRM().data;
        for (int i = 0; i < src.length; i++) dst[i] = src[i];
    }
}
