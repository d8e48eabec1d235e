package org.diffusionlab.labs.spiral;

import java.util.Arrays;
import org.ejml.simple.SimpleMatrix;

/**
 * What the training loop needs from a network (given). {@link Network} implements it; the graders of
 * exercise 5 plug in the reference network here, so a bug in exercise 4 does not cost you exercise 5.
 */
public interface TrainableModel extends EpsilonModel {

    /** The forward pass on network inputs {@code n × in}: the output and what backward needs. */
    Network.Output forward(SimpleMatrix x);

    /** The gradients of a loss L given G = ∂L/∂out, using the cache of the matching forward pass. */
    Network.Gradients backward(Network.Cache cache, SimpleMatrix gradOut);

    /** One momentum update of every parameter, in place. */
    void step(Network.Gradients gradients, double lr, double momentum);

    /** ε̂(x_t, t) = the network applied to the rows [x_t, t/T]. */
    @Override
    default SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
        int[] ts = new int[xt.getNumRows()];
        Arrays.fill(ts, t);
        return forward(Network.timeInput(xt, ts, T)).out();
    }
}
