package org.diffusionlab.model;

import org.ejml.simple.SimpleMatrix;

/** Anything that predicts the noise ε̂_θ(x_t, t) that was mixed into x_t. Time t is 1-based (1..T). */
public interface EpsilonModel {

    /**
     * ε̂_θ(x_t, t) for a batch that shares one step t.
     *
     * @param xt noisy points, {@code n × d}
     * @param t diffusion step in 1..T
     * @param T number of diffusion steps of the schedule the model was trained with
     * @return predicted noise, {@code n × d}
     */
    SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T);

    /** d, the dimension of a data point. */
    int dataDim();
}
