package org.diffusionlab.train.fast;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatKernels#addRowCombination} with the incubating Vector API: fused multiply-adds, and
 * a tile of y held in registers across all the active rows (the plain loop loads and stores y once
 * per four rows). Measured ≈1.5× faster than the plain kernel on this recipe's 128-float rows.
 *
 * <p>This class (with {@code model.image.VectorConvProducts}) is the only code that needs
 * {@code --add-modules jdk.incubator.vector}, at compile and at run time. It lives in its own
 * source folder ({@code src/main/vector}), compiled by a separate step of {@code src/pom.xml}, and
 * is loaded by reflection only when the JVM has the module ({@link FloatKernels#fastest}: the
 * tests, the benchmarks, and the main job through {@code cli.VectorRelaunch}); everywhere else (an
 * IDE, a student's {@code java} command) the plain kernel runs. Results differ from the plain kernel's only by rounding
 * (one rounding per fused multiply-add instead of two); {@code FusedMlpTest} checks both.
 *
 * <p>The loop that keeps eight vectors of the row in registers is written out in each of
 * {@link #addRowCombination}, {@link #affineRelu} and {@link #maskedCombination} on purpose: a
 * helper that took or returned the vectors would box them whenever C2 did not inline it (the
 * U-Net's dW kernel made its step twice as slow that way; {@code bench/RESULTS.md}, fourth pass).
 */
final class VectorKernels implements FloatKernels.RowCombination {

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private static final VectorSpecies<Integer> BITS = IntVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> EIGHT = IntVector.SPECIES_256;
    /** Lane q of a {@link #BITS} vector holds 2^q: summing it under a mask gives the mask's bits. */
    private static final IntVector LANE_BIT = IntVector.fromArray(BITS, laneBits(BITS.length()), 0);
    /** Row b (8 ints from 8·b) lists the set bits of the byte b in increasing order, then zeros. */
    private static final int[] POSITIONS = positions();

    /**
     * {@link FloatKernels#reluCompact} with the ReLU pass in the same vector tiles as
     * {@link #addRowCombination} (from index 0), so that each load reads exactly one earlier vector
     * store (store-to-load forwarding) instead of straddling two; the list of active units is built
     * a byte of lanes at a time: the byte of "z ≠ +0" bits picks a row of {@link #POSITIONS}, which
     * is stored whole (8 ints, offset by the byte's first index) at the end of the list, and the list
     * grows by the byte's bit count. Same list as {@link FloatKernels#listActive}, with no per-unit
     * loop (that loop was ≈ 20 % of a training step).
     */
    @Override
    public int reluCompact(float[] z, int[] active, int len) {
        int lanes = S.length();
        int i = 0;
        int count = 0;
        int room = Math.max(lanes, 8);  // a chunk writes at most this far past its first free slot
        for (; i + lanes <= len && active.length - count >= room; i += lanes) {
            FloatVector v = FloatVector.fromArray(S, z, i).max(0f);  // max(NaN, 0) = NaN, as Math.max
            v.intoArray(z, i);
            count = listTile(v, i, active, count);
        }
        for (; i < len; i++) {
            z[i] = Math.max(z[i], 0f);
            int bits = Float.floatToRawIntBits(z[i]);
            if (count < active.length) active[count] = i;
            count += (bits | -bits) >>> 31;
        }
        return count;
    }

    /** Appends the units of one tile with h ≠ +0 (h ≥ +0 or NaN after the ReLU) to the list; returns its new length. */
    private static int listTile(FloatVector h, int first, int[] active, int count) {
        VectorMask<Integer> on = h.reinterpretAsInts().compare(VectorOperators.NE, 0);
        int bits = IntVector.zero(BITS).blend(LANE_BIT, on).reduceLanes(VectorOperators.OR);
        for (int b = 0; b < S.length(); b += 8) {
            int octet = (bits >>> b) & 0xFF;
            IntVector.fromArray(EIGHT, POSITIONS, 8 * octet).add(first + b).intoArray(active, count);
            count += Integer.bitCount(octet);
        }
        return count;
    }

    /**
     * {@link FloatKernels.RowCombination#affineRelu} with h in eight registers from the bias to the
     * ReLU (same operations in the same order as the default, so the same bits), then the list from
     * h; when len is a multiple of eight vectors (128 floats here), otherwise the default. (With the
     * list made tile by tile inside the register loop, C2 stopped inlining: 20 % slower.)
     */
    @Override
    public int affineRelu(float[] h, float[] bias, float[][] rows, float[] coef, int[] active, int count,
                          int[] hActive, int len) {
        int lanes = S.length(), tile = 8 * lanes;
        if (len % tile != 0 || hActive.length < len + Math.max(0, 8 - lanes)) {  // a list store writes 8 ints
            return FloatKernels.RowCombination.super.affineRelu(h, bias, rows, coef, active, count, hActive, len);
        }
        for (int i = 0; i < len; i += tile) {
            FloatVector y0 = FloatVector.fromArray(S, bias, i);
            FloatVector y1 = FloatVector.fromArray(S, bias, i + lanes);
            FloatVector y2 = FloatVector.fromArray(S, bias, i + 2 * lanes);
            FloatVector y3 = FloatVector.fromArray(S, bias, i + 3 * lanes);
            FloatVector y4 = FloatVector.fromArray(S, bias, i + 4 * lanes);
            FloatVector y5 = FloatVector.fromArray(S, bias, i + 5 * lanes);
            FloatVector y6 = FloatVector.fromArray(S, bias, i + 6 * lanes);
            FloatVector y7 = FloatVector.fromArray(S, bias, i + 7 * lanes);
            for (int q = 0; q < count; q++) {
                int k = active[q];
                float[] x = rows[k];
                FloatVector a = FloatVector.broadcast(S, coef[k]);
                y0 = FloatVector.fromArray(S, x, i).fma(a, y0);
                y1 = FloatVector.fromArray(S, x, i + lanes).fma(a, y1);
                y2 = FloatVector.fromArray(S, x, i + 2 * lanes).fma(a, y2);
                y3 = FloatVector.fromArray(S, x, i + 3 * lanes).fma(a, y3);
                y4 = FloatVector.fromArray(S, x, i + 4 * lanes).fma(a, y4);
                y5 = FloatVector.fromArray(S, x, i + 5 * lanes).fma(a, y5);
                y6 = FloatVector.fromArray(S, x, i + 6 * lanes).fma(a, y6);
                y7 = FloatVector.fromArray(S, x, i + 7 * lanes).fma(a, y7);
            }
            y0.max(0f).intoArray(h, i);  // max(NaN, 0) = NaN, as Math.max
            y1.max(0f).intoArray(h, i + lanes);
            y2.max(0f).intoArray(h, i + 2 * lanes);
            y3.max(0f).intoArray(h, i + 3 * lanes);
            y4.max(0f).intoArray(h, i + 4 * lanes);
            y5.max(0f).intoArray(h, i + 5 * lanes);
            y6.max(0f).intoArray(h, i + 6 * lanes);
            y7.max(0f).intoArray(h, i + 7 * lanes);
        }
        return listActive(h, hActive, len);
    }

    /** The list of {@link #reluCompact} for h that is already ≥ +0 (or NaN), len a multiple of the lanes; in its own method, so C2 inlines the tile's vector code once. */
    private static int listActive(float[] h, int[] active, int len) {
        int count = 0;
        for (int i = 0; i < len; i += S.length()) {
            count = listTile(FloatVector.fromArray(S, h, i), i, active, count);
        }
        return count;
    }

    /**
     * {@link FloatKernels.RowCombination#maskedCombination} with the sum in eight registers that
     * start at +0 and are masked by h on their way out (no scratch), when len is a multiple of eight
     * vectors; otherwise the default. The same bits as the default.
     */
    @Override
    public void maskedCombination(float[] dst, float[][] rows, float[] coef, int[] active, int count,
                                  float[] h, int[] hActive, int hCount, float[] scratch, int len) {
        int lanes = S.length(), tile = 8 * lanes;
        if (len % tile != 0) {
            FloatKernels.RowCombination.super.maskedCombination(dst, rows, coef, active, count, h, hActive, hCount, scratch, len);
            return;
        }
        for (int i = 0; i < len; i += tile) {
            FloatVector y0 = FloatVector.zero(S), y1 = y0, y2 = y0, y3 = y0, y4 = y0, y5 = y0, y6 = y0, y7 = y0;
            for (int q = 0; q < count; q++) {
                int k = active[q];
                float[] x = rows[k];
                FloatVector a = FloatVector.broadcast(S, coef[k]);
                y0 = FloatVector.fromArray(S, x, i).fma(a, y0);
                y1 = FloatVector.fromArray(S, x, i + lanes).fma(a, y1);
                y2 = FloatVector.fromArray(S, x, i + 2 * lanes).fma(a, y2);
                y3 = FloatVector.fromArray(S, x, i + 3 * lanes).fma(a, y3);
                y4 = FloatVector.fromArray(S, x, i + 4 * lanes).fma(a, y4);
                y5 = FloatVector.fromArray(S, x, i + 5 * lanes).fma(a, y5);
                y6 = FloatVector.fromArray(S, x, i + 6 * lanes).fma(a, y6);
                y7 = FloatVector.fromArray(S, x, i + 7 * lanes).fma(a, y7);
            }
            maskStore(y0, h, dst, i);
            maskStore(y1, h, dst, i + lanes);
            maskStore(y2, h, dst, i + 2 * lanes);
            maskStore(y3, h, dst, i + 3 * lanes);
            maskStore(y4, h, dst, i + 4 * lanes);
            maskStore(y5, h, dst, i + 5 * lanes);
            maskStore(y6, h, dst, i + 6 * lanes);
            maskStore(y7, h, dst, i + 7 * lanes);
        }
    }

    private static void maskStore(FloatVector y, float[] h, float[] dst, int i) {
        VectorMask<Float> off = FloatVector.fromArray(S, h, i).compare(VectorOperators.EQ, 0f);
        y.blend(0f, off).intoArray(dst, i);
    }

    private static int[] laneBits(int lanes) {
        int[] a = new int[lanes];
        for (int q = 0; q < lanes; q++) a[q] = 1 << q;
        return a;
    }

    private static int[] positions() {
        int[] table = new int[256 * 8];
        for (int b = 0; b < 256; b++) {
            int n = 0;
            for (int q = 0; q < 8; q++) {
                if ((b & (1 << q)) != 0) table[8 * b + n++] = q;
            }
        }
        return table;
    }

    /**
     * Σ_i a[i] · b[i] over all of [0, len), one fused multiply-add per lane and a lane sum: equal to
     * {@link FloatKernels#dotActive} up to rounding when a is +0 outside the list (16 loads and
     * one reduction instead of a gather per active unit).
     */
    @Override
    public float dotActive(float[] a, float[] b, int[] active, int count, int len) {
        int lanes = S.length();
        int i = 0;
        FloatVector acc = FloatVector.zero(S);
        for (; i + lanes <= len; i += lanes) {
            acc = FloatVector.fromArray(S, a, i).fma(FloatVector.fromArray(S, b, i), acc);
        }
        float sum = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) sum = Math.fma(a[i], b[i], sum);
        return sum;
    }

    /**
     * dst[k] = h[k] ≠ +0 ? src[k] : +0 over [0, len), by a lane mask instead of a fill and a
     * scatter; for h as {@link #reluCompact} left it (≥ +0 or NaN), the units with h[k] ≠ +0 are
     * exactly the listed ones (NaN ≠ 0, so NaN counts as active, as in the list).
     */
    @Override
    public void keepActive(float[] dst, float[] src, float[] h, int[] active, int count, int len) {
        int lanes = S.length();
        int i = 0;
        for (; i + lanes <= len; i += lanes) {
            VectorMask<Float> off = FloatVector.fromArray(S, h, i).compare(VectorOperators.EQ, 0f);
            FloatVector.fromArray(S, src, i).blend(0f, off).intoArray(dst, i);
        }
        for (; i < len; i++) dst[i] = h[i] == 0f ? 0f : src[i];
    }

    @Override
    public String describe() {
        return "Vector API kernel, " + S.vectorBitSize() + "-bit (" + S.length() + " floats)";
    }

    /** y += Σ_{q &lt; count} coef[k_q] · rows[k_q] over [0, len), k_q = active[q], rows in order, with fused multiply-adds. */
    @Override
    public void addRowCombination(float[] y, float[][] rows, float[] coef, int[] active, int count, int len) {
        int lanes = S.length();
        int i = 0;
        for (; i + 8 * lanes <= len; i += 8 * lanes) {
            FloatVector y0 = FloatVector.fromArray(S, y, i);
            FloatVector y1 = FloatVector.fromArray(S, y, i + lanes);
            FloatVector y2 = FloatVector.fromArray(S, y, i + 2 * lanes);
            FloatVector y3 = FloatVector.fromArray(S, y, i + 3 * lanes);
            FloatVector y4 = FloatVector.fromArray(S, y, i + 4 * lanes);
            FloatVector y5 = FloatVector.fromArray(S, y, i + 5 * lanes);
            FloatVector y6 = FloatVector.fromArray(S, y, i + 6 * lanes);
            FloatVector y7 = FloatVector.fromArray(S, y, i + 7 * lanes);
            for (int q = 0; q < count; q++) {
                int k = active[q];
                float[] x = rows[k];
                FloatVector a = FloatVector.broadcast(S, coef[k]);
                y0 = FloatVector.fromArray(S, x, i).fma(a, y0);
                y1 = FloatVector.fromArray(S, x, i + lanes).fma(a, y1);
                y2 = FloatVector.fromArray(S, x, i + 2 * lanes).fma(a, y2);
                y3 = FloatVector.fromArray(S, x, i + 3 * lanes).fma(a, y3);
                y4 = FloatVector.fromArray(S, x, i + 4 * lanes).fma(a, y4);
                y5 = FloatVector.fromArray(S, x, i + 5 * lanes).fma(a, y5);
                y6 = FloatVector.fromArray(S, x, i + 6 * lanes).fma(a, y6);
                y7 = FloatVector.fromArray(S, x, i + 7 * lanes).fma(a, y7);
            }
            y0.intoArray(y, i);
            y1.intoArray(y, i + lanes);
            y2.intoArray(y, i + 2 * lanes);
            y3.intoArray(y, i + 3 * lanes);
            y4.intoArray(y, i + 4 * lanes);
            y5.intoArray(y, i + 5 * lanes);
            y6.intoArray(y, i + 6 * lanes);
            y7.intoArray(y, i + 7 * lanes);
        }
        for (; i + 4 * lanes <= len; i += 4 * lanes) {
            FloatVector y0 = FloatVector.fromArray(S, y, i);
            FloatVector y1 = FloatVector.fromArray(S, y, i + lanes);
            FloatVector y2 = FloatVector.fromArray(S, y, i + 2 * lanes);
            FloatVector y3 = FloatVector.fromArray(S, y, i + 3 * lanes);
            for (int q = 0; q < count; q++) {
                int k = active[q];
                float[] x = rows[k];
                FloatVector a = FloatVector.broadcast(S, coef[k]);
                y0 = FloatVector.fromArray(S, x, i).fma(a, y0);
                y1 = FloatVector.fromArray(S, x, i + lanes).fma(a, y1);
                y2 = FloatVector.fromArray(S, x, i + 2 * lanes).fma(a, y2);
                y3 = FloatVector.fromArray(S, x, i + 3 * lanes).fma(a, y3);
            }
            y0.intoArray(y, i);
            y1.intoArray(y, i + lanes);
            y2.intoArray(y, i + 2 * lanes);
            y3.intoArray(y, i + 3 * lanes);
        }
        for (; i + lanes <= len; i += lanes) {
            FloatVector y0 = FloatVector.fromArray(S, y, i);
            for (int q = 0; q < count; q++) {
                int k = active[q];
                y0 = FloatVector.fromArray(S, rows[k], i).fma(FloatVector.broadcast(S, coef[k]), y0);
            }
            y0.intoArray(y, i);
        }
        for (; i < len; i++) {
            float v = y[i];
            for (int q = 0; q < count; q++) {
                int k = active[q];
                v = Math.fma(coef[k], rows[k][i], v);
            }
            y[i] = v;
        }
    }
}
