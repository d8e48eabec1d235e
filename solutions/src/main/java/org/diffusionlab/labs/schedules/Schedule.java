package org.diffusionlab.labs.schedules;

/**
 * A noise schedule as the β_t and their running products ᾱ_t (given; nothing to do here).
 *
 * <p><b>Indexing:</b> diffusion time t is <b>1-based</b>, t = 1..T, as in the DDPM paper; the arrays are
 * 0-based, so β_t is {@code betas[t - 1]}. By convention ᾱ_0 = 1 ({@link #alphaBarPrev}(1) = 1).
 *
 * @param betas β_1..β_T at indices 0..T−1, each in (0, 1)
 * @param alphaBars ᾱ_t = (1 − β_1)·…·(1 − β_t), same layout
 */
public record Schedule(double[] betas, double[] alphaBars) {

    public Schedule {
        if (betas.length < 1 || alphaBars.length != betas.length) {
            throw new IllegalArgumentException("betas, alphaBars have lengths " + betas.length + ", " + alphaBars.length
                    + ": invalid, need the same length T >= 1");
        }
    }

    /** The schedule of the given β_1..β_T (index t − 1), with ᾱ_t = ∏_{s ≤ t} (1 − β_s). */
    public static Schedule fromBetas(double[] betas) {
        return new Schedule(betas.clone(), alphaBars(betas));
    }

    /** The linear schedule of DDPM: T evenly spaced β from betaStart to betaEnd, both included (β_1 = betaStart when T = 1). */
    public static Schedule linear(int T, double betaStart, double betaEnd) {
        if (T < 1) throw new IllegalArgumentException("T = " + T + " is invalid: need at least 1 diffusion step");
        double[] betas = new double[T];
        for (int i = 0; i < T; i++) betas[i] = T == 1 ? betaStart : betaStart + (betaEnd - betaStart) * i / (T - 1);
        return fromBetas(betas);
    }

    /** ᾱ_t = ∏_{s=1..t} (1 − β_s) for t = 1..T (index t − 1): the running product. */
    public static double[] alphaBars(double[] betas) {
        double[] alphaBars = new double[betas.length];
        double product = 1.0;
        for (int i = 0; i < betas.length; i++) {
            product *= 1.0 - betas[i];
            alphaBars[i] = product;
        }
        return alphaBars;
    }

    /** The number of diffusion steps T. */
    public int T() {
        return betas.length;
    }

    /** β_t, t in 1..T. */
    public double beta(int t) {
        return betas[index(t)];
    }

    /** α_t = 1 − β_t, t in 1..T. */
    public double alpha(int t) {
        return 1.0 - betas[index(t)];
    }

    /** ᾱ_t, t in 1..T. */
    public double alphaBar(int t) {
        return alphaBars[index(t)];
    }

    /** ᾱ_{t−1} for t in 1..T, with ᾱ_0 = 1. */
    public double alphaBarPrev(int t) {
        return t == 1 ? 1.0 : alphaBars[index(t) - 1];
    }

    private int index(int t) {
        if (t < 1 || t > betas.length) {
            throw new IllegalArgumentException("t = " + t + " is invalid: time is 1-based, need 1 <= t <= T = " + betas.length);
        }
        return t - 1;
    }
}
