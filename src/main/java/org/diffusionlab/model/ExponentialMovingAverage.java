package org.diffusionlab.model;

import java.util.ArrayList;
import java.util.List;
import org.ejml.simple.SimpleMatrix;

/**
 * An exponential moving average of parameters, updated after every optimizer step, with the
 * initial-value bias removed (as Adam does for its moments). After k updates with parameters
 * θ_1..θ_k,
 * <pre>
 *   θ̄_k = Σ_{j=1..k} (1 − d)·d^{k−j}·θ_j / (1 − d^k)
 * </pre>
 * computed as θ̄_k = d_k·θ̄_{k−1} + (1 − d_k)·θ_k with d_k = d·(1 − d^{k−1})/(1 − d^k) (so d_1 = 0 and
 * d_k → d). Sampling from θ̄ instead of the last θ averages away the step-to-step jitter of
 * stochastic training (DDPM section 4 samples from an EMA with d = 0.9999); θ̄ weighs the last
 * ≈ 1/(1 − d) steps. Why the correction: the plain average started at the initial weights still
 * holds d^k of them after k steps (0.74 after 300 steps at d = 0.999), and an untrained network
 * predicts ε̂ ≈ 0, which a schedule with a tiny ᾱ_T amplifies into exploded samples. Before the
 * first update θ̄ is the parameters given at construction.
 */
public final class ExponentialMovingAverage {

    private final double decay;
    private final List<SimpleMatrix> averages;
    /** d^k after k updates. */
    private double decayPower = 1;

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
     * θ̄_k = d_k·θ̄_{k−1} + (1 − d_k)·θ_k, d_k = d·(1 − d^{k−1})/(1 − d^k), element-wise for every
     * parameter (see the class comment).
     *
     * @param parameters θ_k, same order and shapes as at construction
     */
    public void update(List<SimpleMatrix> parameters) {
        checkMatches(parameters);
        double previous = decayPower;
        decayPower *= decay;
        double dk = decay * (1 - previous) / (1 - decayPower);
        for (int p = 0; p < averages.size(); p++) {
            double[] avg = averages.get(p).getDDRM().data, w = parameters.get(p).getDDRM().data;
            for (int i = 0; i < avg.length; i++) avg[i] = dk * avg[i] + (1 - dk) * w[i];
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
