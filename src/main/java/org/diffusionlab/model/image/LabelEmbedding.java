package org.diffusionlab.model.image;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A learned vector per label, plus one for "no label": a table of (classes + 1) rows of D numbers,
 * e(y) = E[y] for y in 0..classes−1 and e({@link #NO_LABEL}) = E[classes]. Training with the label
 * replaced by {@link #NO_LABEL} some of the time teaches one network both p(x | y) and p(x), which
 * is what classifier-free guidance (Ho &amp; Salimans 2022) combines at sampling time. Backward
 * adds dL/de[n] into row y_n. Rows start N(0, 1).
 */
public final class LabelEmbedding {

    /** The label meaning "unconditional". */
    public static final int NO_LABEL = -1;

    private final int classes;
    private final int dimension;
    private final Parameter table;
    private int[] rows;

    public LabelEmbedding(String name, int classes, int dimension, RandomGenerator rng) {
        if (classes < 1) throw new IllegalArgumentException("classes = " + classes + " is invalid: must be >= 1");
        if (dimension < 1) throw new IllegalArgumentException("dimension = " + dimension + " is invalid: must be >= 1");
        this.classes = classes;
        this.dimension = dimension;
        this.table = Parameter.zeros(name + ".table", classes + 1, dimension);
        double[] w = table.w();
        for (int i = 0; i < w.length; i++) w[i] = rng.nextGaussian();
    }

    /** e(y_n) for each label, N×D×1×1. */
    public Tensor forward(int[] labels) {
        rows = new int[labels.length];
        Tensor e = new Tensor(labels.length, dimension, 1, 1);
        for (int n = 0; n < labels.length; n++) {
            int y = labels[n];
            if (y != NO_LABEL && (y < 0 || y >= classes)) {
                throw new IllegalArgumentException("labels[" + n + "] = " + y + " is invalid: must lie in [0, " + (classes - 1) + "] or be NO_LABEL (-1)");
            }
            rows[n] = y == NO_LABEL ? classes : y;
            System.arraycopy(table.w(), rows[n] * dimension, e.data, n * dimension, dimension);
        }
        return e;
    }

    public void backward(Tensor de) {
        double[] g = table.g();
        for (int n = 0; n < rows.length; n++) {
            for (int d = 0; d < dimension; d++) g[rows[n] * dimension + d] += de.data[n * dimension + d];
        }
    }

    public List<Parameter> parameters() {
        return List.of(table);
    }
}
