package org.diffusionlab.labs.images;

/**
 * Exercise 5 — the reverse step on images: x̂0 from the network's ε̂, clipped to the pixel range
 * [−1, 1], then DDPM's step with the posterior variance. An image is a flat {@code double[]} of its
 * pixels (a batch is just a longer array: every operation is element-wise). t is 1-based (1..T),
 * ᾱ_t = (1 − β_1)·…·(1 − β_t) and ᾱ_0 = 1.
 */
public final class ImageStep {

    private ImageStep() {}

    /** How the reverse step gets x̂0 (exercise 5.1): yours in {@link #LAB}, the reference's in the graders. */
    public interface X0 {
        double[] predictX0(double[] xt, double[] epsHat, double alphaBar, boolean clip);
    }

    /** Your {@link #predictX0}. */
    public static final X0 LAB = ImageStep::predictX0;

    /**
     * <b>TODO 5.1</b> (Time: ~15 min) — the clean image predicted from ε̂, element-wise:
     * <pre>
     *   x̂0 = (x_t − √(1 − ᾱ_t)·ε̂) / √ᾱ_t,      then, if clip, x̂0 = min(1, max(−1, x̂0))
     * </pre>
     * Early in sampling ᾱ_t is tiny (2.4e-7 at t = T of the capped cosine schedule with T = 100), so
     * x̂0 multiplies every error of ε̂ by √(1 − ᾱ_t)/√ᾱ_t (about 2000 there); the pixels are known to lie
     * in [−1, 1], so clipping removes that error.
     *
     * <p>Hint: one loop; a new array; do not change the inputs.
     *
     * @param alphaBar ᾱ_t of the step
     */
    public static double[] predictX0(double[] xt, double[] epsHat, double alphaBar, boolean clip) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 5.1: predictX0: (x_t - sqrt(1 - alphaBar) eps) / sqrt(alphaBar), clipped to [-1, 1]");
        double rootSignal = Math.sqrt(alphaBar), rootNoise = Math.sqrt(1 - alphaBar);
        double[] estimate = new double[xt.length];
        for (int i = 0; i < xt.length; i++) {
            double unclipped = (xt[i] - rootNoise * epsHat[i]) / rootSignal;
            estimate[i] = clip ? Math.max(-1, Math.min(1, unclipped)) : unclipped;
        }
        return estimate;
        // END SOLUTION
    }

    /** {@link #reverseStep(double[], double[], int, double[], double[], boolean, X0)} with your x̂0. */
    public static double[] reverseStep(double[] xt, double[] epsHat, int t, double[] betas, double[] z, boolean clip) {
        return reverseStep(xt, epsHat, t, betas, z, clip, LAB);
    }

    /**
     * <b>TODO 5.2</b> (Time: ~25 min) — one reverse step x_t → x_{t−1} with the posterior variance (DDPM eq. 6–7):
     * <pre>
     *   x̂0 = x0.predictX0(x_t, ε̂, ᾱ_t, clip)
     *   μ̃  = √ᾱ_{t−1}·β_t/(1 − ᾱ_t) · x̂0  +  √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t) · x_t
     *   β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t) · β_t
     *   x_{t−1} = μ̃ + √β̃_t · z   for t &gt; 1;     x_0 = μ̃ at t = 1 (no noise; z may be null)
     * </pre>
     *
     * <p>Hint: compute ᾱ_t and ᾱ_{t−1} from {@code betas} (β_t is {@code betas[t − 1]}); get x̂0
     * through {@code x0}, not by calling 5.1 directly, so a bug in 5.1 costs 5.1 only.
     *
     * @param xt x_t (any number of pixels)
     * @param epsHat ε̂(x_t, t), same length
     * @param t step in 1..T
     * @param betas β_1..β_T
     * @param z standard normal noise, same length; ignored (may be null) at t = 1
     * @param x0 how to get x̂0 ({@link #LAB} for yours)
     */
    public static double[] reverseStep(double[] xt, double[] epsHat, int t, double[] betas, double[] z, boolean clip, X0 x0) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 5.2: reverseStep: posterior mean with x0Hat, plus sqrt(posterior variance) z for t > 1");
        double abPrev = 1;
        for (int s = 1; s < t; s++) abPrev *= 1 - betas[s - 1];
        double beta = betas[t - 1], ab = abPrev * (1 - beta);
        double[] x0Hat = x0.predictX0(xt, epsHat, ab, clip);
        double c0 = Math.sqrt(abPrev) * beta / (1 - ab), ct = Math.sqrt(1 - beta) * (1 - abPrev) / (1 - ab);
        double sigma = Math.sqrt((1 - abPrev) / (1 - ab) * beta);
        double[] previous = new double[xt.length];
        for (int i = 0; i < xt.length; i++) {
            previous[i] = c0 * x0Hat[i] + ct * xt[i];
            if (t > 1) previous[i] += sigma * z[i];
        }
        return previous;
        // END SOLUTION
    }
}
