package org.diffusionlab.model;

import java.util.ArrayList;
import java.util.List;
import org.ejml.simple.SimpleMatrix;

/**
 * An exponential moving average of parameters, θ̄ ← d·θ̄ + (1 − d)·θ after every optimizer step,
 * starting from θ̄ = θ at construction. Sampling from θ̄ instead of the last θ averages away the
 * step-to-step jitter of stochastic training (DDPM section 4 samples from an EMA with d = 0.9999);
 * θ̄ weighs the last ≈ 1/(1 − d) steps.
 */
public final class ExponentialMovingAverage {

    private final double decay;
    private final List<SimpleMatrix> averages;

    /**
     * @param parameters the live parameters; copied as the starting average
     * @param decay d in [0, 1) (0 keeps just the latest parameters)
     */
    public ExponentialMovingAverage(List<SimpleMatrix> parameters, double decay) {
        if (!(decay >= 0 && decay < 1)) {
            throw new IllegalArgumentException("decay = " + decay + " is invalid: must lie in [0, 1)");
        }
        this.decay = decay;
        this.averages = new ArrayList<>(parameters.size());
        for (SimpleMatrix p : parameters) averages.add(p.copy());
    }

    /**
     * θ̄ ← d·θ̄ + (1 − d)·θ, element-wise for every parameter.
     *
     * @param parameters same order and shapes as at construction
     */
    public void update(List<SimpleMatrix> parameters) {
        checkMatches(parameters);
        for (int p = 0; p < averages.size(); p++) {
            double[] avg = averages.get(p).getDDRM().data, w = parameters.get(p).getDDRM().data;
            for (int i = 0; i < avg.length; i++) avg[i] = decay * avg[i] + (1 - decay) * w[i];
        }
    }

    /** Overwrites {@code parameters} (in place) with the averages θ̄. */
    public void copyTo(List<SimpleMatrix> parameters) {
        checkMatches(parameters);
        for (int p = 0; p < averages.size(); p++) parameters.get(p).setTo(averages.get(p));
    }

    /** The averages θ̄ (live; same order as the parameters). */
    public List<SimpleMatrix> averages() {
        return averages;
    }

    private void checkMatches(List<SimpleMatrix> parameters) {
        if (parameters.size() != averages.size()) {
            throw new IllegalArgumentException("parameters.size() = " + parameters.size()
                    + " is invalid: the average was started with " + averages.size());
        }
        for (int p = 0; p < averages.size(); p++) {
            SimpleMatrix a = averages.get(p), w = parameters.get(p);
            if (a.getNumRows() != w.getNumRows() || a.getNumCols() != w.getNumCols()) {
                throw new IllegalArgumentException("parameter " + p + " is " + w.getNumRows() + "x" + w.getNumCols()
                        + ", invalid: its average is " + a.getNumRows() + "x" + a.getNumCols());
            }
        }
    }
}
