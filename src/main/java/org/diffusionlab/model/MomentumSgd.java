package org.diffusionlab.model;

import java.util.ArrayList;
import java.util.List;
import org.ejml.simple.SimpleMatrix;

/**
 * Gradient descent with (heavy-ball) momentum, exactly as in the minimal lab, for each parameter w
 * with gradient g and velocity v (v starts at 0):
 * <pre>
 *   v ← m·v − lr·g
 *   w ← w + v
 * </pre>
 */
public final class MomentumSgd implements Optimizer {

    private final double lr;
    private final double momentum;
    private List<SimpleMatrix> velocities;

    /**
     * @param lr learning rate, &gt; 0
     * @param momentum m in [0, 1)
     */
    public MomentumSgd(double lr, double momentum) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr = " + lr + " is invalid: must be finite and > 0");
        }
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum = " + momentum + " is invalid: must lie in [0, 1)");
        }
        this.lr = lr;
        this.momentum = momentum;
    }

    /**
     * One update of every parameter, in place.
     *
     * @param parameters the live parameter matrices (e.g. {@link Mlp#parameters()})
     * @param gradients same order and shapes
     */
    public void step(List<SimpleMatrix> parameters, List<SimpleMatrix> gradients) {
        if (parameters.size() != gradients.size()) {
            throw new IllegalArgumentException("gradients.size() = " + gradients.size()
                    + " is invalid: need one gradient per parameter (" + parameters.size() + ")");
        }
        for (int k = 0; k < parameters.size(); k++) {
            SimpleMatrix p = parameters.get(k), g = gradients.get(k);
            if (g.getNumRows() != p.getNumRows() || g.getNumCols() != p.getNumCols()) {
                throw new IllegalArgumentException("gradients[" + k + "] is " + g.getNumRows() + "x" + g.getNumCols()
                        + ", invalid: it must have the shape of parameters[" + k + "], " + p.getNumRows() + "x" + p.getNumCols());
            }
        }
        if (velocities == null) {
            velocities = new ArrayList<>();
            for (SimpleMatrix p : parameters) velocities.add(new SimpleMatrix(p.getNumRows(), p.getNumCols()));
        }
        for (int k = 0; k < parameters.size(); k++) {
            double[] w = parameters.get(k).getDDRM().data;
            double[] g = gradients.get(k).getDDRM().data;
            double[] v = velocities.get(k).getDDRM().data;
            for (int i = 0; i < parameters.get(k).getNumElements(); i++) {
                v[i] = momentum * v[i] - lr * g[i];
                w[i] += v[i];
            }
        }
    }

    /** One update of every parameter of {@code model}. */
    public void step(Mlp model, Mlp.Gradients gradients) {
        step(model.parameters(), gradients.asList());
    }

    /** The velocities (live), or an empty list before the first step. */
    public List<SimpleMatrix> velocities() {
        return velocities == null ? List.of() : velocities;
    }
}
