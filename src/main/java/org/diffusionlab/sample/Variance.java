package org.diffusionlab.sample;

import org.diffusionlab.schedule.NoiseSchedule;

/**
 * The variance σ_t² of the reverse step p(x_{t−1} | x_t) = N(μ, σ_t²·I). DDPM (section 3.2): β_t is
 * optimal when x_0 ~ N(0, I), β̃_t when x_0 is one fixed point; for data with unit variance per
 * coordinate they are the two extremes, and both sample about equally well. Time t is 1-based (1..T).
 */
public enum Variance {

    /** σ_t² = β_t, the variance of the forward step (DDPM Algorithm 2). */
    BETA {
        @Override
        public double sigmaSquared(NoiseSchedule schedule, int t) {
            return schedule.beta(t);
        }
    },

    /**
     * σ_t² = β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t, the variance of the true posterior
     * q(x_{t−1} | x_t, x_0) (DDPM eq. 7). With ᾱ_0 = 1, β̃_1 = 0 exactly: the last step adds no noise.
     */
    POSTERIOR {
        @Override
        public double sigmaSquared(NoiseSchedule schedule, int t) {
            return (1.0 - schedule.alphaBarPrev(t)) / (1.0 - schedule.alphaBar(t)) * schedule.beta(t);
        }
    };

    /**
     * σ_t² for the step from x_t to x_{t−1}.
     *
     * @param t step in 1..T
     */
    public abstract double sigmaSquared(NoiseSchedule schedule, int t);
}
