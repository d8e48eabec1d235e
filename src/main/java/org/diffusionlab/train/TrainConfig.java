package org.diffusionlab.train;

/**
 * Hyper-parameters of full-batch training.
 *
 * @param steps number of updates, ≥ 1 (8000 in the lab)
 * @param lr learning rate, &gt; 0 (2e-3 in the lab)
 * @param momentum heavy-ball momentum m in [0, 1) (0.999 in the lab)
 * @param smoothing s in [0, 1) of the loss curve: ℓ̄_k = s·ℓ̄_{k−1} + (1 − s)·ℓ_k, ℓ̄_1 = ℓ_1
 *     (the lab uses s = momentum = 0.999)
 */
public record TrainConfig(int steps, double lr, double momentum, double smoothing) {

    public TrainConfig {
        if (steps < 1) {
            throw new IllegalArgumentException("steps = " + steps + " is invalid: must be >= 1");
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr = " + lr + " is invalid: must be finite and > 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum = " + momentum + " is invalid: must lie in [0, 1)");
        }
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("smoothing = " + smoothing + " is invalid: must lie in [0, 1)");
        }
    }

    /** The minimal lab's recipe: 8000 steps, lr 2e-3, momentum 0.999, smoothing 0.999. */
    public static TrainConfig notebook() {
        return new TrainConfig(8000, 2e-3, 0.999, 0.999);
    }

    public TrainConfig withSteps(int newSteps) {
        return new TrainConfig(newSteps, lr, momentum, smoothing);
    }
}
