package org.diffusionlab.labs.common;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionlab.grading.Grading;
import org.ejml.simple.SimpleMatrix;

/**
 * Teaching failure messages: a one-line summary first (it goes into the points table), then the
 * input, the expected and the received values, and the likely mistake when the received value
 * matches a known wrong formula.
 *
 * <p><b>Tolerance policy.</b> A deterministic answer is compared entry by entry with the mixed test
 * |expected − got| ≤ tol·(|expected| + s), where s = min(1, the largest |entry| of the expected array): rounding
 * is relative to the size of the terms an entry is made of (so x_t ≈ 0 from O(1) terms still has room), but
 * an array of small values (β_t ≈ 1e-4) is held to its own scale. Scalars use s = 1. Two levels:
 * <ul>
 *   <li>{@link #TOL} = 1e-9: what double arithmetic in another order (loops vs matrix operations,
 *       equivalent formulas) reaches; the answer passes silently.</li>
 *   <li>{@link #FLOAT_TOL} = 512·2⁻²⁴ ≈ 3.1e-5: work done in {@code float}, as the reference notebooks
 *       do in float32, is correct in this course. float's unit roundoff is u = 2⁻²⁴ ≈ 6e-8, and n
 *       roundings in a chain bound the relative error by about n·u (Higham's γ_n); the longest chains
 *       graded here are a cumulative product over T ≤ 400 steps (ᾱ_T) and a few hundred terms of a
 *       sum, so n = 512 covers them with margin. An answer within FLOAT_TOL but not TOL passes with a
 *       note in the report saying it was accepted at float precision.</li>
 * </ul>
 * Where a computation is ill-conditioned (1 − ᾱ_t for ᾱ_t near 1, as in the SNR), a grader passes the
 * condition number per entry and the float tolerance grows by 4u times it (see
 * {@link #assertArray(String, String, double[], double[], Map, double[])}).
 * Every wrong formula the graders recognize differs from the right one by far more than FLOAT_TOL on
 * the graders' inputs (the "common mistakes" suite checks each one loses its points), so accepting
 * float does not let a double-precision slip through. A known wrong answer ({@link #mistakes()}) is
 * recognized at FLOAT_TOL too, so a mistake made in float still gets its hint.
 */
public final class Feedback {

    /** Relative tolerance of double arithmetic done in another order: rounding only. */
    public static final double TOL = 1e-9;

    /** float's unit roundoff u = 2⁻²⁴. */
    private static final double UNIT_ROUNDOFF = Math.ulp(1.0f) / 2;

    /** Relative tolerance of work done in float: 512 roundings of u = 2⁻²⁴ (see the class comment). */
    public static final double FLOAT_TOL = 512 * UNIT_ROUNDOFF;

    private Feedback() {}

    /** Known wrong answers, in order, each with the mistake it reveals. */
    public static Map<String, SimpleMatrix> mistakes() {
        return new LinkedHashMap<>();
    }

    public static void assertMatrix(String summary, String input, SimpleMatrix expected, SimpleMatrix got,
                             Map<String, SimpleMatrix> mistakes) {
        assertMatrix(summary, input, expected, got, mistakes, null);
    }

    private static void assertMatrix(String summary, String input, SimpleMatrix expected, SimpleMatrix got,
                                     Map<String, SimpleMatrix> mistakes, double[] condition) {
        if (got == null) {
            throw new AssertionError(summary + ": got null\n  input: " + input);
        }
        if (got.getNumRows() != expected.getNumRows() || got.getNumCols() != expected.getNumCols()) {
            throw new AssertionError(summary + ": wrong shape, expected " + shape(expected) + ", got " + shape(got)
                    + "\n  input: " + input);
        }
        int[] worst = worst(expected, got, FLOAT_TOL, condition);
        if (worst == null) {
            int[] loose = worst(expected, got, TOL, null);
            if (loose != null) {
                acceptedInFloat(summary, expected.get(loose[0], loose[1]), got.get(loose[0], loose[1]));
            }
            return;
        }
        StringBuilder m = new StringBuilder(summary).append(": wrong values\n  input: ").append(input)
                .append("\n  expected: ").append(show(expected)).append("\n  got:      ").append(show(got))
                .append(String.format("%n  first large difference at [%d, %d]: expected %.10g, got %.10g",
                        worst[0], worst[1], expected.get(worst[0], worst[1]), got.get(worst[0], worst[1])));
        String hint = null;
        for (Map.Entry<String, SimpleMatrix> e : mistakes.entrySet()) {
            SimpleMatrix wrong = e.getValue();
            if (wrong != null && sameShape(wrong, got) && worst(wrong, got, FLOAT_TOL, condition) == null) {
                hint = e.getKey();
                break;
            }
        }
        if (hint == null) hint = factorHint(expected, got);
        if (hint != null) m.append("\n  likely mistake: ").append(hint);
        throw new AssertionError(m.toString());
    }

    public static void assertArray(String summary, String input, double[] expected, double[] got, Map<String, double[]> mistakes) {
        assertArray(summary, input, expected, got, mistakes, null);
    }

    /**
     * {@link #assertArray(String, String, double[], double[], Map)} for an ill-conditioned computation: entry i
     * may be off by {@link #FLOAT_TOL} + 4u·condition[i] (u = 2⁻²⁴) relative, where condition[i] bounds how
     * much a relative rounding of the inputs grows in entry i (e.g. 1/(1 − ᾱ_t) for anything built on 1 − ᾱ_t:
     * ᾱ_t rounded to float moves 1 − ᾱ_t by u·ᾱ_t, relatively u·ᾱ_t/(1 − ᾱ_t)).
     *
     * @param condition one bound ≥ 0 per entry, or null for none
     */
    public static void assertArray(String summary, String input, double[] expected, double[] got, Map<String, double[]> mistakes,
                                   double[] condition) {
        if (condition != null && condition.length != expected.length) {
            throw new IllegalArgumentException("condition.length = " + condition.length + " is invalid: must be expected.length = " + expected.length);
        }
        if (got == null) throw new AssertionError(summary + ": got null\n  input: " + input);
        if (got.length != expected.length) {
            throw new AssertionError(summary + ": wrong length, expected " + expected.length + ", got " + got.length
                    + "\n  input: " + input);
        }
        SimpleMatrix e = new SimpleMatrix(1, expected.length, true, expected);
        SimpleMatrix g = new SimpleMatrix(1, got.length, true, got);
        Map<String, SimpleMatrix> wrong = new LinkedHashMap<>();
        mistakes.forEach((k, v) -> wrong.put(k, v == null || v.length != got.length ? null : new SimpleMatrix(1, v.length, true, v)));
        assertMatrix(summary, input, e, g, wrong, condition);
    }

    /**
     * Whether {@code got} agrees with {@code expected} at float precision: |e − g| ≤ FLOAT_TOL·(1 + |e|),
     * or both are the same infinity (so a hint expecting ±∞ can match). NaN agrees with nothing.
     */
    public static boolean close(double expected, double got) {
        return close(expected, got, FLOAT_TOL);
    }

    /**
     * {@link #close(double, double)} for a graded scalar: true when it agrees at float precision, and
     * then, when it is off beyond {@link #TOL}, the report notes that it was accepted at float precision.
     */
    public static boolean accept(String summary, double expected, double got) {
        if (!close(expected, got)) return false;
        if (!close(expected, got, TOL)) acceptedInFloat(summary, expected, got);
        return true;
    }

    private static boolean close(double expected, double got, double tol) {
        return close(expected, got, tol, 1);
    }

    /** |e − g| ≤ tol·(|e| + scale): relative, with rounding measured against {@code scale}, the size of the terms. */
    private static boolean close(double expected, double got, double tol, double scale) {
        return expected == got || Math.abs(expected - got) <= tol * (Math.abs(expected) + scale);
    }

    private static void acceptedInFloat(String summary, double expected, double got) {
        Grading.note(String.format("accepted at float precision (%s): expected %.12g, got %.12g; the difference is "
                + "beyond double rounding (%.0e) but within float's (%.1e), see the tolerance policy in labs/README.md",
                summary, expected, got, TOL, FLOAT_TOL));
    }

    /**
     * The constant c with got = c·expected entry by entry (at float precision), when there is one and it is
     * not 1; else NaN. A scaling error (a factor 2, a missing 1/n, a flipped sign) shows this way.
     */
    public static double factor(SimpleMatrix expected, SimpleMatrix got) {
        if (!sameShape(expected, got)) return Double.NaN;
        double num = 0, den = 0;
        for (int i = 0; i < expected.getNumElements(); i++) {
            num += expected.get(i) * got.get(i);
            den += expected.get(i) * expected.get(i);
        }
        double c = num / den;
        if (!(den > 0) || !Double.isFinite(c) || close(1, c)) return Double.NaN;
        return worst(expected.scale(c), got, FLOAT_TOL, null) == null ? c : Double.NaN;
    }

    /** A sentence naming a scaling error of got against expected ({@link #factor}), or null. */
    public static String factorHint(SimpleMatrix expected, SimpleMatrix got) {
        double c = factor(expected, got);
        if (Double.isNaN(c)) return null;
        String name = close(-1, c) ? "−1: the sign is flipped"
                : Math.abs(c - Math.rint(c)) < 1e-6 * Math.abs(c) ? String.format("%d", Math.round(c))
                : Math.abs(1 / c - Math.rint(1 / c)) < 1e-6 / Math.abs(c) ? String.format("1/%d", Math.round(1 / c))
                : String.format("%.6g", c);
        return "every entry is off by the same factor " + name + " (a scaling error: a factor 2, a 1/n or a"
                + " square root too many or too few?)";
    }

    /** The first entry that differs beyond the tolerance (raised by 4u·condition when given), or null when all agree. */
    private static int[] worst(SimpleMatrix expected, SimpleMatrix got, double tol, double[] condition) {
        // rounding in an entry is bounded relative to the size of the terms that made it, at most the largest entry
        // (not 1: β_t ≈ 1e-4 must not get an absolute 3e-5)
        double scale = expected.getNumElements() == 0 ? 0 : Math.min(1, expected.elementMaxAbs());
        for (int i = 0; i < expected.getNumRows(); i++) {
            for (int j = 0; j < expected.getNumCols(); j++) {
                double t = condition == null ? tol : tol + 4 * UNIT_ROUNDOFF * condition[i * expected.getNumCols() + j];
                if (!close(expected.get(i, j), got.get(i, j), t, scale)) return new int[] {i, j};
            }
        }
        return null;
    }

    private static boolean sameShape(SimpleMatrix a, SimpleMatrix b) {
        return a.getNumRows() == b.getNumRows() && a.getNumCols() == b.getNumCols();
    }

    public static String shape(SimpleMatrix m) {
        return m.getNumRows() + "x" + m.getNumCols();
    }

    /** The first rows of a matrix, compactly. */
    public static String show(SimpleMatrix m) {
        StringBuilder s = new StringBuilder(shape(m)).append(" [");
        int rows = Math.min(3, m.getNumRows());
        for (int i = 0; i < rows; i++) {
            s.append(i == 0 ? "[" : ", [");
            int cols = Math.min(4, m.getNumCols());
            for (int j = 0; j < cols; j++) s.append(j == 0 ? "" : ", ").append(String.format("%.6g", m.get(i, j)));
            s.append(cols < m.getNumCols() ? ", …]" : "]");
        }
        return s.append(rows < m.getNumRows() ? ", …]" : "]").toString();
    }

    public static String show(double[] a) {
        if (a.length <= 6) return Arrays.toString(Arrays.stream(a).mapToObj(v -> String.format("%.6g", v)).toArray());
        return String.format("[%.6g, %.6g, %.6g, …, %.6g] (length %d)", a[0], a[1], a[2], a[a.length - 1], a.length);
    }
}
