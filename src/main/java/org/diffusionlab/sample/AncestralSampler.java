package org.diffusionlab.sample;

import java.util.random.RandomGenerator;
import org.diffusionlab.data.Sizes;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * Ancestral DDPM sampling written in the x̂0 form, with a choice of reverse variance
 * ({@link Variance}) and optional clipping of x̂0. Time t is 1-based: x_T ~ N(0, I), each step maps
 * x_t to x_{t−1}, and the step at t = 1 returns x_0.
 *
 * <p>Without clipping, the mean below is algebraically the ε-form mean of DDPM eq. 11 used by
 * {@link DdpmSampler}, so with {@link Variance#BETA} this sampler reproduces {@link DdpmSampler}
 * (same draws, same samples up to rounding). Clipping x̂0 only makes sense when the data is known
 * to lie in a box (images in [−1, 1]); it is off by default because standardized toy data does not.
 *
 * <p>Draw order of {@link #sample} and {@link #trajectory}: x_T row by row, then one z (row by row)
 * for each t = T down to 2; none at t = 1.
 */
public final class AncestralSampler {

    private final Variance variance;
    private final double clipMin;
    private final double clipMax;

    private AncestralSampler(Variance variance, double clipMin, double clipMax) {
        this.variance = variance;
        this.clipMin = clipMin;
        this.clipMax = clipMax;
    }

    /** A sampler with the given variance and no clipping. */
    public static AncestralSampler of(Variance variance) {
        if (variance == null) {
            throw new IllegalArgumentException("variance = null is invalid: choose Variance.BETA or Variance.POSTERIOR");
        }
        return new AncestralSampler(variance, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /**
     * The same sampler, but x̂0 is clipped element-wise to [min, max] before the mean is formed.
     *
     * @param min lower bound, finite
     * @param max upper bound, finite and &gt; min
     */
    public AncestralSampler withClipping(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("clip range [" + min + ", " + max
                    + "] is invalid: need finite bounds with min < max");
        }
        return new AncestralSampler(variance, min, max);
    }

    public Variance variance() {
        return variance;
    }

    /** Whether x̂0 is clipped. */
    public boolean clips() {
        return Double.isFinite(clipMin);
    }

    /**
     * The clean-data estimate implied by a noise prediction, DDPM eq. 4 solved for x_0
     * (the quantity inside eq. 15): x̂0 = (x_t − √(1 − ᾱ_t)·ε̂) / √ᾱ_t.
     *
     * @param xt {@code n × d}
     * @param epsHat ε̂_θ(x_t, t), {@code n × d}
     * @param t step in 1..T
     * @return x̂0, {@code n × d}
     */
    public static SimpleMatrix predictX0(SimpleMatrix xt, SimpleMatrix epsHat, int t, NoiseSchedule schedule) {
        checkSameShape("epsHat", epsHat, xt);
        return xt.minus(epsHat.scale(schedule.sqrtOneMinusAlphaBar(t))).divide(schedule.sqrtAlphaBar(t));
    }

    /**
     * The mean of the posterior q(x_{t−1} | x_t, x_0) with x_0 replaced by x̂0, DDPM eq. 7:
     * μ̃_t = √ᾱ_{t−1}·β_t / (1 − ᾱ_t) · x̂0 + √α_t·(1 − ᾱ_{t−1}) / (1 − ᾱ_t) · x_t, with ᾱ_0 = 1.
     *
     * @param x0Hat {@code n × d}
     * @param xt {@code n × d}
     * @param t step in 1..T
     * @return μ̃_t, {@code n × d}
     */
    public static SimpleMatrix posteriorMean(SimpleMatrix x0Hat, SimpleMatrix xt, int t, NoiseSchedule schedule) {
        checkSameShape("x0Hat", x0Hat, xt);
        double oneMinusAlphaBar = 1.0 - schedule.alphaBar(t);
        double c0 = Math.sqrt(schedule.alphaBarPrev(t)) * schedule.beta(t) / oneMinusAlphaBar;
        double ct = Math.sqrt(schedule.alpha(t)) * (1.0 - schedule.alphaBarPrev(t)) / oneMinusAlphaBar;
        return x0Hat.scale(c0).plus(xt.scale(ct));
    }

    /**
     * One reverse step x_t → x_{t−1}:
     * <ol>
     *   <li>ε̂ = ε̂_θ(x_t, t);</li>
     *   <li>x̂0 = (x_t − √(1 − ᾱ_t)·ε̂) / √ᾱ_t ({@link #predictX0}), clipped if configured;</li>
     *   <li>μ̃_t from x̂0 and x_t, DDPM eq. 7 ({@link #posteriorMean});</li>
     *   <li>x_{t−1} = μ̃_t + σ_t·z with σ_t² from {@link #variance()}, and x_0 = μ̃_1 at t = 1.</li>
     * </ol>
     *
     * @param xt {@code n × d}
     * @param t step in 1..T
     * @param z standard normal noise, {@code n × d}; ignored (may be null) at t = 1
     * @return x_{t−1}, {@code n × d}
     */
    public SimpleMatrix step(EpsilonModel model, SimpleMatrix xt, int t, NoiseSchedule schedule, SimpleMatrix z) {
        SimpleMatrix epsHat = model.predictEpsilon(xt, t, schedule.T());
        SimpleMatrix x0Hat = predictX0(xt, epsHat, t, schedule);
        if (clips()) x0Hat = clip(x0Hat, clipMin, clipMax);
        SimpleMatrix mean = posteriorMean(x0Hat, xt, t, schedule);
        if (t == 1) {
            return mean;
        }
        if (z == null) {
            throw new IllegalArgumentException("z = null is invalid at t = " + t + ": need standard normal noise shaped like xt");
        }
        checkSameShape("z", z, xt);
        return mean.plus(z.scale(Math.sqrt(variance.sigmaSquared(schedule, t))));
    }

    /**
     * n samples: x_T ~ N(0, I), then {@link #step} for t = T, …, 1 (draw order in the class comment).
     *
     * @param n number of samples, ≥ 1
     * @return x_0, {@code n × d} with d = {@code model.dataDim()}
     */
    public SimpleMatrix sample(EpsilonModel model, int n, NoiseSchedule schedule, RandomGenerator rng) {
        return run(model, n, schedule, rng, null);
    }

    /**
     * Like {@link #sample} (same draws, same result) but keeps every state x_T, x_{T−1}, …, x_0.
     *
     * @return T + 1 states with timesteps T, T−1, …, 0
     */
    public Trajectory trajectory(EpsilonModel model, int n, NoiseSchedule schedule, RandomGenerator rng) {
        return Trajectory.record(sink -> run(model, n, schedule, rng, sink));
    }

    private SimpleMatrix run(EpsilonModel model, int n, NoiseSchedule schedule, RandomGenerator rng, StateSink sink) {
        checkN(n);
        int d = model.dataDim();
        SimpleMatrix x = ForwardProcess.gaussian(n, d, rng);
        for (int t = schedule.T(); t >= 1; t--) {
            if (sink != null) sink.accept(t, x);
            SimpleMatrix z = t > 1 ? ForwardProcess.gaussian(n, d, rng) : null;
            x = step(model, x, t, schedule, z);
        }
        if (sink != null) sink.accept(0, x);
        return x;
    }

    /** A copy of m with every element clamped to [min, max]. */
    static SimpleMatrix clip(SimpleMatrix m, double min, double max) {
        SimpleMatrix out = m.copy();
        double[] a = out.getDDRM().data;
        for (int i = 0; i < a.length; i++) a[i] = Math.min(max, Math.max(min, a[i]));
        return out;
    }

    /** Receives each visited state; states are never modified afterwards (every step allocates). */
    interface StateSink {
        void accept(int t, SimpleMatrix x);
    }

    static void checkN(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + " is invalid: must be >= 1");
        }
        // x_t, the noise z and the next state, n × 2 doubles each (more for higher-dimensional data)
        Sizes.requireFits("n", n, 2, 48, "the sampler's n × 2 states");
    }

    static void checkSameShape(String name, SimpleMatrix m, SimpleMatrix xt) {
        if (m.getNumRows() != xt.getNumRows() || m.getNumCols() != xt.getNumCols()) {
            throw new IllegalArgumentException(name + " is " + m.getNumRows() + "x" + m.getNumCols()
                    + ", invalid: it must have the shape of xt, " + xt.getNumRows() + "x" + xt.getNumCols());
        }
    }
}
