package org.diffusionlab.labs.schedules;

/**
 * Exercise 1 — the cosine schedule of improved DDPM (Nichol &amp; Dhariwal 2021, eq. 17).
 *
 * <p>The linear schedule destroys the data quickly: ᾱ_t is already small halfway through, so many
 * steps are spent on near-pure noise. The cosine schedule instead <i>chooses</i> ᾱ(t) directly, a
 * smooth curve from 1 to 0, and derives the β_t that produce it.
 */
public final class Cosine {

    /** The offset s of improved DDPM. */
    public static final double S = 0.008;

    /** The cap on β_t. */
    public static final double MAX_BETA = 0.999;

    private Cosine() {}

    /**
     * <b>TODO 1.1</b> (Time: ~20 min) — the cosine β schedule.
     *
     * <p>With f(t) = cos²( ((t/T) + s)/(1 + s) · π/2 ), the target is ᾱ(t) = f(t)/f(0) for t = 0..T
     * (so ᾱ(0) = 1). The β that produce it are the ratios of consecutive targets:
     * <pre>
     *   β_t = min( 1 − ᾱ(t)/ᾱ(t − 1), 0.999 )      for t = 1..T
     * </pre>
     * Use the <i>targets</i> ᾱ(t − 1) = f(t − 1)/f(0) in the ratio, not the running product of the
     * capped β (they differ only after the cap has applied).
     *
     * <p>Hint: compute t/T in floating point (integer division makes it 0); β_t goes to index t − 1;
     * f(T) = cos²(π/2) ≈ 0, so β_T would be 1 without the cap.
     *
     * @param T number of diffusion steps, ≥ 1
     * @param s offset, ≥ 0 (use {@link #S})
     * @return β_1..β_T at indices 0..T−1
     */
    public static double[] cosineBetas(int T, double s) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 1.1: cosineBetas: beta_t = min(1 - f(t)/f(t-1), 0.999)");
        double[] betas = new double[T];
        double previous = f(0, T, s);
        for (int t = 1; t <= T; t++) {
            double current = f(t, T, s);
            betas[t - 1] = Math.min(1.0 - current / previous, MAX_BETA);
            previous = current;
        }
        return betas;
        // END SOLUTION
    }

    // BEGIN SOLUTION
    private static double f(int t, int T, double s) {
        double c = Math.cos(((double) t / T + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }
    // END SOLUTION
}
