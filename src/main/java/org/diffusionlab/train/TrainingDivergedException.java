package org.diffusionlab.train;

/** Thrown when the loss stops being a finite number: training has diverged. */
public class TrainingDivergedException extends IllegalStateException {

    private final int step;

    public TrainingDivergedException(int step, double loss, double lr) {
        super(String.format("Training diverged: the loss is %s at step %d. "
                + "Try a smaller learning rate (lr = %s now, e.g. %s).", loss, step, lr, lr / 4));
        this.step = step;
    }

    /** The 1-based step at which the loss was first not finite. */
    public int step() {
        return step;
    }
}
