package org.diffusionlab.model.image;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FastConv2d}'s matrix products with the incubating Vector API: a block of the result is
 * kept in registers across the whole sum and updated by fused multiply-adds, so each loaded vector
 * of an operand feeds several of them (the plain loops load and store the result once per four
 * terms). Results differ from {@link FastConv2d#PLAIN}'s only by rounding; {@code FastConv2dTest}
 * checks both against the readable {@link Conv2d}.
 *
 * <p>Like {@code train.fast.VectorKernels}, this class lives in {@code src/main/vector}, is compiled
 * with the incubator module and is loaded by reflection only when the JVM has it.
 */
final class VectorConvProducts implements FastConv2d.Products {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /**
     * C += A·B on columns [n0, n1): 4 rows of C × 3 vectors of columns (12 accumulators; per term
     * 3 loads of B and 4 broadcasts of A for 12 fused multiply-adds), then 4 rows × 1 vector, then
     * the same for single rows, then a scalar tail. The strip of columns is the outer loop, so
     * that B's strip (depth × 3 vectors, ≤ 100 KB in the U-Net) stays in the core's L2 cache
     * while every block of rows reads it, rather than streaming all of B once per block of rows.
     */
    @Override
    public void multiply(float[][] a, float[][] b, float[][] c, int rows, int depth, int n0, int n1) {
        int L = S.length(), fullRows = rows - rows % 4;
        int n = n0;
        for (; n + 3 * L <= n1; n += 3 * L) {
            for (int i = 0; i < fullRows; i += 4) fourRowsThreeVectors(a, b, c, i, depth, n);
        }
        for (; n + L <= n1; n += L) {
            for (int i = 0; i < fullRows; i += 4) fourRowsOneVector(a, b, c, i, depth, n);
        }
        for (int i = 0; i < fullRows; i += 4) {
            for (int m = n; m < n1; m++) {
                for (int r = i; r < i + 4; r++) {
                    for (int k = 0; k < depth; k++) c[r][m] = Math.fma(a[r][k], b[k][m], c[r][m]);
                }
            }
        }
        for (int i = fullRows; i < rows; i++) oneRow(a[i], b, c[i], depth, n0, n1);
    }

    // Each block is its own small method: C2 then inlines every vector operation of it (in one
    // large method it stopped inlining, and the rest ran the Vector API's slow Java fallback).

    /** c[i..i+4)[n .. n+3L) += a[i..i+4)·b over the depth, 12 accumulators. */
    private static void fourRowsThreeVectors(float[][] a, float[][] b, float[][] c, int i, int depth, int n) {
        int L = S.length();
        float[] a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
        float[] c0 = c[i], c1 = c[i + 1], c2 = c[i + 2], c3 = c[i + 3];
        FloatVector y00 = FloatVector.fromArray(S, c0, n), y01 = FloatVector.fromArray(S, c0, n + L), y02 = FloatVector.fromArray(S, c0, n + 2 * L);
        FloatVector y10 = FloatVector.fromArray(S, c1, n), y11 = FloatVector.fromArray(S, c1, n + L), y12 = FloatVector.fromArray(S, c1, n + 2 * L);
        FloatVector y20 = FloatVector.fromArray(S, c2, n), y21 = FloatVector.fromArray(S, c2, n + L), y22 = FloatVector.fromArray(S, c2, n + 2 * L);
        FloatVector y30 = FloatVector.fromArray(S, c3, n), y31 = FloatVector.fromArray(S, c3, n + L), y32 = FloatVector.fromArray(S, c3, n + 2 * L);
        for (int k = 0; k < depth; k++) {
            float[] bk = b[k];
            FloatVector x0 = FloatVector.fromArray(S, bk, n), x1 = FloatVector.fromArray(S, bk, n + L), x2 = FloatVector.fromArray(S, bk, n + 2 * L);
            FloatVector w = FloatVector.broadcast(S, a0[k]);
            y00 = x0.fma(w, y00);
            y01 = x1.fma(w, y01);
            y02 = x2.fma(w, y02);
            w = FloatVector.broadcast(S, a1[k]);
            y10 = x0.fma(w, y10);
            y11 = x1.fma(w, y11);
            y12 = x2.fma(w, y12);
            w = FloatVector.broadcast(S, a2[k]);
            y20 = x0.fma(w, y20);
            y21 = x1.fma(w, y21);
            y22 = x2.fma(w, y22);
            w = FloatVector.broadcast(S, a3[k]);
            y30 = x0.fma(w, y30);
            y31 = x1.fma(w, y31);
            y32 = x2.fma(w, y32);
        }
        y00.intoArray(c0, n);
        y01.intoArray(c0, n + L);
        y02.intoArray(c0, n + 2 * L);
        y10.intoArray(c1, n);
        y11.intoArray(c1, n + L);
        y12.intoArray(c1, n + 2 * L);
        y20.intoArray(c2, n);
        y21.intoArray(c2, n + L);
        y22.intoArray(c2, n + 2 * L);
        y30.intoArray(c3, n);
        y31.intoArray(c3, n + L);
        y32.intoArray(c3, n + 2 * L);
    }

    /** c[i..i+4)[n .. n+L) += a[i..i+4)·b over the depth. */
    private static void fourRowsOneVector(float[][] a, float[][] b, float[][] c, int i, int depth, int n) {
        float[] a0 = a[i], a1 = a[i + 1], a2 = a[i + 2], a3 = a[i + 3];
        FloatVector y0 = FloatVector.fromArray(S, c[i], n), y1 = FloatVector.fromArray(S, c[i + 1], n);
        FloatVector y2 = FloatVector.fromArray(S, c[i + 2], n), y3 = FloatVector.fromArray(S, c[i + 3], n);
        for (int k = 0; k < depth; k++) {
            FloatVector x = FloatVector.fromArray(S, b[k], n);
            y0 = x.fma(FloatVector.broadcast(S, a0[k]), y0);
            y1 = x.fma(FloatVector.broadcast(S, a1[k]), y1);
            y2 = x.fma(FloatVector.broadcast(S, a2[k]), y2);
            y3 = x.fma(FloatVector.broadcast(S, a3[k]), y3);
        }
        y0.intoArray(c[i], n);
        y1.intoArray(c[i + 1], n);
        y2.intoArray(c[i + 2], n);
        y3.intoArray(c[i + 3], n);
    }

    /** ci[n0..n1) += ai·b over the depth, one vector at a time, then a scalar tail. */
    private static void oneRow(float[] ai, float[][] b, float[] ci, int depth, int n0, int n1) {
        int L = S.length();
        int n = n0;
        for (; n + L <= n1; n += L) {
            FloatVector y = FloatVector.fromArray(S, ci, n);
            for (int k = 0; k < depth; k++) y = FloatVector.fromArray(S, b[k], n).fma(FloatVector.broadcast(S, ai[k]), y);
            y.intoArray(ci, n);
        }
        for (; n < n1; n++) {
            for (int k = 0; k < depth; k++) ci[n] = Math.fma(ai[k], b[k][n], ci[n]);
        }
    }

    @Override
    public boolean readsTransposedColumns() {
        return false;
    }

    /**
     * dW += δ·X_colᵀ as dot products along the columns p, from X_col itself (no transpose): 4 rows
     * of δ × 4 rows of X_col (16 vector accumulators, 8 loads per 16 fused multiply-adds, so the
     * loads no longer limit it), reduced across lanes at the end; then 2 × 4 blocks, leftover
     * pairs one by one, and a scalar tail over p.
     */
    @Override
    public void weightGradient(float[][] delta, float[][] cols, float[][] colsT, float[][] dW, int o0, int o1, int K, int P) {
        int L = S.length(), pEnd = P - P % L, fullRows = o0 + (o1 - o0) / 4 * 4, fullK = K - K % 4;
        // rows of X_col outer: each group of 4 is read once from memory and stays in L1 while every
        // block of δ (≤ 32 rows of P, in L2) meets it
        for (int k = 0; k < fullK; k += 4) {
            for (int o = o0; o < fullRows; o += 4) fourByFour(delta, cols, dW, o, k, pEnd, P);
        }
        for (int o = o0; o < fullRows; o += 4) {
            for (int k = fullK; k < K; k++) {
                for (int r = o; r < o + 4; r++) dW[r][k] += dot(delta[r], cols[k], pEnd, P);
            }
        }
        int o = fullRows;
        for (; o + 2 <= o1; o += 2) {
            float[] d0 = delta[o], d1 = delta[o + 1];
            int k = 0;
            for (; k + 4 <= K; k += 4) twoByFour(d0, d1, cols, dW, o, k, pEnd, P);
            for (; k < K; k++) {
                dW[o][k] += dot(d0, cols[k], pEnd, P);
                dW[o + 1][k] += dot(d1, cols[k], pEnd, P);
            }
        }
        for (; o < o1; o++) {
            for (int k = 0; k < K; k++) dW[o][k] += dot(delta[o], cols[k], pEnd, P);
        }
    }

    /** dW[o..o+4)[k..k+4) += dot products of δ rows o..o+4 with X_col rows k..k+4 (16 accumulators). */
    private static void fourByFour(float[][] delta, float[][] cols, float[][] dW, int o, int k, int pEnd, int P) {
        int L = S.length();
        float[] d0 = delta[o], d1 = delta[o + 1], d2 = delta[o + 2], d3 = delta[o + 3];
        float[] x0 = cols[k], x1 = cols[k + 1], x2 = cols[k + 2], x3 = cols[k + 3];
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        FloatVector s20 = FloatVector.zero(S), s21 = FloatVector.zero(S), s22 = FloatVector.zero(S), s23 = FloatVector.zero(S);
        FloatVector s30 = FloatVector.zero(S), s31 = FloatVector.zero(S), s32 = FloatVector.zero(S), s33 = FloatVector.zero(S);
        for (int p = 0; p < pEnd; p += L) {
            FloatVector v0 = FloatVector.fromArray(S, x0, p), v1 = FloatVector.fromArray(S, x1, p);
            FloatVector v2 = FloatVector.fromArray(S, x2, p), v3 = FloatVector.fromArray(S, x3, p);
            FloatVector e = FloatVector.fromArray(S, d0, p);
            s00 = v0.fma(e, s00);
            s01 = v1.fma(e, s01);
            s02 = v2.fma(e, s02);
            s03 = v3.fma(e, s03);
            e = FloatVector.fromArray(S, d1, p);
            s10 = v0.fma(e, s10);
            s11 = v1.fma(e, s11);
            s12 = v2.fma(e, s12);
            s13 = v3.fma(e, s13);
            e = FloatVector.fromArray(S, d2, p);
            s20 = v0.fma(e, s20);
            s21 = v1.fma(e, s21);
            s22 = v2.fma(e, s22);
            s23 = v3.fma(e, s23);
            e = FloatVector.fromArray(S, d3, p);
            s30 = v0.fma(e, s30);
            s31 = v1.fma(e, s31);
            s32 = v2.fma(e, s32);
            s33 = v3.fma(e, s33);
        }
        // the reductions stay in this method: a vector passed to a helper that C2 does not inline is boxed and
        // reduced by the Vector API's slow Java code (measured: a step twice as slow after a recompilation)
        float[] w0 = dW[o], w1 = dW[o + 1], w2 = dW[o + 2], w3 = dW[o + 3];
        w0[k] += s00.reduceLanes(VectorOperators.ADD) + tail(d0, x0, pEnd, P);
        w0[k + 1] += s01.reduceLanes(VectorOperators.ADD) + tail(d0, x1, pEnd, P);
        w0[k + 2] += s02.reduceLanes(VectorOperators.ADD) + tail(d0, x2, pEnd, P);
        w0[k + 3] += s03.reduceLanes(VectorOperators.ADD) + tail(d0, x3, pEnd, P);
        w1[k] += s10.reduceLanes(VectorOperators.ADD) + tail(d1, x0, pEnd, P);
        w1[k + 1] += s11.reduceLanes(VectorOperators.ADD) + tail(d1, x1, pEnd, P);
        w1[k + 2] += s12.reduceLanes(VectorOperators.ADD) + tail(d1, x2, pEnd, P);
        w1[k + 3] += s13.reduceLanes(VectorOperators.ADD) + tail(d1, x3, pEnd, P);
        w2[k] += s20.reduceLanes(VectorOperators.ADD) + tail(d2, x0, pEnd, P);
        w2[k + 1] += s21.reduceLanes(VectorOperators.ADD) + tail(d2, x1, pEnd, P);
        w2[k + 2] += s22.reduceLanes(VectorOperators.ADD) + tail(d2, x2, pEnd, P);
        w2[k + 3] += s23.reduceLanes(VectorOperators.ADD) + tail(d2, x3, pEnd, P);
        w3[k] += s30.reduceLanes(VectorOperators.ADD) + tail(d3, x0, pEnd, P);
        w3[k + 1] += s31.reduceLanes(VectorOperators.ADD) + tail(d3, x1, pEnd, P);
        w3[k + 2] += s32.reduceLanes(VectorOperators.ADD) + tail(d3, x2, pEnd, P);
        w3[k + 3] += s33.reduceLanes(VectorOperators.ADD) + tail(d3, x3, pEnd, P);
    }

    /** dW[o..o+2)[k..k+4) += dot products of δ rows d0, d1 with X_col rows k..k+4 (8 accumulators). */
    private static void twoByFour(float[] d0, float[] d1, float[][] cols, float[][] dW, int o, int k, int pEnd, int P) {
        int L = S.length();
        float[] x0 = cols[k], x1 = cols[k + 1], x2 = cols[k + 2], x3 = cols[k + 3];
        FloatVector s00 = FloatVector.zero(S), s01 = FloatVector.zero(S), s02 = FloatVector.zero(S), s03 = FloatVector.zero(S);
        FloatVector s10 = FloatVector.zero(S), s11 = FloatVector.zero(S), s12 = FloatVector.zero(S), s13 = FloatVector.zero(S);
        for (int p = 0; p < pEnd; p += L) {
            FloatVector e0 = FloatVector.fromArray(S, d0, p), e1 = FloatVector.fromArray(S, d1, p);
            FloatVector v = FloatVector.fromArray(S, x0, p);
            s00 = v.fma(e0, s00);
            s10 = v.fma(e1, s10);
            v = FloatVector.fromArray(S, x1, p);
            s01 = v.fma(e0, s01);
            s11 = v.fma(e1, s11);
            v = FloatVector.fromArray(S, x2, p);
            s02 = v.fma(e0, s02);
            s12 = v.fma(e1, s12);
            v = FloatVector.fromArray(S, x3, p);
            s03 = v.fma(e0, s03);
            s13 = v.fma(e1, s13);
        }
        dW[o][k] += s00.reduceLanes(VectorOperators.ADD) + tail(d0, x0, pEnd, P);
        dW[o][k + 1] += s01.reduceLanes(VectorOperators.ADD) + tail(d0, x1, pEnd, P);
        dW[o][k + 2] += s02.reduceLanes(VectorOperators.ADD) + tail(d0, x2, pEnd, P);
        dW[o][k + 3] += s03.reduceLanes(VectorOperators.ADD) + tail(d0, x3, pEnd, P);
        dW[o + 1][k] += s10.reduceLanes(VectorOperators.ADD) + tail(d1, x0, pEnd, P);
        dW[o + 1][k + 1] += s11.reduceLanes(VectorOperators.ADD) + tail(d1, x1, pEnd, P);
        dW[o + 1][k + 2] += s12.reduceLanes(VectorOperators.ADD) + tail(d1, x2, pEnd, P);
        dW[o + 1][k + 3] += s13.reduceLanes(VectorOperators.ADD) + tail(d1, x3, pEnd, P);
    }

    /** Σ_{p &lt; P} d[p]·x[p]: vector part over [0, pEnd), then {@link #tail}. */
    private static float dot(float[] d, float[] x, int pEnd, int P) {
        FloatVector s = FloatVector.zero(S);
        for (int p = 0; p < pEnd; p += S.length()) s = FloatVector.fromArray(S, x, p).fma(FloatVector.fromArray(S, d, p), s);
        return s.reduceLanes(VectorOperators.ADD) + tail(d, x, pEnd, P);
    }

    /** Σ_{p in [pEnd, P)} d[p]·x[p] (fewer than one vector's worth). */
    private static float tail(float[] d, float[] x, int pEnd, int P) {
        float s = 0f;
        for (int p = pEnd; p < P; p++) s = Math.fma(d[p], x[p], s);
        return s;
    }

    @Override
    public String describe() {
        return "Vector API, " + S.vectorBitSize() + "-bit (" + S.length() + " floats)";
    }
}
