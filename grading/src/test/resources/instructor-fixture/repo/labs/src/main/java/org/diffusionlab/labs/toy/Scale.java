package org.diffusionlab.labs.toy;

import org.ejml.simple.SimpleMatrix;

/** Fixture lab: uses the core's EJML dependency, so the grading classpath is exercised. */
public final class Scale {

    private Scale() {}

    /** TODO 2.1: every entry of m multiplied by factor, as a new matrix. */
    public static SimpleMatrix scale(SimpleMatrix m, double factor) {
        throw new UnsupportedOperationException("TODO 2.1: multiply every entry by factor");
    }
}
