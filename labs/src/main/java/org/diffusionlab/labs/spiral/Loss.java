package org.diffusionlab.labs.spiral;

import org.ejml.simple.SimpleMatrix;

/**
 * A loss value with its gradient with respect to the prediction (given).
 *
 * @param value the loss
 * @param grad ∂loss/∂pred, shaped like pred
 */
public record Loss(double value, SimpleMatrix grad) {

    /**
     * The notebook's mean squared error: value = mean over all n·d elements of (pred − target)², and
     * grad = 2·(pred − target)/n. (That gradient is d times ∂value/∂pred: the notebook divides by the
     * number of points only. Its learning rate was tuned with it, so we keep it.)
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
        return new Loss(diff.elementMult(diff).elementSum() / diff.getNumElements(), diff.scale(2.0 / pred.getNumRows()));
    }
}
