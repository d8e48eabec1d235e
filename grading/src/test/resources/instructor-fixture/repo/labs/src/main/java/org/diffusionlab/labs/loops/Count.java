package org.diffusionlab.labs.loops;

/** Fixture lab number two: a compile error in the toy lab must not cost this one. */
public final class Count {

    private Count() {}

    /** TODO 3.1: the array 1, 2, ..., n. */
    public static int[] countUp(int n) {
        throw new UnsupportedOperationException("TODO 3.1: fill 1..n");
    }
}
