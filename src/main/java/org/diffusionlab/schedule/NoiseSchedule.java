package org.diffusionlab.schedule;

import java.util.Optional;
import org.diffusionlab.data.Sizes;

/**
 * A variance schedule β_1..β_T and every quantity the forward and reverse processes derive from it.
 *
 * <p><b>Indexing:</b> diffusion time t is <b>1-based</b> everywhere in this project: t = 1 is the
 * first noising step and t = T the last, as in the DDPM paper. The accessors take t itself; the
 * arrays returned by {@link #betas()} etc. hold t = 1..T at indices 0..T−1.
 *
 * <p>Derived quantities (DDPM eq. 4 and the line above it):
 * α_t = 1 − β_t, ᾱ_t = ∏_{s=1..t} α_s, and the two coefficients of q(x_t | x_0):
 * √ᾱ_t and √(1 − ᾱ_t).
 */
public final class NoiseSchedule {

    /**
     * ᾱ_T above this leaves x_T visibly different from N(0, I): its signal part √ᾱ_T·x_0 has a
     * standard deviation of at least √0.01 = 0.1 per unit of data, so the sampler, which starts from
     * N(0, I), begins somewhere the model was never trained.
     */
    public static final double TERMINAL_ALPHA_BAR_WARNING = 0.01;

    /**
     * The smallest β_t any schedule accepts. In doubles 1 − β rounds to exactly 1 below β ≈ 1.1e-16
     * (half an ulp of 1), so ᾱ_1 = 1 and every sampler divides by √(1 − ᾱ_1) = 0: NaN samples. At
     * 1e-12 the rounding error of 1 − ᾱ_1 is still ≈ 1e-4 relative; below it, the step is noise-free
     * in all but name.
     */
    public static final double MIN_BETA = 1e-12;

    /**
     * The largest β_t any schedule accepts, the cap of the cosine schedule ({@link #COSINE_MAX_BETA},
     * improved DDPM): α_t ≥ 0.001, so one reverse step x_{t−1} = (x_t − …)/√α_t multiplies the
     * model's error by at most 1/√0.001 ≈ 31.6. Closer to 1 the reverse steps amplify it without
     * bound (β_T = 0.999999 in a linear schedule of T = 100 gave samples of 1e23).
     */
    public static final double MAX_BETA = 0.999;

    private final double[] betas;
    private final double[] alphas;
    private final double[] alphaBars;

    /** β of length T ≥ 1, each in [MIN_BETA, MAX_BETA] (checked by the factories). */
    private NoiseSchedule(double[] betas) {
        int T = betas.length;
        this.betas = betas.clone();
        this.alphas = new double[T];
        this.alphaBars = new double[T];
        double product = 1.0;
        for (int i = 0; i < T; i++) {
            alphas[i] = 1.0 - betas[i];
            product *= alphas[i];
            alphaBars[i] = product;
        }
        // ᾱ_t = 0 would make x̂0 = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t (DDIM, clipping) divide by zero.
        if (!(alphaBars[T - 1] >= Double.MIN_NORMAL)) {
            int t = 1;
            while (alphaBars[t - 1] >= Double.MIN_NORMAL) t++;
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT, "T = %d is invalid for these betas: "
                    + "alpha_bar_t = prod(1 - beta_s) underflows below %.1e at t = %d (beta_t = %.3g), so x0_hat = "
                    + "(x_t - sqrt(1 - alpha_bar_t)*eps)/sqrt(alpha_bar_t) divides by zero; use fewer steps or smaller betas",
                    T, Double.MIN_NORMAL, t, betas[t - 1]));
        }
    }

    /** Heap per step: β, α and ᾱ (8 bytes each) and the input copy. */
    private static void checkT(int T) {
        if (T < 1) {
            throw new IllegalArgumentException("T = " + T + " is invalid: need at least 1 diffusion step");
        }
        Sizes.requireFits("T", T, 1, 32, "the schedule's β, α and ᾱ over T steps");
    }

    /**
     * The linear schedule: β_t = β_start + (t − 1)/(T − 1) · (β_end − β_start) for t = 1..T
     * (NumPy's {@code linspace(beta_start, beta_end, T)}); for T = 1, β_1 = β_start.
     *
     * @param T number of diffusion steps, ≥ 1
     * @param betaStart β_1, in [{@value #MIN_BETA}, {@value #MAX_BETA}]
     * @param betaEnd β_T, in [{@value #MIN_BETA}, {@value #MAX_BETA}]
     * @throws IllegalArgumentException also when T does not fit in memory or ᾱ_T underflows to 0
     */
    public static NoiseSchedule linearBetaSchedule(int T, double betaStart, double betaEnd) {
        checkT(T);
        checkBeta("betaStart", betaStart);
        checkBeta("betaEnd", betaEnd);
        double[] betas = new double[T];
        for (int i = 0; i < T; i++) {
            betas[i] = T == 1 ? betaStart : betaStart + (betaEnd - betaStart) * i / (T - 1);
        }
        return new NoiseSchedule(betas);
    }

    /**
     * A schedule from explicit variances.
     *
     * @param betas β_1..β_T at indices 0..T−1, each in [{@value #MIN_BETA}, {@value #MAX_BETA}]; copied
     * @throws IllegalArgumentException also when ᾱ_T = ∏(1 − β_t) underflows to 0
     */
    public static NoiseSchedule fromBetas(double[] betas) {
        if (betas.length < 1) {
            throw new IllegalArgumentException("betas.length = 0 is invalid: need at least 1 diffusion step");
        }
        for (int i = 0; i < betas.length; i++) {
            checkBeta("betas[" + i + "]", betas[i]);
        }
        return new NoiseSchedule(betas);
    }

    private static void checkBeta(String name, double beta) {
        if (!(beta > 0 && beta < 1)) {
            throw new IllegalArgumentException(name + " = " + beta + " is invalid: a variance β must lie in (0, 1)");
        }
        if (beta < MIN_BETA || beta > MAX_BETA) {
            throw new IllegalArgumentException(name + " = " + beta + " is invalid: must lie in [" + MIN_BETA + ", " + MAX_BETA
                    + "] to stay finite (" + (beta < MIN_BETA ? "below " + MIN_BETA + ", 1 - beta rounds towards 1 and "
                    + "the samplers divide by sqrt(1 - alpha_bar_1) = 0" : "above " + MAX_BETA + ", each reverse step "
                    + "divides by sqrt(alpha_t) < 0.0316 and the samples blow up") + ")");
        }
    }

    /** Number of diffusion steps T. */
    public int T() {
        return betas.length;
    }

    /** β_t, t in 1..T. */
    public double beta(int t) {
        return betas[index(t)];
    }

    /** α_t = 1 − β_t, t in 1..T. */
    public double alpha(int t) {
        return alphas[index(t)];
    }

    /** ᾱ_t = ∏_{s=1..t} α_s, t in 1..T. */
    public double alphaBar(int t) {
        return alphaBars[index(t)];
    }

    /** ᾱ_{t−1} for t in 1..T, with the convention ᾱ_0 = 1 (no noise at all at t = 0). */
    public double alphaBarPrev(int t) {
        return t == 1 ? 1.0 : alphaBars[index(t) - 1];
    }

    /** √ᾱ_t, the weight of x_0 in q(x_t | x_0); t in 1..T. */
    public double sqrtAlphaBar(int t) {
        return Math.sqrt(alphaBar(t));
    }

    /** √(1 − ᾱ_t), the standard deviation of the noise in q(x_t | x_0); t in 1..T. */
    public double sqrtOneMinusAlphaBar(int t) {
        return Math.sqrt(1.0 - alphaBar(t));
    }

    /** β_1..β_T (a copy; index i holds t = i + 1). */
    public double[] betas() {
        return betas.clone();
    }

    /** α_1..α_T (a copy; index i holds t = i + 1). */
    public double[] alphas() {
        return alphas.clone();
    }

    /** ᾱ_1..ᾱ_T (a copy; index i holds t = i + 1). */
    public double[] alphaBars() {
        return alphaBars.clone();
    }

    /** ᾱ_T: how much of the data's signal is left at the last step (0 would be pure noise). */
    public double terminalAlphaBar() {
        return alphaBars[alphaBars.length - 1];
    }

    /**
     * A warning when x_T is far from N(0, I), i.e. when ᾱ_T &gt; {@value #TERMINAL_ALPHA_BAR_WARNING}.
     * q(x_T | x_0) = N(√ᾱ_T·x_0, (1 − ᾱ_T)·I): with the minimal lab's defaults ᾱ_T ≈ 0.78, so x_T
     * is still ≈ 88 % data. The sampler starts from N(0, I), which the model never saw at t = T.
     *
     * @return the warning text, or empty when x_T is close to pure noise
     */
    public Optional<String> terminalWarning() {
        double abT = terminalAlphaBar();
        if (abT <= TERMINAL_ALPHA_BAR_WARNING) {
            return Optional.empty();
        }
        return Optional.of(String.format(
                "WARNING: alpha_bar_T = %.4f, so x_T = %.3f*x0 + %.3f*eps is not pure noise. Sampling starts "
                        + "from N(0, I), a distribution the model never saw at t = T = %d. "
                        + "Use more steps or a larger beta_end to bring alpha_bar_T below %.2f.",
                abT, Math.sqrt(abT), Math.sqrt(1 - abT), T(), TERMINAL_ALPHA_BAR_WARNING));
    }

    private int index(int t) {
        if (t < 1 || t > betas.length) {
            throw new IllegalArgumentException("t = " + t + " is invalid: t is 1-based and must lie in [1, " + betas.length + "]");
        }
        return t - 1;
    }

    /** The cap on β_t of {@link #cosineBetaSchedule}: without it β_T = 1 (f(T) = 0) would erase x entirely. */
    public static final double COSINE_MAX_BETA = 0.999;

    /** The offset s of {@link #cosineBetaSchedule(int)} (improved DDPM): keeps β_1 from being vanishingly small. */
    public static final double COSINE_DEFAULT_OFFSET = 0.008;

    /**
     * The cosine schedule of improved DDPM (Nichol &amp; Dhariwal 2021, eq. 17) with s = 0.008; see
     * {@link #cosineBetaSchedule(int, double)}.
     *
     * @param T number of diffusion steps, ≥ 1
     */
    public static NoiseSchedule cosineBetaSchedule(int T) {
        return cosineBetaSchedule(T, COSINE_DEFAULT_OFFSET);
    }

    /**
     * The cosine schedule of improved DDPM (eq. 17): the target ᾱ(t) = f(t)/f(0) with
     * f(t) = cos²(((t/T) + s)/(1 + s) · π/2), and β_t = min(1 − ᾱ(t)/ᾱ(t − 1), {@value #COSINE_MAX_BETA})
     * for t = 1..T (1-based; ᾱ(0) = 1). Wherever no cap applied at or before t, {@link #alphaBar}(t)
     * equals f(t)/f(0) up to rounding; the cap only bites near t = T, where it makes ᾱ_T = 0.001·ᾱ(T − 1)
     * instead of exactly 0.
     *
     * @param T number of diffusion steps, ≥ 1
     * @param s offset, finite and ≥ 0 (s &gt; 0 keeps β_1 from being tiny near t = 0)
     */
    public static NoiseSchedule cosineBetaSchedule(int T, double s) {
        checkT(T);
        if (!(s >= 0) || Double.isInfinite(s)) {
            throw new IllegalArgumentException("s = " + s + " is invalid: the cosine offset must be finite and >= 0");
        }
        double[] betas = new double[T];
        double f0 = cosineF(0, T, s);
        double previous = 1.0;
        for (int t = 1; t <= T; t++) {
            double target = cosineF(t, T, s) / f0;
            betas[t - 1] = Math.min(1.0 - target / previous, COSINE_MAX_BETA);
            previous = target;
        }
        try {
            return fromBetas(betas);
        } catch (IllegalArgumentException e) {
            // β_1 ≈ π²·s/(2T) (≈ (π/2T)² for s = 0) falls below MIN_BETA for very large T.
            throw new IllegalArgumentException("T = " + T + ", s = " + s + " is invalid for the cosine schedule: " + e.getMessage(), e);
        }
    }

    private static double cosineF(int t, int T, double s) {
        double c = Math.cos(((double) t / T + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    /**
     * The signal-to-noise ratio of q(x_t | x_0): SNR_t = ᾱ_t / (1 − ᾱ_t), the variance of the
     * signal √ᾱ_t·x_0 over that of the noise √(1 − ᾱ_t)·ε for unit-variance data. It decreases
     * with t; plot it on a log axis to compare schedules.
     *
     * @param t step in 1..T
     */
    public double snr(int t) {
        double ab = alphaBar(t);
        return ab / (1.0 - ab);
    }
}
