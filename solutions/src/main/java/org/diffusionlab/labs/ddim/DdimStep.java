package org.diffusionlab.labs.ddim;

import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 2 — one DDIM step (Song et al. 2021, eq. 12) from level t to an earlier level p.
 *
 * <p>The step needs only ᾱ_t and ᾱ_p (ᾱ_p = 1 when p = 0) and the model's noise prediction ε̂ at
 * (x_t, t): it predicts the clean point x̂0, then re-noises it to level p, partly along ε̂ and partly
 * with fresh noise σ·z. η = 0 is deterministic (DDIM); η = 1 with p = t − 1 is DDPM with the
 * posterior variance β̃_t.
 */
public final class DdimStep {

    private DdimStep() {}

    /**
     * <b>TODO 2.1</b> (Time: ~10 min) — the noise scale of a step (DDIM eq. 16):
     * σ = η · √((1 − ᾱ_p)/(1 − ᾱ_t)) · √(1 − ᾱ_t/ᾱ_p).
     *
     * <p>With p = 0 (ᾱ_p = 1) σ is 0 whatever η: the last step adds no noise.
     *
     * <p>Hint: two square roots, not one of the product written differently; check ᾱ_t/ᾱ_p (not
     * ᾱ_p/ᾱ_t: ᾱ_t &lt; ᾱ_p, so 1 − ᾱ_t/ᾱ_p lies in [0, 1)).
     *
     * @param alphaBarT ᾱ_t, in (0, 1)
     * @param alphaBarPrev ᾱ_p, in (ᾱ_t, 1] (1 when p = 0)
     * @param eta η in [0, 1]
     */
    public static double sigma(double alphaBarT, double alphaBarPrev, double eta) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.1: sigma: eta * sqrt((1 - abPrev)/(1 - abT)) * sqrt(1 - abT/abPrev)");
        return eta * Math.sqrt((1 - alphaBarPrev) / (1 - alphaBarT)) * Math.sqrt(1 - alphaBarT / alphaBarPrev);
        // END SOLUTION
    }

    /**
     * <b>TODO 2.2</b> (Time: ~25 min) — one DDIM step, DDIM eq. 12, in three stages:
     * <ol>
     *   <li>x̂0 = (x_t − √(1 − ᾱ_t)·ε̂) / √ᾱ_t (the clean point implied by ε̂, DDPM eq. 4 solved for x_0);</li>
     *   <li>direction = √(1 − ᾱ_p − σ²) · ε̂ (the noise we keep, pointing where ε̂ says);</li>
     *   <li>x_p = √ᾱ_p · x̂0 + direction + σ·z.</li>
     * </ol>
     * All matrices are n × d (one point per row); the scalars apply to every entry.
     *
     * <p>Hint: σ is passed in (compute it with 2.1 when you call this). 1 − ᾱ_p − σ² is ≥ 0 in exact
     * arithmetic (0 only when η = 1 and ᾱ_p = 1); max(0, …) before the square root is a cheap guard
     * against rounding. When σ = 0, z is ignored and may be null.
     *
     * @param xt x_t, n × d
     * @param epsHat ε̂ predicted at (x_t, t), n × d
     * @param alphaBarT ᾱ_t
     * @param alphaBarPrev ᾱ_p (1 when p = 0)
     * @param sigma σ of this step, ≥ 0
     * @param z standard normal noise, n × d (null allowed when sigma = 0)
     * @return x_p, n × d
     */
    public static SimpleMatrix step(SimpleMatrix xt, SimpleMatrix epsHat, double alphaBarT, double alphaBarPrev,
                                    double sigma, SimpleMatrix z) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.2: step: x0hat, the direction along epsHat, then sigma*z (DDIM eq. 12)");
        // 1. the clean point ε̂ implies
        SimpleMatrix x0Hat = xt.minus(epsHat.scale(Math.sqrt(1 - alphaBarT))).divide(Math.sqrt(alphaBarT));
        // 2. keep part of the noise along ε̂; the clamp guards against rounding below 0
        double dirScale = Math.sqrt(Math.max(0.0, 1 - alphaBarPrev - sigma * sigma));
        SimpleMatrix next = x0Hat.scale(Math.sqrt(alphaBarPrev)).plus(epsHat.scale(dirScale));
        // 3. fresh noise
        return sigma == 0 ? next : next.plus(z.scale(sigma));
        // END SOLUTION
    }
}
