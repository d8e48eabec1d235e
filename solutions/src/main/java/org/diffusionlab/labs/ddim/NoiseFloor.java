package org.diffusionlab.labs.ddim;

import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 4 — a metric beside its noise floor.
 *
 * <p>A distance between n generated points and n real points is never 0, even for a perfect model:
 * two independent samples of the same distribution differ by chance, by an amount that shrinks
 * only like 1/√n. So "SW1 = 0.05" says nothing on its own. The same distance between two
 * independent real samples of the same size — the noise floor — is what a perfect sampler would
 * score; the ratio value/floor is the number to read (≈ 1: as good as fresh data).
 *
 * @param value metric(generated, realA)
 * @param floor metric(realB, realA)
 * @param ratio value / floor
 */
public record NoiseFloor(double value, double floor, double ratio) {

    /**
     * <b>TODO 4.1</b> (Time: ~15 min) — report a metric beside its floor:
     * value = metric(generated, realA), floor = metric(realB, realA), ratio = value/floor.
     *
     * <p>Keep the argument order exactly (generated or realB first, realA second): a metric need not
     * be symmetric, and comparing both against the same realA is what makes value and floor
     * comparable.
     *
     * <p>Hint: validate before computing. The three samples must have the same number of rows (the
     * floor is only meaningful at the same sample size) — else an IllegalArgumentException naming the
     * row counts. A floor of 0 means realA and realB are not independent samples (e.g. the same matrix
     * passed twice): throw an IllegalArgumentException saying so instead of returning an infinite ratio.
     */
    public static NoiseFloor report(SampleDistance metric, SimpleMatrix generated, SimpleMatrix realA, SimpleMatrix realB) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 4.1: report: value = metric(generated, realA), floor = metric(realB, realA), ratio");
        int n = generated.getNumRows();
        if (realA.getNumRows() != n || realB.getNumRows() != n) {
            throw new IllegalArgumentException("generated, realA, realB have " + n + ", " + realA.getNumRows() + ", "
                    + realB.getNumRows() + " rows: invalid, need the same sample size for a meaningful floor");
        }
        double value = metric.between(generated, realA);
        double floor = metric.between(realB, realA);
        if (floor == 0) {
            throw new IllegalArgumentException("floor = 0 is invalid: realA and realB must be independent samples, not the same points");
        }
        return new NoiseFloor(value, floor, value / floor);
        // END SOLUTION
    }
}
