package org.diffusionlab.labs.spiral;

/**
 * Exercise 2 — the noise schedule: how much Gaussian noise each forward step adds.
 *
 * <p><b>Indexing (read this once, it matters everywhere):</b> diffusion time t is <b>1-based</b>,
 * t = 1..T, as in the DDPM paper. The arrays are ordinary 0-based Java arrays, so the value for
 * step t lives at index {@code t - 1}: β_t is {@code betas[t - 1]}, ᾱ_t is {@code alphaBars[t - 1]}.
 *
 * @param betas β_1..β_T at indices 0..T−1
 * @param alphas α_t = 1 − β_t, same layout
 * @param alphaBars ᾱ_t = α_1·α_2·…·α_t, same layout
 */
public record Schedule(double[] betas, double[] alphas, double[] alphaBars) {

    public Schedule {
        if (betas.length < 1 || alphas.length != betas.length || alphaBars.length != betas.length) {
            throw new IllegalArgumentException("betas, alphas, alphaBars have lengths " + betas.length + ", "
                    + alphas.length + ", " + alphaBars.length + ": invalid, need the same length T >= 1");
        }
    }

    /** The number of diffusion steps T. */
    public int T() {
        return betas.length;
    }

    /**
     * The whole linear schedule, from the three exercises below (given; nothing to do here).
     *
     * @param T number of steps, ≥ 1 (100 in the notebook)
     * @param betaStart β_1 (1e-4 in the notebook)
     * @param betaEnd β_T (5e-3 in the notebook)
     */
    public static Schedule linearBetaSchedule(int T, double betaStart, double betaEnd) {
        double[] betas = linearBetas(T, betaStart, betaEnd);
        double[] alphas = alphas(betas);
        return new Schedule(betas, alphas, alphaBars(alphas));
    }

    /**
     * <b>TODO 2.1</b> (Time: ~10 min) — the linear ramp of variances.
     *
     * <p>β_t = β_start + (t − 1)/(T − 1) · (β_end − β_start) for t = 1..T, i.e. T evenly spaced values
     * from β_start to β_end, both included (NumPy's {@code linspace(beta_start, beta_end, T)}).
     * For T = 1 there is one value, β_1 = β_start.
     *
     * <p>Hint: index i = t − 1 runs 0..T−1; mind the T = 1 case, where T − 1 = 0.
     *
     * @return β_1..β_T at indices 0..T−1
     */
    public static double[] linearBetas(int T, double betaStart, double betaEnd) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.1: linearBetas: T evenly spaced values from betaStart to betaEnd");
        double[] betas = new double[T];
        for (int i = 0; i < T; i++) {
            betas[i] = T == 1 ? betaStart : betaStart + (betaEnd - betaStart) * i / (T - 1);
        }
        return betas;
        // END SOLUTION
    }

    /**
     * <b>TODO 2.2</b> (Time: ~5 min) — α_t = 1 − β_t, element by element.
     *
     * <p>Hint: return a new array; do not change {@code betas}.
     */
    public static double[] alphas(double[] betas) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.2: alphas: alpha_t = 1 - beta_t");
        double[] alphas = new double[betas.length];
        for (int i = 0; i < betas.length; i++) alphas[i] = 1.0 - betas[i];
        return alphas;
        // END SOLUTION
    }

    /**
     * <b>TODO 2.3</b> (Time: ~5 min) — the cumulative product ᾱ_t = ∏_{s=1..t} α_s (DDPM, above eq. 4).
     *
     * <p>ᾱ_1 = α_1, ᾱ_2 = α_1·α_2, … Each ᾱ_t is the fraction of the data's variance still left at
     * step t; it is what lets us jump straight from x_0 to x_t (exercise 3).
     *
     * <p>Hint: NumPy's {@code cumprod}: keep a running product that starts at 1 and multiply before
     * you store.
     */
    public static double[] alphaBars(double[] alphas) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.3: alphaBars: running product of the alphas");
        double[] alphaBars = new double[alphas.length];
        double product = 1.0;
        for (int i = 0; i < alphas.length; i++) {
            product *= alphas[i];
            alphaBars[i] = product;
        }
        return alphaBars;
        // END SOLUTION
    }
}
