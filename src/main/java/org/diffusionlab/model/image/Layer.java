package org.diffusionlab.model.image;

import java.util.List;

/**
 * A layer with one input: y = f(x; θ). See the package comment for the forward/backward protocol.
 */
public interface Layer {

    /** y = f(x; θ); remembers what {@link #backward} needs. */
    Tensor forward(Tensor x);

    /**
     * Given dL/dy for the last forward, adds dL/dθ into the parameters' gradients and returns dL/dx.
     */
    Tensor backward(Tensor dy);

    /** θ, in a fixed order (empty for layers without parameters). */
    List<Parameter> parameters();
}
