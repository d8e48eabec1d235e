package org.diffusionlab.train;

/** Told after every training step, e.g. to move a progress bar. */
@FunctionalInterface
public interface TrainingMonitor {

    /**
     * @param step 1-based step just finished
     * @param loss this step's MSE
     * @param smoothedLoss the exponentially smoothed MSE after this step
     */
    void onStep(int step, double loss, double smoothedLoss);

    TrainingMonitor NONE = (step, loss, smoothedLoss) -> { };
}
