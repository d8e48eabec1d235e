package org.diffusionlab.labs.ddim;

import org.ejml.simple.SimpleMatrix;

/** A distance between two samples of points (n × d matrices, one point per row), e.g. a sliced W1. */
@FunctionalInterface
public interface SampleDistance {
    double between(SimpleMatrix a, SimpleMatrix b);
}
