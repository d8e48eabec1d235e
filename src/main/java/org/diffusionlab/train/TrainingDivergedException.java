package org.diffusionlab.train;

/** Thrown when the loss is no longer a finite number, or has exploded: training has diverged. */
public class TrainingDivergedException extends IllegalStateException {

    /**
     * A loss this many times the first step's loss counts as diverged even while it is finite: with
     * a unit-variance target a healthy run stays within a small factor of its first loss, while a
     * diverging one grows geometrically and reaches this within a few dozen steps.
     */
    public static final double EXPLOSION_FACTOR = 1e6;

    private final int step;

    public TrainingDivergedException(int step, double loss, double lr) {
        super(String.format("Training diverged: the loss is %s at step %d. "
                + "Try a smaller learning rate (lr = %s now, e.g. %s).", loss, step, lr, lr / 4));
        this.step = step;
    }

    /**
     * Throws when {@code loss} is NaN or infinite, or larger than {@link #EXPLOSION_FACTOR} × {@code firstLoss}.
     *
     * @param step the 1-based step that produced {@code loss}
     * @param firstLoss the loss of step 1 (pass {@code loss} itself at step 1)
     * @param lr the learning rate, quoted in the message
     */
    public static void check(int step, double loss, double firstLoss, double lr) {
        if (!Double.isFinite(loss) || loss > EXPLOSION_FACTOR * firstLoss) {
            throw new TrainingDivergedException(step, loss, lr);
        }
    }

    /** The 1-based step at which the loss was first not finite or exploded. */
    public int step() {
        return step;
    }
}
