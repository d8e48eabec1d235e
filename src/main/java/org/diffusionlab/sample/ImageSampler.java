package org.diffusionlab.sample;

import java.util.random.RandomGenerator;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.model.image.LabelEmbedding;
import org.diffusionlab.model.image.Tensor;
import org.diffusionlab.model.image.ImageDenoiser;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.schedule.NoiseSchedule;

/**
 * Sampling images from a trained {@link UNet} (any {@link ImageDenoiser}): DDPM with the posterior variance, or DDIM, each
 * with x̂0 optionally clipped to the data range [−1, 1], and with classifier-free guidance for a
 * conditional network. The network may predict ε, x0 or v ({@link PredictionType}); every step
 * first turns its output into x̂0 (and ε̂), so the update rules below do not depend on it.
 *
 * <p><b>Classifier-free guidance</b> (Ho &amp; Salimans 2022), with this project's one convention
 * for the weight w (the "guidance scale" of diffusers and Imagen):
 * <pre>
 *   f̃ = f(x_t, t, ∅) + w·(f(x_t, t, y) − f(x_t, t, ∅))
 * </pre>
 * w = 1 is the plain conditional model, w = 0 the unconditional one, w &gt; 1 pushes away from
 * the unconditional prediction (sharper, more typical digits, less variety). (The paper writes
 * (1 + w')·f_y − w'·f_∅, so its w' is our w − 1.) Both predictions come from one forward pass of
 * 2N images; with w = 1 only the conditional half is run, with w = 0 only the unconditional one. Since x̂0 is linear in f, guiding f or
 * x̂0 is the same.
 *
 * <p><b>Clipping</b> x̂0 to [−1, 1] (reference notebook 003's second common mistake is to forget
 * it): early in sampling x̂0 = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t divides ε̂'s error by a tiny √ᾱ_t, and
 * the unclipped value drags the sample far outside the data range.
 *
 * <p>Steps t are 1-based: x_T ~ N(0, I) is the start, and the result is x_0.
 */
public final class ImageSampler {

    /** Called after each reverse step with the step reached (T−1 … 0) and the current images. */
    @FunctionalInterface
    public interface Observer {
        void onStep(int t, Tensor x);

        Observer NONE = (t, x) -> { };
    }

    private final ImageDenoiser net;
    private final NoiseSchedule schedule;
    private final PredictionType prediction;
    private final boolean clip;

    /**
     * @param prediction what {@code net} was trained to output
     * @param clipX0 clip x̂0 to [−1, 1] at every step
     */
    public ImageSampler(ImageDenoiser net, NoiseSchedule schedule, PredictionType prediction, boolean clipX0) {
        if (schedule.T() != net.config().T()) {
            throw new IllegalArgumentException("schedule.T() = " + schedule.T() + " is invalid: the network embeds t in 1.." + net.config().T());
        }
        this.net = net;
        this.schedule = schedule;
        this.prediction = prediction;
        this.clip = clipX0;
    }

    /**
     * DDPM ancestral sampling with the posterior variance (DDPM eq. 6–7 with x̂0 in place of x_0):
     * for t = T … 1,
     * <pre>
     *   μ̃_t = √ᾱ_{t−1}·β_t/(1 − ᾱ_t) · x̂0 + √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t) · x_t
     *   x_{t−1} = μ̃_t + √β̃_t·z,   β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t,   z ~ N(0, I), and no noise at t = 1
     * </pre>
     * (ᾱ_0 = 1, so the last step returns x̂0 itself.)
     *
     * @param labels one label per image, or null: unconditional (NO_LABEL for a conditional network)
     * @param guidance w ≥ 0 (class comment); ignored without labels
     */
    public Tensor ddpm(int n, int[] labels, double guidance, RandomGenerator rng, Observer observer) {
        Tensor x = start(n, labels, guidance, rng);
        int d = x.size() / n;
        for (int t = schedule.T(); t >= 1; t--) {
            double[] x0 = predictX0(x, t, labels, guidance);
            double abPrev = schedule.alphaBarPrev(t), ab = schedule.alphaBar(t), beta = schedule.beta(t);
            double c0 = Math.sqrt(abPrev) * beta / (1 - ab);
            double ct = Math.sqrt(schedule.alpha(t)) * (1 - abPrev) / (1 - ab);
            double sigma = t > 1 ? Math.sqrt((1 - abPrev) / (1 - ab) * beta) : 0;
            for (int i = 0; i < n * d; i++) {
                double mean = c0 * x0[i] + ct * x.data[i];
                x.data[i] = t > 1 ? mean + sigma * rng.nextGaussian() : mean;
            }
            observer.onStep(t - 1, x);
        }
        return x;
    }

    /**
     * DDIM with the trailing spacing τ_i = ⌊i·T/S⌋ (as {@link DdimSampler}); see
     * {@link #ddim(int, int[], double, int[], double, RandomGenerator, Observer)}.
     *
     * @param steps S in 1..T
     */
    public Tensor ddim(int n, int[] labels, double guidance, int steps, double eta, RandomGenerator rng, Observer observer) {
        return ddim(n, labels, guidance, TimestepSpacing.TRAILING.steps(schedule.T(), steps, 0), eta, rng, observer);
    }

    /**
     * DDIM (Song et al. 2021, eq. 12) over the steps τ_1 &lt; … &lt; τ_S (a {@link TimestepSpacing}),
     * stepping from τ_i to τ_{i−1} (τ_0 = 0, ᾱ_0 = 1):
     * <pre>
     *   x_{τ_{i−1}} = √ᾱ_{τ_{i−1}}·x̂0 + √(1 − ᾱ_{τ_{i−1}} − σ_i²)·ε̂ + σ_i·z
     *   σ_i = η·√((1 − ᾱ_{τ_{i−1}})/(1 − ᾱ_{τ_i}))·√(1 − ᾱ_{τ_i}/ᾱ_{τ_{i−1}})
     * </pre>
     * η = 0 is deterministic; η = 1 with all T steps is DDPM with σ² = β̃. When x̂0 is clipped, ε̂ is
     * recomputed from the clipped x̂0 so that both stay consistent with x_t.
     *
     * @param tau increasing steps in 1..T
     * @param eta η in [0, 1]
     */
    public Tensor ddim(int n, int[] labels, double guidance, int[] tau, double eta, RandomGenerator rng, Observer observer) {
        int T = schedule.T();
        if (tau.length < 1) throw new IllegalArgumentException("tau.length = 0 is invalid: need at least one step");
        for (int i = 0; i < tau.length; i++) {
            if (tau[i] < 1 || tau[i] > T || (i > 0 && tau[i] <= tau[i - 1])) {
                throw new IllegalArgumentException("tau[" + i + "] = " + tau[i] + " is invalid: steps must increase within [1, " + T + "]");
            }
        }
        if (!(eta >= 0 && eta <= 1)) throw new IllegalArgumentException("eta = " + eta + " is invalid: must lie in [0, 1]");
        Tensor x = start(n, labels, guidance, rng);
        int d = x.size() / n;
        for (int i = tau.length; i >= 1; i--) {
            int t = tau[i - 1], prev = i == 1 ? 0 : tau[i - 2];
            double[] x0 = predictX0(x, t, labels, guidance);
            double ab = schedule.alphaBar(t), abPrev = prev == 0 ? 1.0 : schedule.alphaBar(prev);
            double sigma = eta * Math.sqrt((1 - abPrev) / (1 - ab)) * Math.sqrt(1 - ab / abPrev);
            double dir = Math.sqrt(Math.max(0, 1 - abPrev - sigma * sigma));
            for (int q = 0; q < n * d; q++) {
                double eps = PredictionType.epsFromX0(x0[q], x.data[q], t, schedule);
                double next = Math.sqrt(abPrev) * x0[q] + dir * eps;
                x.data[q] = sigma > 0 ? next + sigma * rng.nextGaussian() : next;
            }
            observer.onStep(prev, x);
        }
        return x;
    }

    private Tensor start(int n, int[] labels, double guidance, RandomGenerator rng) {
        UNet.Config c = net.config();
        if (n < 1) throw new IllegalArgumentException("n = " + n + " is invalid: must be >= 1");
        if (labels != null && labels.length != n) throw new IllegalArgumentException("labels.length = " + labels.length + " is invalid: need one per image (" + n + ")");
        if (labels != null && !c.conditional()) throw new IllegalArgumentException("labels is invalid: the network is unconditional");
        if (!(guidance >= 0) || Double.isInfinite(guidance)) throw new IllegalArgumentException("guidance = " + guidance + " is invalid: must be finite and >= 0");
        Tensor x = new Tensor(n, c.imageChannels(), c.height(), c.width());
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextGaussian();
        return x;
    }

    /** x̂0 for every pixel of the batch at step t: guided network output, converted, clipped. */
    double[] predictX0(Tensor x, int t, int[] labels, double guidance) {
        Tensor f = guidedOutput(x, t, labels, guidance);
        double[] x0 = new double[x.size()];
        for (int i = 0; i < x0.length; i++) {
            double v = prediction.x0(f.data[i], x.data[i], t, schedule);
            x0[i] = clip ? Math.max(-1, Math.min(1, v)) : v;
        }
        return x0;
    }

    /** f̃ = f_∅ + w·(f_y − f_∅) (class comment), or the plain output without labels or with w = 1. */
    Tensor guidedOutput(Tensor x, int t, int[] labels, double w) {
        int n = x.n;
        int[] steps = new int[n];
        java.util.Arrays.fill(steps, t);
        if (!net.config().conditional()) return net.forward(x, steps, null);
        if (labels == null) return net.forward(x, steps, noLabels(n));
        if (w == 1.0) return net.forward(x, steps, labels);
        if (w == 0.0) return net.forward(x, steps, noLabels(n));
        Tensor both = new Tensor(2 * n, x.c, x.h, x.w);
        System.arraycopy(x.data, 0, both.data, 0, x.size());
        System.arraycopy(x.data, 0, both.data, x.size(), x.size());
        int[] t2 = new int[2 * n], y2 = new int[2 * n];
        java.util.Arrays.fill(t2, t);
        for (int i = 0; i < n; i++) {
            y2[i] = labels[i];
            y2[n + i] = LabelEmbedding.NO_LABEL;
        }
        Tensor f = net.forward(both, t2, y2);
        Tensor out = x.zerosLike();
        for (int i = 0; i < x.size(); i++) {
            double cond = f.data[i], uncond = f.data[x.size() + i];
            out.data[i] = uncond + w * (cond - uncond);
        }
        return out;
    }

    private static int[] noLabels(int n) {
        int[] y = new int[n];
        java.util.Arrays.fill(y, LabelEmbedding.NO_LABEL);
        return y;
    }
}
