package org.diffusionlab.labs.ddim;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ejml.simple.SimpleMatrix;

/**
 * Teaching failure messages: a one-line summary first (it goes into the points table), then the
 * input, the expected and the received values, and the likely mistake when the received value
 * matches a known wrong formula.
 */
final class Feedback {

    /** Relative tolerance for exact (deterministic) comparisons: rounding only. */
    static final double TOL = 1e-9;

    private Feedback() {}

    /** Known wrong answers, in order, each with the mistake it reveals. */
    static Map<String, SimpleMatrix> mistakes() {
        return new LinkedHashMap<>();
    }

    static void assertMatrix(String summary, String input, SimpleMatrix expected, SimpleMatrix got,
                             Map<String, SimpleMatrix> mistakes) {
        if (got == null) {
            throw new AssertionError(summary + ": got null\n  input: " + input);
        }
        if (got.getNumRows() != expected.getNumRows() || got.getNumCols() != expected.getNumCols()) {
            throw new AssertionError(summary + ": wrong shape, expected " + shape(expected) + ", got " + shape(got)
                    + "\n  input: " + input);
        }
        int[] worst = worst(expected, got);
        if (worst == null) return;
        StringBuilder m = new StringBuilder(summary).append(": wrong values\n  input: ").append(input)
                .append("\n  expected: ").append(show(expected)).append("\n  got:      ").append(show(got))
                .append(String.format("%n  first large difference at [%d, %d]: expected %.10g, got %.10g",
                        worst[0], worst[1], expected.get(worst[0], worst[1]), got.get(worst[0], worst[1])));
        for (Map.Entry<String, SimpleMatrix> e : mistakes.entrySet()) {
            SimpleMatrix wrong = e.getValue();
            if (wrong != null && sameShape(wrong, got) && worst(wrong, got) == null) {
                m.append("\n  likely mistake: ").append(e.getKey());
                break;
            }
        }
        throw new AssertionError(m.toString());
    }

    static void assertArray(String summary, String input, double[] expected, double[] got, Map<String, double[]> mistakes) {
        if (got == null) throw new AssertionError(summary + ": got null\n  input: " + input);
        if (got.length != expected.length) {
            throw new AssertionError(summary + ": wrong length, expected " + expected.length + ", got " + got.length
                    + "\n  input: " + input);
        }
        SimpleMatrix e = new SimpleMatrix(1, expected.length, true, expected);
        SimpleMatrix g = new SimpleMatrix(1, got.length, true, got);
        Map<String, SimpleMatrix> wrong = new LinkedHashMap<>();
        mistakes.forEach((k, v) -> wrong.put(k, v == null || v.length != got.length ? null : new SimpleMatrix(1, v.length, true, v)));
        assertMatrix(summary, input, e, g, wrong);
    }

    static boolean close(double expected, double got) {
        return Math.abs(expected - got) <= TOL * (1 + Math.abs(expected));
    }

    /** The first entry that differs beyond the tolerance, or null when all agree. */
    private static int[] worst(SimpleMatrix expected, SimpleMatrix got) {
        for (int i = 0; i < expected.getNumRows(); i++) {
            for (int j = 0; j < expected.getNumCols(); j++) {
                if (!close(expected.get(i, j), got.get(i, j))) return new int[] {i, j};
            }
        }
        return null;
    }

    private static boolean sameShape(SimpleMatrix a, SimpleMatrix b) {
        return a.getNumRows() == b.getNumRows() && a.getNumCols() == b.getNumCols();
    }

    static String shape(SimpleMatrix m) {
        return m.getNumRows() + "x" + m.getNumCols();
    }

    /** The first rows of a matrix, compactly. */
    static String show(SimpleMatrix m) {
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

    static String show(double[] a) {
        if (a.length <= 6) return Arrays.toString(Arrays.stream(a).mapToObj(v -> String.format("%.6g", v)).toArray());
        return String.format("[%.6g, %.6g, %.6g, …, %.6g] (length %d)", a[0], a[1], a[2], a[a.length - 1], a.length);
    }
}
