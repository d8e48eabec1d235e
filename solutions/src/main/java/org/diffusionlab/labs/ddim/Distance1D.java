package org.diffusionlab.labs.ddim;

/** A distance between two 1-D samples, e.g. {@link Metrics#w1}. */
@FunctionalInterface
public interface Distance1D {
    double between(double[] a, double[] b);
}
