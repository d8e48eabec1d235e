package org.diffusionlab.labs.schedules;

import org.ejml.simple.SimpleMatrix;

/**
 * Exercises 3 and 4 — the reverse step written with the true posterior q(x_{t−1} | x_t, x_0) (DDPM eq. 6–7):
 * first predict x_0 from the noise estimate, then take the posterior's mean and variance as if that
 * prediction were the data. All t are 1-based (1..T), with ᾱ_0 = 1.
 */
public final class Posterior {

    private Posterior() {}

    /**
     * <b>TODO 3.1</b> (Time: ~10 min) — the posterior variance for every step (DDPM eq. 7):
     * <pre>
     *   β̃_t = (1 − ᾱ_{t−1}) / (1 − ᾱ_t) · β_t      for t = 1..T, with ᾱ_0 = 1
     * </pre>
     * so β̃_1 = 0 exactly: given x_1 and x_0, x_0 is known, nothing is left to draw.
     *
     * <p>Hint: {@link Schedule#alphaBarPrev} handles ᾱ_0 = 1; β̃_t ≤ β_t always.
     *
     * @return β̃_1..β̃_T at indices 0..T−1
     */
    public static double[] posteriorVariance(Schedule schedule) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 3.1: posteriorVariance: (1 - alphaBar_{t-1}) / (1 - alphaBar_t) * beta_t");
        double[] out = new double[schedule.T()];
        for (int t = 1; t <= schedule.T(); t++) {
            out[t - 1] = (1.0 - schedule.alphaBarPrev(t)) / (1.0 - schedule.alphaBar(t)) * schedule.beta(t);
        }
        return out;
        // END SOLUTION
    }

    /**
     * <b>TODO 4.1</b> (Time: ~15 min) — the clean-data estimate from a noise prediction, DDPM eq. 4
     * solved for x_0, optionally clipped:
     * <pre>
     *   x̂0 = clip( (x_t − √(1 − ᾱ_t)·ε̂) / √ᾱ_t , [min, max] )      element-wise
     * </pre>
     *
     * <p>Hint: {@code xt.minus(epsHat.scale(a)).divide(b)}, then {@link Clip#apply} on every element of
     * a copy. With {@link Clip#OFF} the result is unclipped. Do not change the inputs.
     *
     * @param xt x_t, {@code n × d}
     * @param epsHat ε̂, {@code n × d}
     * @param t step in 1..T
     * @return x̂0, {@code n × d}
     */
    public static SimpleMatrix predictX0(SimpleMatrix xt, SimpleMatrix epsHat, int t, Schedule schedule, Clip clip) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 4.1: predictX0: (x_t - sqrt(1 - alphaBar_t) eps) / sqrt(alphaBar_t), then clip");
        double ab = schedule.alphaBar(t);
        SimpleMatrix x0 = xt.minus(epsHat.scale(Math.sqrt(1.0 - ab))).divide(Math.sqrt(ab));
        for (int i = 0; i < x0.getNumRows(); i++) {
            for (int j = 0; j < x0.getNumCols(); j++) x0.set(i, j, clip.apply(x0.get(i, j)));
        }
        return x0;
        // END SOLUTION
    }

    /**
     * <b>TODO 4.2</b> (Time: ~15 min) — the posterior mean with x̂0 in place of x_0 (DDPM eq. 7):
     * <pre>
     *   μ̃_t = √ᾱ_{t−1}·β_t / (1 − ᾱ_t) · x̂0  +  √α_t·(1 − ᾱ_{t−1}) / (1 − ᾱ_t) · x_t
     * </pre>
     *
     * <p>Hint: two scalar coefficients, then {@code x0Hat.scale(c0).plus(xt.scale(ct))}. At t = 1
     * (ᾱ_0 = 1) the second coefficient is 0 and μ̃_1 = x̂0.
     *
     * @param x0Hat {@code n × d}
     * @param xt {@code n × d}
     * @param t step in 1..T
     * @return μ̃_t, {@code n × d}
     */
    public static SimpleMatrix posteriorMean(SimpleMatrix x0Hat, SimpleMatrix xt, int t, Schedule schedule) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 4.2: posteriorMean: DDPM eq. 7 with x0Hat in place of x0");
        double oneMinusAb = 1.0 - schedule.alphaBar(t);
        double c0 = Math.sqrt(schedule.alphaBarPrev(t)) * schedule.beta(t) / oneMinusAb;
        double ct = Math.sqrt(schedule.alpha(t)) * (1.0 - schedule.alphaBarPrev(t)) / oneMinusAb;
        return x0Hat.scale(c0).plus(xt.scale(ct));
        // END SOLUTION
    }

    /**
     * The exercises the reverse step is built from. {@link #LAB} uses yours; the graders of exercise 4.3
     * pass the reference ones, so the step is graded on its own.
     */
    public interface Parts {
        /** β̃_1..β̃_T (exercise 3.1). */
        double[] posteriorVariance(Schedule schedule);

        /** x̂0, clipped as {@code clip} says (exercise 4.1). */
        SimpleMatrix predictX0(SimpleMatrix xt, SimpleMatrix epsHat, int t, Schedule schedule, Clip clip);

        /** μ̃_t with x̂0 in place of x_0 (exercise 4.2). */
        SimpleMatrix posteriorMean(SimpleMatrix x0Hat, SimpleMatrix xt, int t, Schedule schedule);
    }

    /** Your own {@link #posteriorVariance}, {@link #predictX0} and {@link #posteriorMean}. */
    public static final Parts LAB = new Parts() {
        @Override
        public double[] posteriorVariance(Schedule schedule) {
            return Posterior.posteriorVariance(schedule);
        }

        @Override
        public SimpleMatrix predictX0(SimpleMatrix xt, SimpleMatrix epsHat, int t, Schedule schedule, Clip clip) {
            return Posterior.predictX0(xt, epsHat, t, schedule, clip);
        }

        @Override
        public SimpleMatrix posteriorMean(SimpleMatrix x0Hat, SimpleMatrix xt, int t, Schedule schedule) {
            return Posterior.posteriorMean(x0Hat, xt, t, schedule);
        }
    };

    /** {@link #reverseStep(SimpleMatrix, SimpleMatrix, int, Schedule, SimpleMatrix, Clip, Parts)} with your own parts. */
    public static SimpleMatrix reverseStep(SimpleMatrix xt, SimpleMatrix epsHat, int t, Schedule schedule, SimpleMatrix z, Clip clip) {
        return reverseStep(xt, epsHat, t, schedule, z, clip, LAB);
    }

    /**
     * <b>TODO 4.3</b> (Time: ~15 min) — one reverse step x_t → x_{t−1} with the posterior variance:
     * <pre>
     *   x̂0 = predictX0(x_t, ε̂, t, clip)        μ̃ = posteriorMean(x̂0, x_t, t)
     *   x_{t−1} = μ̃ + √β̃_t · z       for t &gt; 1,        x_0 = μ̃       at t = 1 (no noise; z may be null)
     * </pre>
     *
     * <p>Hint: call 3.1, 4.1 and 4.2 through {@code parts} ({@code parts.predictX0(...)}, …), not
     * directly: the walkthrough passes yours ({@link #LAB}), the graders the reference's, so a bug in 4.1
     * costs you 4.1 only. β̃_t is entry t − 1 of {@code parts.posteriorVariance(schedule)}; test
     * {@code t == 1} before you touch z.
     *
     * @param xt x_t, {@code n × d}
     * @param epsHat the model's ε̂(x_t, t), {@code n × d}
     * @param t step in 1..T
     * @param z standard normal noise, {@code n × d}; ignored (may be null) at t = 1
     * @param parts posteriorVariance, predictX0 and posteriorMean ({@link #LAB} for yours)
     * @return x_{t−1}, {@code n × d}
     */
    public static SimpleMatrix reverseStep(SimpleMatrix xt, SimpleMatrix epsHat, int t, Schedule schedule, SimpleMatrix z, Clip clip,
                                           Parts parts) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 4.3: reverseStep: posterior mean + sqrt(posterior variance) z, no noise at t = 1");
        SimpleMatrix mean = parts.posteriorMean(parts.predictX0(xt, epsHat, t, schedule, clip), xt, t, schedule);
        if (t == 1) return mean;
        return mean.plus(z.scale(Math.sqrt(parts.posteriorVariance(schedule)[t - 1])));
        // END SOLUTION
    }
}
