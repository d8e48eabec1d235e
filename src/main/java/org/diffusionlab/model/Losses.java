package org.diffusionlab.model;

import org.ejml.simple.SimpleMatrix;

/** Training losses. */
public final class Losses {

    private Losses() {}

    /** A loss value with its gradient with respect to the prediction. */
    public record Loss(double value, SimpleMatrix grad) {}

    /**
     * Mean squared error over all n·d elements, MSE = (1/(n·d)) Σ_{i,j} (pred_ij − target_ij)², and
     * the lab's gradient G = 2·(pred − target)/n.
     *
     * <p>G is the exact gradient of d·MSE = (1/n) Σ_i ‖pred_i − target_i‖² (squared error summed
     * over a point's d coordinates, averaged over points), i.e. d times ∂MSE/∂pred. The minimal
     * lab's learning rate was tuned with this scaling, so we keep it and say so.
     *
     * @param pred {@code n × d}
     * @param target {@code n × d}
     */
    public static Loss mse(SimpleMatrix pred, SimpleMatrix target) {
        if (pred.getNumRows() != target.getNumRows() || pred.getNumCols() != target.getNumCols()) {
            throw new IllegalArgumentException("target is " + target.getNumRows() + "x" + target.getNumCols()
                    + ", invalid: must match pred, " + pred.getNumRows() + "x" + pred.getNumCols());
        }
        SimpleMatrix diff = pred.minus(target);
        double value = diff.elementMult(diff).elementSum() / diff.getNumElements();
        return new Loss(value, diff.scale(2.0 / pred.getNumRows()));
    }
}
