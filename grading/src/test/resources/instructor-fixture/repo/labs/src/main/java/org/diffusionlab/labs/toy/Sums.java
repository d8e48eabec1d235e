package org.diffusionlab.labs.toy;

/** Fixture lab for the instructor tooling's tests: two tiny exercises on arrays. */
public final class Sums {

    private Sums() {}

    /** TODO 1.1: the sum of all entries (0 for an empty array). */
    public static double sum(double[] values) {
        throw new UnsupportedOperationException("TODO 1.1: add up the entries");
    }

    /** TODO 1.2: the arithmetic mean; IllegalArgumentException for an empty array. */
    public static double mean(double[] values) {
        throw new UnsupportedOperationException("TODO 1.2: divide the sum by the count");
    }
}
