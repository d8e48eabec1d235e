package org.diffusionlab.labs.spiral;

/**
 * Hyper-parameters of full-batch training (given).
 *
 * @param steps number of updates, ≥ 1
 * @param lr learning rate, &gt; 0
 * @param momentum m in [0, 1) of the momentum update (exercise 4.3)
 * @param smoothing s in [0, 1) of the smoothed loss curve (exercise 5.2)
 */
public record TrainConfig(int steps, double lr, double momentum, double smoothing) {

    public TrainConfig {
        if (steps < 1) throw new IllegalArgumentException("steps = " + steps + " is invalid: must be >= 1");
        if (!(lr > 0)) throw new IllegalArgumentException("lr = " + lr + " is invalid: must be > 0");
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum = " + momentum + " is invalid: must lie in [0, 1)");
        }
        if (!(smoothing >= 0 && smoothing < 1)) {
            throw new IllegalArgumentException("smoothing = " + smoothing + " is invalid: must lie in [0, 1)");
        }
    }

    /** The notebook's recipe: 8000 steps, lr 2e-3, momentum 0.999, smoothing 0.999. */
    public static TrainConfig notebook() {
        return new TrainConfig(8000, 2e-3, 0.999, 0.999);
    }
}
