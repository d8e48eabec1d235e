package org.diffusionlab.labs.schedules;

/**
 * An element-wise clipping range [min, max] for x̂0 (given). {@link #OFF} clips nothing.
 *
 * @param min lower bound, not NaN
 * @param max upper bound, not NaN, &gt; min
 */
public record Clip(double min, double max) {

    /** No clipping: (−∞, +∞). */
    public static final Clip OFF = new Clip(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    public Clip {
        if (Double.isNaN(min) || Double.isNaN(max) || !(min < max)) {
            throw new IllegalArgumentException("clip range [" + min + ", " + max + "] is invalid: need min < max, no NaN");
        }
    }

    /** v clamped to [min, max]. */
    public double apply(double v) {
        return Math.min(max, Math.max(min, v));
    }
}
