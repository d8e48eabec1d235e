package org.diffusionlab.labs.spiral;

/** Told after every training step, e.g. to print progress (given). */
@FunctionalInterface
public interface TrainingMonitor {

    /**
     * @param step the 1-based step just finished
     * @param loss this step's loss
     * @param smoothedLoss the smoothed loss after this step
     */
    void onStep(int step, double loss, double smoothedLoss);

    TrainingMonitor NONE = (step, loss, smoothedLoss) -> { };
}
