package org.diffusionlab.model.image;

import org.ejml.simple.SimpleMatrix;

/**
 * A learnable array and the gradient of the loss with respect to it, both EJML matrices (so the
 * 2-D lab's optimizers, EMA and clipping apply unchanged); {@link #w()} and {@link #g()} are their
 * row-major {@code double[]} for the layers' loops.
 *
 * @param name where it lives ("enc1.conv1.weight")
 * @param value the parameter
 * @param gradient ∂L/∂value, same shape
 */
public record Parameter(String name, SimpleMatrix value, SimpleMatrix gradient) {

    /** A zero parameter of the given shape. */
    public static Parameter zeros(String name, int rows, int cols) {
        return new Parameter(name, new SimpleMatrix(rows, cols), new SimpleMatrix(rows, cols));
    }

    /** The values (live). */
    public double[] w() {
        return value.getDDRM().data;
    }

    /** The gradient (live). */
    public double[] g() {
        return gradient.getDDRM().data;
    }

    public int size() {
        return value.getNumElements();
    }

    public void zeroGradient() {
        java.util.Arrays.fill(g(), 0.0);
    }
}
