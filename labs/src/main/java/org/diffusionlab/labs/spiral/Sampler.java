package org.diffusionlab.labs.spiral;

import java.util.Collections;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 6 — generating points: start from pure noise x_T ~ N(0, I) and walk the chain backwards,
 * x_T → x_{T−1} → … → x_0, using the network's guess of the noise at each step (DDPM Algorithm 2).
 */
public final class Sampler {

    private Sampler() {}

    /** The final points x_0 and the states x_t kept along the way, keyed by t (largest t first). */
    public record SampleResult(SimpleMatrix samples, SortedMap<Integer, SimpleMatrix> snapshots) {}

    /** One reverse step x_t → x_{t−1}; {@link Sampler#pSample} is yours, the graders pass the reference. */
    @FunctionalInterface
    public interface ReverseStep {
        SimpleMatrix apply(EpsilonModel model, SimpleMatrix xt, int t, Schedule schedule, SimpleMatrix z);
    }

    /**
     * <b>TODO 6.1</b> (Time: ~20 min) — one reverse step, DDPM eq. 11 plus noise (σ_t² = β_t):
     * <pre>
     *   ε̂ = model.predictEpsilon(x_t, t, T)
     *   x_{t−1} = 1/√α_t · ( x_t − β_t / √(1 − ᾱ_t) · ε̂ ) + σ_t · z,    σ_t = √β_t
     * </pre>
     * At t = 1 add no noise: x_0 is the mean itself (z is then ignored and may be null).
     *
     * <p>Hint: the same indexing as exercise 3: β_t is {@code schedule.betas()[t - 1]}. Note the two
     * different square roots: √α_t (this step) outside, √(1 − ᾱ_t) (all steps so far) inside.
     *
     * @param model predicts ε̂
     * @param xt {@code n × d}
     * @param t the step, 1..T
     * @param z standard normal noise, {@code n × d} (unused at t = 1)
     * @return x_{t−1}, {@code n × d}
     */
    public static SimpleMatrix pSample(EpsilonModel model, SimpleMatrix xt, int t, Schedule schedule, SimpleMatrix z) {
        throw new UnsupportedOperationException("TODO 6.1: pSample: x_{t-1} = (x_t - beta_t/sqrt(1-alphaBar_t) epsHat)/sqrt(alpha_t) + sqrt(beta_t) z");
    }

    /** {@link #pSampleLoop(EpsilonModel, int, Schedule, RandomGenerator, Set, ReverseStep)} with your own {@link #pSample}. */
    public static SampleResult pSampleLoop(EpsilonModel model, int n, Schedule schedule, RandomGenerator rng,
                                           Set<Integer> snapshotTs) {
        return pSampleLoop(model, n, schedule, rng, snapshotTs, Sampler::pSample);
    }

    /**
     * <b>TODO 6.2</b> (Time: ~20 min) — the whole reverse chain with snapshots.
     *
     * <pre>
     *   x = Forward.gaussian(n, d, rng)                 x_T ~ N(0, I), d = model.dataDim()
     *   for t = T, T−1, …, 1:
     *       if t is in snapshotTs: keep a copy of x    (the state x_t, before the step at t)
     *       z = Forward.gaussian(n, d, rng) if t &gt; 1, else null
     *       x = step.apply(model, x, t, schedule, z)
     *   if 0 is in snapshotTs: keep a copy of x        (x_0, the result)
     * </pre>
     * Draw in exactly this order (x_T, then z for t = T down to 2): then a seed gives the same points
     * as the reference sampler, which the graders check.
     *
     * <p>Hint: store {@code x.copy()}, not x: a snapshot must not change afterwards. For the
     * snapshots map use {@code new TreeMap<>(Collections.reverseOrder())} (largest t first, like the
     * figure).
     *
     * @param n number of points, ≥ 1
     * @param snapshotTs the steps t in 0..T whose states to keep
     * @param step the reverse step ({@code Sampler::pSample} for yours)
     */
    public static SampleResult pSampleLoop(EpsilonModel model, int n, Schedule schedule, RandomGenerator rng,
                                           Set<Integer> snapshotTs, ReverseStep step) {
        throw new UnsupportedOperationException("TODO 6.2: pSampleLoop: x_T ~ N(0, I), then step for t = T..1, keeping snapshots");
    }
}
