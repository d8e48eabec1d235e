package org.diffusionlab.labs.ddim;

import java.util.random.RandomGenerator;
import org.ejml.simple.SimpleMatrix;

/**
 * The walkthrough's toy data and its exact noise predictor (given; nothing to do here).
 *
 * <p>Data: an equal mixture of K isotropic Gaussians N(μ_j, s²I) with centres μ_j on a circle. For
 * such data the best possible ε̂ — the one a perfectly trained network would learn — has a closed
 * form, so the walkthrough needs no training and any gap to the noise floor is the sampler's own.
 * Given component j, x_t = √ᾱ·x_0 + √(1 − ᾱ)·ε is Gaussian with mean √ᾱ·μ_j and variance
 * v = ᾱ·s² + 1 − ᾱ, and E[ε | x_t, j] = √(1 − ᾱ)·(x_t − √ᾱ·μ_j)/v. The oracle averages these with the
 * posterior weights w_j ∝ exp(−‖x_t − √ᾱ·μ_j‖²/(2v)).
 *
 * @param centres K × 2, one centre per row
 * @param std s, the standard deviation of each component
 */
public record EightGaussians(SimpleMatrix centres, double std) {

    /** Eight components on a circle of radius 2, each with standard deviation 0.15. */
    public static EightGaussians standard() {
        SimpleMatrix c = new SimpleMatrix(8, 2);
        for (int j = 0; j < 8; j++) {
            c.set(j, 0, 2 * Math.cos(2 * Math.PI * j / 8));
            c.set(j, 1, 2 * Math.sin(2 * Math.PI * j / 8));
        }
        return new EightGaussians(c, 0.15);
    }

    /** n independent points: a uniformly chosen component, then its Gaussian. */
    public SimpleMatrix sample(int n, RandomGenerator rng) {
        SimpleMatrix x = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            int j = rng.nextInt(centres.getNumRows());
            for (int k = 0; k < 2; k++) x.set(i, k, centres.get(j, k) + std * rng.nextGaussian());
        }
        return x;
    }

    /** The exact ε̂ = E[ε | x_t] at noise level ᾱ (= ᾱ_t), n × 2 like xt. */
    public SimpleMatrix epsilon(SimpleMatrix xt, double alphaBar) {
        double v = alphaBar * std * std + 1 - alphaBar, sa = Math.sqrt(alphaBar), so = Math.sqrt(1 - alphaBar);
        int K = centres.getNumRows();
        SimpleMatrix eps = new SimpleMatrix(xt.getNumRows(), 2);
        double[] logW = new double[K];
        for (int i = 0; i < xt.getNumRows(); i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < K; j++) {
                double dx = xt.get(i, 0) - sa * centres.get(j, 0), dy = xt.get(i, 1) - sa * centres.get(j, 1);
                logW[j] = -(dx * dx + dy * dy) / (2 * v);
                max = Math.max(max, logW[j]);
            }
            // subtract the largest log-weight so exp never underflows to 0/0
            double total = 0, ex = 0, ey = 0;
            for (int j = 0; j < K; j++) {
                double w = Math.exp(logW[j] - max);
                total += w;
                ex += w * (xt.get(i, 0) - sa * centres.get(j, 0));
                ey += w * (xt.get(i, 1) - sa * centres.get(j, 1));
            }
            eps.set(i, 0, so * ex / (total * v));
            eps.set(i, 1, so * ey / (total * v));
        }
        return eps;
    }
}
