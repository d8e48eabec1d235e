package org.diffusionlab.train;

/**
 * Hyper-parameters of {@link MiniBatchTrainer}.
 *
 * @param steps number of optimizer updates (mini-batches), ≥ 1
 * @param batchSize B ≥ 1, points per mini-batch (a data set of n &lt; B points gives batches of n)
 * @param optimizer which optimizer
 * @param lr base learning rate, &gt; 0 and finite
 * @param lrSchedule how the learning rate changes over the steps; {@link LearningRateSchedule#COSINE}
 *     needs an optimizer whose learning rate can change (not {@link OptimizerChoice#MOMENTUM_SGD})
 * @param weightDecay λ ≥ 0 of {@link OptimizerChoice#ADAMW}; must be 0 for the other optimizers
 * @param clipNorm max_norm of global gradient-norm clipping, &gt; 0;
 *     {@link Double#POSITIVE_INFINITY} ({@link #NO_CLIPPING}) turns clipping off
 * @param emaDecay d in [0, 1) of an {@link org.diffusionlab.model.ExponentialMovingAverage} of the
 *     weights, which the model receives at the end of training; 0 ({@link #NO_EMA}) keeps the last weights
 * @param smoothing s in [0, 1) of the loss curve: ℓ̄_k = s·ℓ̄_{k−1} + (1 − s)·ℓ_k, ℓ̄_1 = ℓ_1
 */
public record MiniBatchConfig(int steps, int batchSize, OptimizerChoice optimizer, double lr,
                              LearningRateSchedule lrSchedule, double weightDecay, double clipNorm, double emaDecay, double smoothing) {

    /** The {@link #clipNorm} that never clips. */
    public static final double NO_CLIPPING = Double.POSITIVE_INFINITY;

    /** The {@link #emaDecay} that keeps the last weights (no averaging). */
    public static final double NO_EMA = 0.0;

    public MiniBatchConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("steps = " + steps + " is invalid: must be >= 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize = " + batchSize + " is invalid: must be >= 1");
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer = null is invalid: choose one of MOMENTUM_SGD, ADAM, ADAMW");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr = " + lr + " is invalid: must be finite and > 0");
        }
        if (lrSchedule == null) {
            throw new IllegalArgumentException("lrSchedule = null is invalid: choose CONSTANT or COSINE");
        }
        if (optimizer == OptimizerChoice.MOMENTUM_SGD && lrSchedule != LearningRateSchedule.CONSTANT) {
            throw new IllegalArgumentException("lrSchedule = " + lrSchedule
                    + " is invalid for MOMENTUM_SGD: its learning rate is fixed, use CONSTANT");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay = " + weightDecay + " is invalid: must be finite and >= 0");
        }
        if (optimizer != OptimizerChoice.ADAMW && weightDecay != 0) {
            throw new IllegalArgumentException("weightDecay = " + weightDecay + " is invalid for " + optimizer
                    + ": only ADAMW decays weights, use 0");
        }
        if (!(clipNorm > 0)) {
            throw new IllegalArgumentException("clipNorm = " + clipNorm + " is invalid: must be > 0 (NO_CLIPPING turns it off)");
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new IllegalArgumentException("emaDecay = " + emaDecay + " is invalid: must lie in [0, 1) (0 = no averaging)");
        }
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("smoothing = " + smoothing + " is invalid: must lie in [0, 1)");
        }
    }

    public MiniBatchConfig withSteps(int newSteps) {
        return new MiniBatchConfig(newSteps, batchSize, optimizer, lr, lrSchedule, weightDecay, clipNorm, emaDecay, smoothing);
    }
}
