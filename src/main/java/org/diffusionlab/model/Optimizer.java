package org.diffusionlab.model;

import java.util.List;
import org.ejml.simple.SimpleMatrix;

/**
 * A first-order optimizer: updates parameters in place from their gradients, keeping whatever
 * state it needs (velocities, moment estimates) between calls. Implementations:
 * {@link MomentumSgd}, {@link Adam} (Adam and AdamW).
 */
public interface Optimizer {

    /**
     * One update of every parameter, in place. The first call fixes the list of parameters: later
     * calls must pass the same matrices in the same order.
     *
     * @param parameters the live parameter matrices (e.g. {@link DeepMlp#parameters()})
     * @param gradients ∂L/∂θ in the same order and shapes
     */
    void step(List<SimpleMatrix> parameters, List<SimpleMatrix> gradients);

    /**
     * Changes the learning rate used by later steps (for a learning-rate schedule). Optimizers
     * with a fixed learning rate, such as the minimal lab's {@link MomentumSgd}, do not support it.
     *
     * @param lr the new learning rate, &gt; 0 and finite
     * @throws UnsupportedOperationException if this optimizer's learning rate is fixed
     */
    default void setLearningRate(double lr) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has a fixed learning rate");
    }
}
