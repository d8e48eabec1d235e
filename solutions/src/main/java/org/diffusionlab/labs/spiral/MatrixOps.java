package org.diffusionlab.labs.spiral;

import org.ejml.simple.SimpleMatrix;

/** Small element-wise helpers that NumPy gives for free (given). Each returns a new matrix. */
public final class MatrixOps {

    private MatrixOps() {}

    /** relu(z) = max(0, z), element by element. */
    public static SimpleMatrix relu(SimpleMatrix z) {
        SimpleMatrix h = z.copy();
        for (int i = 0; i < h.getNumRows(); i++) {
            for (int j = 0; j < h.getNumCols(); j++) h.set(i, j, Math.max(0.0, h.get(i, j)));
        }
        return h;
    }

    /** relu'(z) = 1 where z &gt; 0, else 0 (the derivative at exactly 0 is taken as 0). */
    public static SimpleMatrix reluDerivative(SimpleMatrix z) {
        SimpleMatrix d = new SimpleMatrix(z.getNumRows(), z.getNumCols());
        for (int i = 0; i < z.getNumRows(); i++) {
            for (int j = 0; j < z.getNumCols(); j++) d.set(i, j, z.get(i, j) > 0 ? 1.0 : 0.0);
        }
        return d;
    }

    /** m + b broadcast: adds the {@code 1 × c} row b to every row of the {@code n × c} matrix m. */
    public static SimpleMatrix addRowVector(SimpleMatrix m, SimpleMatrix b) {
        SimpleMatrix out = m.copy();
        for (int i = 0; i < m.getNumRows(); i++) {
            for (int j = 0; j < m.getNumCols(); j++) out.set(i, j, m.get(i, j) + b.get(0, j));
        }
        return out;
    }

    /** The {@code 1 × c} column sums of an {@code n × c} matrix (NumPy's {@code m.sum(axis=0)}). */
    public static SimpleMatrix sumRows(SimpleMatrix m) {
        SimpleMatrix s = new SimpleMatrix(1, m.getNumCols());
        for (int i = 0; i < m.getNumRows(); i++) {
            for (int j = 0; j < m.getNumCols(); j++) s.set(0, j, s.get(0, j) + m.get(i, j));
        }
        return s;
    }
}
