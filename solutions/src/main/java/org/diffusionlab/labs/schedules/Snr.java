package org.diffusionlab.labs.schedules;

/**
 * Exercise 2 — the signal-to-noise ratio, the one number per step that says how much of x_0 is left in x_t.
 *
 * <p>x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (DDPM eq. 4). For data with unit variance, the signal has variance
 * ᾱ_t and the noise 1 − ᾱ_t, so SNR_t = ᾱ_t / (1 − ᾱ_t). It spans many orders of magnitude, so
 * schedules are compared by log SNR.
 */
public final class Snr {

    private Snr() {}

    /**
     * <b>TODO 2.1</b> (Time: ~5 min) — SNR_t = ᾱ_t / (1 − ᾱ_t) for every step.
     *
     * <p>Hint: one division per entry; return a new array. ᾱ_t = 1 (no noise at all) would give an
     * infinite SNR, which is what Java's division returns — leave it.
     *
     * @param alphaBars ᾱ_1..ᾱ_T at indices 0..T−1
     * @return SNR_1..SNR_T at indices 0..T−1
     */
    public static double[] snr(double[] alphaBars) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.1: snr: alphaBar_t / (1 - alphaBar_t)");
        double[] snr = new double[alphaBars.length];
        for (int i = 0; i < alphaBars.length; i++) snr[i] = alphaBars[i] / (1.0 - alphaBars[i]);
        return snr;
        // END SOLUTION
    }

    /**
     * <b>TODO 2.2</b> (Time: ~10 min) — log₁₀ SNR of a schedule given by its β, for plotting two
     * schedules on one axis (the walkthrough compares linear and cosine with it).
     *
     * <pre>
     *   ᾱ_t = ∏_{s ≤ t} (1 − β_s),    log10Snr_t = log₁₀( ᾱ_t / (1 − ᾱ_t) )      for t = 1..T
     * </pre>
     *
     * <p>Hint: {@link Schedule#alphaBars} gives the ᾱ; {@link Math#log10}. Write the ratio yourself here
     * rather than calling {@link #snr}, so this exercise stands on its own.
     *
     * @param betas β_1..β_T at indices 0..T−1
     * @return log₁₀ SNR_t at index t − 1
     */
    public static double[] log10Snr(double[] betas) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.2: log10Snr: log10(alphaBar_t / (1 - alphaBar_t)) from the betas");
        double[] alphaBars = Schedule.alphaBars(betas);
        double[] out = new double[alphaBars.length];
        for (int i = 0; i < alphaBars.length; i++) out[i] = Math.log10(alphaBars[i] / (1.0 - alphaBars[i]));
        return out;
        // END SOLUTION
    }
}
