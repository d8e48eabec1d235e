package org.diffusionlab.labs.spiral;

import org.ejml.simple.SimpleMatrix;

/** Anything that predicts the noise ε̂(x_t, t) mixed into x_t (given). Time t is 1-based. */
public interface EpsilonModel {

    /**
     * ε̂(x_t, t) for a batch that shares one step t.
     *
     * @param xt noisy points, {@code n × d}
     * @param t the step, 1..T
     * @param T the number of steps of the schedule
     * @return the predicted noise, {@code n × d}
     */
    SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T);

    /** d, the dimension of a data point (2 for the spiral). */
    int dataDim();
}
