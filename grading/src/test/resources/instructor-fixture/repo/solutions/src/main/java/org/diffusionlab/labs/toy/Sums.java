package org.diffusionlab.labs.toy;

/** Fixture lab for the instructor tooling's tests: two tiny exercises on arrays. */
public final class Sums {

    private Sums() {}

    /** TODO 1.1: the sum of all entries (0 for an empty array). */
    public static double sum(double[] values) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 1.1: add up the entries");
        double total = 0.0;
        for (double v : values) {
            total += v;
        }
        return total;
        // END SOLUTION
    }

    /** TODO 1.2: the arithmetic mean; IllegalArgumentException for an empty array. */
    public static double mean(double[] values) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 1.2: divide the sum by the count");
        if (values.length == 0) {
            throw new IllegalArgumentException("values must not be empty");
        }
        return sum(values) / values.length;
        // END SOLUTION
    }
}
