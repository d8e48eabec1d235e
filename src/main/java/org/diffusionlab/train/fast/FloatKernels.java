package org.diffusionlab.train.fast;

/**
 * The plain-Java float loops behind {@link FusedMlp}, written so that HotSpot's C2 compiler turns
 * them into SIMD code without any JVM flag.
 *
 * <p>What C2 (JDK 17) vectorizes, measured here: {@code y[i] += a · x[i]} with x and y two
 * arrays indexed from 0 — but not the same loop with an offset into either array
 * ({@code y[yOff + i]}), which runs ≈4× slower, and never a reduction (a dot product). So
 * matrices are kept as arrays of rows ({@code float[][]}) and every product is written as sums
 * of rows, {@code y = Σ_k a_k · X[k]}, four rows per pass: one pass loads and stores y once for
 * four multiply-adds, ≈1.8× faster than four single axpys (≈30 vs ≈17 GFLOP/s per core).
 * Writing the products this way also lets them skip the rows whose coefficient ReLU set to 0.
 */
public final class FloatKernels {

    /** The kernels with two implementations: plain ({@link #addRowCombination}, {@link #reluCompact}) and {@code VectorKernels}. */
    interface RowCombination {
        /** y += Σ_{q &lt; count} coef[k_q] · rows[k_q] over [0, len), k_q = active[q]. */
        void addRowCombination(float[] y, float[][] rows, float[] coef, int[] active, int count, int len);

        /** {@link FloatKernels#reluCompact} of a vector that {@link #addRowCombination} just wrote. */
        default int reluCompact(float[] z, int[] active, int len) {
            return FloatKernels.reluCompact(z, active, len);
        }

        /** {@link FloatKernels#dotActive}; a vector kernel may sum all {@code len} products instead (the others are +0 · b). */
        default float dotActive(float[] a, float[] b, int[] active, int count, int len) {
            return FloatKernels.dotActive(a, b, active, count, len);
        }

        /** {@link FloatKernels#keepActive}; a vector kernel may take the list from {@code h ≠ +0} instead. */
        default void keepActive(float[] dst, float[] src, float[] h, int[] active, int count, int len) {
            FloatKernels.keepActive(dst, src, active, count, len);
        }

        /**
         * h = max(bias + Σ_{q &lt; count} coef[k_q] · rows[k_q], 0) over [0, len), listing the units
         * with h ≠ +0 in {@code hActive} (returns their number): one layer's forward pass, the same
         * numbers as a copy of bias, {@link #addRowCombination} and {@link #reluCompact}, which is
         * what this default does; a vector kernel may keep h in registers between the three.
         */
        default int affineRelu(float[] h, float[] bias, float[][] rows, float[] coef, int[] active, int count,
                               int[] hActive, int len) {
            System.arraycopy(bias, 0, h, 0, len);
            addRowCombination(h, rows, coef, active, count, len);
            return reluCompact(h, hActive, len);
        }

        /**
         * dst = [h ≠ +0] ⊙ Σ_{q &lt; count} coef[k_q] · rows[k_q] over [0, len): a row combination
         * times ReLU's derivative at h (h as {@link #reluCompact} left it, listed in hActive). The
         * same numbers as zeroing {@code scratch}, {@link #addRowCombination} into it and
         * {@link #keepActive}, which is what this default does; a vector kernel may skip scratch.
         */
        default void maskedCombination(float[] dst, float[][] rows, float[] coef, int[] active, int count,
                                       float[] h, int[] hActive, int hCount, float[] scratch, int len) {
            java.util.Arrays.fill(scratch, 0, len, 0f);
            addRowCombination(scratch, rows, coef, active, count, len);
            keepActive(dst, scratch, h, hActive, hCount, len);
        }

        /** A few words for benchmark tables: which kernel, and its vector width. */
        default String describe() {
            return "plain Java kernel";
        }
    }

    /** The plain-Java row combination. */
    static final RowCombination PLAIN = FloatKernels::addRowCombination;

    /** The Vector API row combination, or null when this JVM lacks the module or the class. */
    static final RowCombination VECTOR = loadVectorKernels();

    private FloatKernels() {}

    /**
     * The Vector API kernel when the JVM was started with {@code --add-modules jdk.incubator.vector}
     * (and the class was compiled, see {@code VectorKernels}), else the plain one. Detected once,
     * at run time; never needs a flag.
     */
    static RowCombination fastest() {
        return VECTOR != null ? VECTOR : PLAIN;
    }

    /** {@link #fastest}'s description, e.g. "Vector API kernel, 512-bit (16 floats)" or "plain Java kernel". */
    public static String describe() {
        return fastest().describe();
    }

    /** True when {@link #fastest} is the Vector API kernel. */
    public static boolean vectorized() {
        return VECTOR != null;
    }

    private static RowCombination loadVectorKernels() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return null;
        try {
            return (RowCombination) Class.forName(FloatKernels.class.getPackageName() + ".VectorKernels")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;  // compiled without the vector source folder (e.g. by an IDE): plain kernel
        }
    }

    /** y[i] += a · x[i] for i in [0, len); x and y must be different arrays. */
    public static void axpy(float a, float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] += a * x[i];
        }
    }

    /** y[i] += x[i] for i in [0, len). */
    public static void add(float[] x, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] += x[i];
        }
    }

    /**
     * y += Σ_{q &lt; count} coef[k_q] · rows[k_q] over the first {@code len} elements, with
     * k_q = {@code active[q]}: a sparse vector (given by its non-zero positions) times a matrix
     * given by its rows. Rows are taken four at a time, in order, as
     * y[i] += a0·x0[i] + a1·x1[i] + a2·x2[i] + a3·x3[i], the last 1–3 rows in one pass too.
     */
    public static void addRowCombination(float[] y, float[][] rows, float[] coef, int[] active, int count, int len) {
        int q = 0;
        for (; q + 3 < count; q += 4) {
            int k0 = active[q], k1 = active[q + 1], k2 = active[q + 2], k3 = active[q + 3];
            axpy4(coef[k0], rows[k0], coef[k1], rows[k1], coef[k2], rows[k2], coef[k3], rows[k3], y, len);
        }
        switch (count - q) {
            case 3 -> {
                int k0 = active[q], k1 = active[q + 1], k2 = active[q + 2];
                axpy3(coef[k0], rows[k0], coef[k1], rows[k1], coef[k2], rows[k2], y, len);
            }
            case 2 -> {
                int k0 = active[q], k1 = active[q + 1];
                axpy2(coef[k0], rows[k0], coef[k1], rows[k1], y, len);
            }
            case 1 -> axpy(coef[active[q]], rows[active[q]], y, len);
            default -> { }
        }
    }

    /** y[i] += a0·x0[i] + a1·x1[i] + a2·x2[i] + a3·x3[i] for i in [0, len). */
    public static void axpy4(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float a3, float[] x3,
                             float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i] + a3 * x3[i];
        }
    }

    /** y[i] += a0·x0[i] + a1·x1[i] + a2·x2[i] for i in [0, len). */
    public static void axpy3(float a0, float[] x0, float a1, float[] x1, float a2, float[] x2, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] += a0 * x0[i] + a1 * x1[i] + a2 * x2[i];
        }
    }

    /** y[i] += a0·x0[i] + a1·x1[i] for i in [0, len). */
    public static void axpy2(float a0, float[] x0, float a1, float[] x1, float[] y, int len) {
        for (int i = 0; i < len; i++) {
            y[i] += a0 * x0[i] + a1 * x1[i];
        }
    }

    /**
     * In place z[k] ← max(z[k], 0) for k in [0, len), and writes the indices k with z[k] &gt; 0 in
     * increasing order to {@code active}. A NaN stays NaN and counts as active, so it reaches the
     * loss (and the divergence check) exactly as in the reference {@code Mlp}.
     *
     * <p>Two passes, both free of branches: about half the units are active, so a branch would
     * mispredict half the time, and C2 compiles a float {@code ?:} to a branch. The ReLU is
     * {@link Math#max} (vectorized); the list then counts z[k] ≠ +0 from its bits:
     * {@code (b | −b) >>> 31} is 1 for any b ≠ 0 and 0 for b = 0.
     *
     * @param active length ≥ len
     * @return how many indices were written (the active units; ReLU's derivative is 1 exactly there)
     */
    public static int reluCompact(float[] z, int[] active, int len) {
        for (int k = 0; k < len; k++) {
            z[k] = Math.max(z[k], 0f);  // max(−0, +0) = +0 and max(NaN, 0) = NaN, as Mlp.relu
        }
        return listActive(z, active, len);
    }

    /**
     * Σ_{q &lt; count} a[k_q] · b[k_q], k_q = {@code active[q]}, in list order: the dot product of a
     * and b over [0, len) when a is +0 outside the list (h2 after {@link #reluCompact}).
     */
    public static float dotActive(float[] a, float[] b, int[] active, int count, int len) {
        float sum = 0f;
        for (int q = 0; q < count; q++) {
            int k = active[q];
            sum += a[k] * b[k];
        }
        return sum;
    }

    /**
     * dst[k] = src[k] for the listed k = {@code active[q]}, q &lt; count, and dst[k] = +0 for the
     * other k in [0, len): ReLU's derivative applied to a gradient. dst and src must differ.
     */
    public static void keepActive(float[] dst, float[] src, int[] active, int count, int len) {
        java.util.Arrays.fill(dst, 0, len, 0f);
        for (int q = 0; q < count; q++) {
            int k = active[q];
            dst[k] = src[k];
        }
    }

    /** The list pass of {@link #reluCompact}: the indices k in [0, len) with z[k] ≠ +0, in increasing order. */
    static int listActive(float[] z, int[] active, int len) {
        int count = 0;
        for (int k = 0; k < len; k++) {
            int bits = Float.floatToRawIntBits(z[k]);
            active[count] = k;
            count += (bits | -bits) >>> 31;
        }
        return count;
    }
}
