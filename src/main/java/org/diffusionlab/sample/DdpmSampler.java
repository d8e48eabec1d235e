package org.diffusionlab.sample;

import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.diffusionlab.data.Sizes;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * Ancestral DDPM sampling (DDPM Algorithm 2) with σ_t² = β_t. Time t is 1-based: x_T is pure
 * noise, each step maps x_t to x_{t−1}, and the step at t = 1 returns x_0.
 */
public final class DdpmSampler {

    private DdpmSampler() {}

    /** Final samples x_0 and the states x_t kept at the requested steps. */
    public record SampleResult(SimpleMatrix samples, SortedMap<Integer, SimpleMatrix> snapshots) {}

    /**
     * One reverse step, DDPM eq. 11 plus noise:
     * <pre>
     *   x_{t−1} = 1/√α_t · (x_t − β_t/√(1 − ᾱ_t) · ε̂_θ(x_t, t)) + σ_t·z,   σ_t = √β_t
     * </pre>
     * with no noise at t = 1 (z is then ignored and may be null), so x_0 is the mean itself.
     *
     * @param model predicts ε̂
     * @param xt {@code n × d}
     * @param t step in 1..T
     * @param z standard normal noise, {@code n × d} (ignored at t = 1)
     * @return x_{t−1}, {@code n × d}
     */
    public static SimpleMatrix pSample(EpsilonModel model, SimpleMatrix xt, int t, NoiseSchedule schedule, SimpleMatrix z) {
        double alpha = schedule.alpha(t);
        double beta = schedule.beta(t);
        SimpleMatrix epsHat = model.predictEpsilon(xt, t, schedule.T());
        SimpleMatrix mean = xt.minus(epsHat.scale(beta / schedule.sqrtOneMinusAlphaBar(t))).scale(1 / Math.sqrt(alpha));
        if (t == 1) {
            return mean;
        }
        if (z == null || z.getNumRows() != xt.getNumRows() || z.getNumCols() != xt.getNumCols()) {
            throw new IllegalArgumentException("z is invalid at t = " + t + ": need standard normal noise shaped like xt ("
                    + xt.getNumRows() + "x" + xt.getNumCols() + ")");
        }
        return mean.plus(z.scale(Math.sqrt(beta)));
    }

    /**
     * The whole reverse chain: x_T ~ N(0, I), then {@link #pSample} for t = T, T−1, …, 1.
     *
     * <p>Draw order: x_T row by row, then z for t = T down to 2 (none at t = 1).
     *
     * @param n number of samples, ≥ 1
     * @param snapshotTs steps t in 0..T at which to keep x_t (x_T is the starting noise, x_0 the
     *     result); others are ignored
     * @return x_0 ({@code n × d}) and the kept states keyed by t
     */
    public static SampleResult pSampleLoop(EpsilonModel model, int n, NoiseSchedule schedule, RandomGenerator rng,
                                           Set<Integer> snapshotTs) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + " is invalid: must be >= 1");
        }
        int d = model.dataDim();
        // x_t, z and the next state, plus every kept snapshot: n × d doubles each
        long kept = 3 + Math.min(snapshotTs.size(), schedule.T() + 1L);
        Sizes.requireFits("n", n, d, 8L * d * kept, "the sampler's n × " + d + " states (" + kept + " of them)");
        SortedMap<Integer, SimpleMatrix> snapshots = new TreeMap<>(Collections.reverseOrder());
        SimpleMatrix x = ForwardProcess.gaussian(n, d, rng);
        for (int t = schedule.T(); t >= 1; t--) {
            if (snapshotTs.contains(t)) snapshots.put(t, x.copy());
            SimpleMatrix z = t > 1 ? ForwardProcess.gaussian(n, d, rng) : null;
            x = pSample(model, x, t, schedule, z);
        }
        if (snapshotTs.contains(0)) snapshots.put(0, x.copy());
        return new SampleResult(x, snapshots);
    }
}
