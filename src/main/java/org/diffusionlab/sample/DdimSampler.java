package org.diffusionlab.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * DDIM sampling (Song, Meng &amp; Ermon 2021) on a subsequence of S ≤ T steps, with stochasticity η.
 * It reuses a model trained for DDPM as is: only the sampling path changes.
 *
 * <p><b>Which timesteps.</b> Time is 1-based. The S visited steps are evenly spaced and end at T
 * ("trailing" spacing):
 * <pre>
 *   τ_i = ⌊i·T / S⌋  for i = 1..S,   so τ_S = T and τ_1 = ⌊T/S⌋ ≥ 1,
 * </pre>
 * and the step from τ_i goes to its <b>previous timestep τ_{i−1}</b>, with τ_0 = 0 and ᾱ_{τ_0} = ᾱ_0 = 1.
 * Example T = 10, S = 5: 10 → 8 → 6 → 4 → 2 → 0. Starting at τ_S = T matters: x_T ~ N(0, I) matches
 * the model's training inputs only at t = T. Spacings that start at the first step instead
 * (0, T/S, 2T/S, … in 0-based code) never visit T: they hand pure noise to the model at a step where
 * x_t should still hold √ᾱ of signal (Lin et al., "Common diffusion noise schedules and sample steps
 * are flawed", WACV 2024: "always start from the last timestep"). Ending at τ_0 = 0 makes the last
 * step return x̂0 itself.
 *
 * <p><b>One step</b> (DDIM eq. 12), from t = τ_i to p = τ_{i−1}:
 * <pre>
 *   x̂0     = (x_t − √(1 − ᾱ_t)·ε̂_θ(x_t, t)) / √ᾱ_t
 *   σ      = η · √((1 − ᾱ_p)/(1 − ᾱ_t)) · √(1 − ᾱ_t/ᾱ_p)                          (DDIM eq. 16)
 *   x_p    = √ᾱ_p·x̂0 + √(1 − ᾱ_p − σ²)·ε̂_θ(x_t, t) + σ·z
 * </pre>
 * η = 0 is deterministic; η = 1 with S = T gives σ² = β̃_t, i.e. DDPM with the posterior variance
 * ({@link AncestralSampler} with {@link Variance#POSTERIOR}). σ = 0 on the last step (ᾱ_0 = 1).
 *
 * <p><b>Caution with a tiny ᾱ_T</b> (the cosine schedule caps β_T at 0.999, so ᾱ_T/ᾱ_{T−1} = 0.001):
 * with η = 0 the first step is x_p = √(ᾱ_p/ᾱ_T)·(x_T − √(1 − ᾱ_T)·ε̂) + √(1 − ᾱ_p)·ε̂, which
 * multiplies the model's error at t = T by √(ᾱ_p/ᾱ_T) ≥ 31.6, and no later noise washes it out.
 * Use η &gt; 0 or {@link #withClipping} there.
 *
 * <p><b>Draw order</b> of {@link #sample} and {@link #trajectory}: x_T row by row, then, only when
 * η &gt; 0, one z (row by row) for each step i = S down to 2; none on the last step τ_1 → 0.
 * With S = T and η = 1 this is the draw order of {@link AncestralSampler}.
 */
public final class DdimSampler {

    /** One DDIM step, from step {@code from} to its previous timestep {@code to} (0 for the last). */
    public record Transition(int from, int to) {}

    private final int steps;
    private final double eta;
    private final double clipMin;
    private final double clipMax;

    /**
     * A sampler without clipping.
     *
     * @param steps S, the number of model evaluations, ≥ 1 (and ≤ T of the schedule used)
     * @param eta η in [0, 1]: 0 is deterministic DDIM, 1 is DDPM-like noise
     */
    public DdimSampler(int steps, double eta) {
        this(steps, eta, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    private DdimSampler(int steps, double eta, double clipMin, double clipMax) {
        if (steps < 1) {
            throw new IllegalArgumentException("steps = " + steps + " is invalid: need at least 1 sampling step");
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("eta = " + eta + " is invalid: must lie in [0, 1]");
        }
        this.steps = steps;
        this.eta = eta;
        this.clipMin = clipMin;
        this.clipMax = clipMax;
    }

    /**
     * The same sampler, but x̂0 is clipped element-wise to [min, max] and ε̂ is then recomputed from
     * the clipped x̂0, ε̂ = (x_t − √ᾱ_t·x̂0)/√(1 − ᾱ_t), so that x_t, x̂0 and ε̂ still satisfy DDPM
     * eq. 4 (with η = 1 and S = T this matches {@link AncestralSampler#withClipping}). Worth it when
     * ᾱ_T is tiny (the cosine schedule): x̂0 = (x_T − √(1 − ᾱ_T)·ε̂)/√ᾱ_T multiplies the model's
     * error at t = T by 1/√ᾱ_T, and η = 0 carries that error to the end.
     *
     * @param min lower bound, finite
     * @param max upper bound, finite and &gt; min
     */
    public DdimSampler withClipping(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || !(min < max)) {
            throw new IllegalArgumentException("clip range [" + min + ", " + max
                    + "] is invalid: need finite bounds with min < max");
        }
        return new DdimSampler(steps, eta, min, max);
    }

    /** Whether x̂0 is clipped. */
    public boolean clips() {
        return Double.isFinite(clipMin);
    }

    public int steps() {
        return steps;
    }

    public double eta() {
        return eta;
    }

    /**
     * The visited steps τ_1 &lt; … &lt; τ_S, τ_i = ⌊i·T/S⌋ (1-based, τ_S = T).
     *
     * @param T number of diffusion steps, ≥ 1
     * @param S number of sampling steps in 1..T
     * @return τ_1..τ_S at indices 0..S−1
     */
    public static int[] timesteps(int T, int S) {
        if (T < 1) {
            throw new IllegalArgumentException("T = " + T + " is invalid: need at least 1 diffusion step");
        }
        if (S < 1 || S > T) {
            throw new IllegalArgumentException("S = " + S + " is invalid: must lie in [1, T = " + T + "]");
        }
        int[] tau = new int[S];
        for (int i = 1; i <= S; i++) tau[i - 1] = (int) ((long) i * T / S);
        return tau;
    }

    /**
     * The steps in sampling order: (τ_S → τ_{S−1}), …, (τ_2 → τ_1), (τ_1 → 0).
     *
     * @param T number of diffusion steps, ≥ 1
     * @param S number of sampling steps in 1..T
     */
    public static List<Transition> transitions(int T, int S) {
        int[] tau = timesteps(T, S);
        List<Transition> out = new ArrayList<>(S);
        for (int i = S - 1; i >= 0; i--) out.add(new Transition(tau[i], i == 0 ? 0 : tau[i - 1]));
        return out;
    }

    /**
     * σ of the step t → p (DDIM eq. 16): η·√((1 − ᾱ_p)/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_p), with ᾱ_0 = 1.
     *
     * @param t step in 1..T
     * @param p previous timestep in 0..t−1
     */
    public static double sigma(NoiseSchedule schedule, int t, int p, double eta) {
        checkPair(t, p);
        double abT = schedule.alphaBar(t), abP = alphaBarOrOne(schedule, p);
        return eta * Math.sqrt((1 - abP) / (1 - abT)) * Math.sqrt(1 - abT / abP);
    }

    /**
     * One DDIM step from x_t to x_p (DDIM eq. 12, written out in the class comment), with x̂0
     * clipped and ε̂ recomputed from it first if {@link #withClipping} was used.
     *
     * @param xt {@code n × d}
     * @param t step in 1..T
     * @param p previous timestep in 0..t−1
     * @param z standard normal noise {@code n × d}; ignored (may be null) when σ = 0, i.e. η = 0 or p = 0
     * @return x_p, {@code n × d}
     */
    public SimpleMatrix step(EpsilonModel model, SimpleMatrix xt, int t, int p, NoiseSchedule schedule, SimpleMatrix z) {
        double sigma = sigma(schedule, t, p, eta);
        // 1. predict the noise and the clean point it implies (clipped: ε̂ re-derived to stay on eq. 4)
        SimpleMatrix epsHat = model.predictEpsilon(xt, t, schedule.T());
        SimpleMatrix x0Hat = AncestralSampler.predictX0(xt, epsHat, t, schedule);
        if (clips()) {
            x0Hat = AncestralSampler.clip(x0Hat, clipMin, clipMax);
            epsHat = xt.minus(x0Hat.scale(schedule.sqrtAlphaBar(t))).divide(schedule.sqrtOneMinusAlphaBar(t));
        }
        // 2. re-noise x̂0 to level p along the predicted direction (eq. 12); rounding can push the
        //    radicand a hair below 0 when it is exactly 0 in exact arithmetic
        double abP = alphaBarOrOne(schedule, p);
        double dirScale = Math.sqrt(Math.max(0.0, 1 - abP - sigma * sigma));
        SimpleMatrix next = x0Hat.scale(Math.sqrt(abP)).plus(epsHat.scale(dirScale));
        // 3. fresh noise
        if (sigma == 0) {
            return next;
        }
        if (z == null) {
            throw new IllegalArgumentException("z = null is invalid at t = " + t + " with sigma = " + sigma
                    + ": need standard normal noise shaped like xt");
        }
        AncestralSampler.checkSameShape("z", z, xt);
        return next.plus(z.scale(sigma));
    }

    /**
     * n samples: x_T ~ N(0, I), then {@link #step} along {@link #transitions(int, int)} (draw order
     * in the class comment).
     *
     * @param n number of samples, ≥ 1
     * @return x_0, {@code n × d} with d = {@code model.dataDim()}
     * @throws IllegalArgumentException if S &gt; T of the schedule
     */
    public SimpleMatrix sample(EpsilonModel model, int n, NoiseSchedule schedule, RandomGenerator rng) {
        return run(model, n, schedule, rng, null);
    }

    /**
     * Like {@link #sample} (same draws, same result) but keeps every state.
     *
     * @return S + 1 states with timesteps τ_S = T, …, τ_1, 0
     */
    public Trajectory trajectory(EpsilonModel model, int n, NoiseSchedule schedule, RandomGenerator rng) {
        return Trajectory.record(sink -> run(model, n, schedule, rng, sink));
    }

    private SimpleMatrix run(EpsilonModel model, int n, NoiseSchedule schedule, RandomGenerator rng,
                             AncestralSampler.StateSink sink) {
        AncestralSampler.checkN(n);
        List<Transition> path = transitions(schedule.T(), steps);
        int d = model.dataDim();
        SimpleMatrix x = ForwardProcess.gaussian(n, d, rng);
        for (Transition tr : path) {
            if (sink != null) sink.accept(tr.from(), x);
            SimpleMatrix z = eta > 0 && tr.to() > 0 ? ForwardProcess.gaussian(n, d, rng) : null;
            x = step(model, x, tr.from(), tr.to(), schedule, z);
        }
        if (sink != null) sink.accept(0, x);
        return x;
    }

    private static double alphaBarOrOne(NoiseSchedule schedule, int p) {
        return p == 0 ? 1.0 : schedule.alphaBar(p);
    }

    private static void checkPair(int t, int p) {
        if (p < 0 || p >= t) {
            throw new IllegalArgumentException("p = " + p + " is invalid: the previous timestep must lie in [0, t - 1 = "
                    + (t - 1) + "]");
        }
    }
}
