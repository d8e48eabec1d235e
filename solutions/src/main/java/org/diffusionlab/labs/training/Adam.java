package org.diffusionlab.labs.training;

import java.util.ArrayList;
import java.util.List;
import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 2 — Adam (Kingma &amp; Ba 2015, Algorithm 1) and AdamW's decoupled weight decay
 * (Loshchilov &amp; Hutter 2019). The state is given: one first moment m and one second moment v per
 * parameter, both starting at 0, and the step count k (0 before the first step).
 */
public final class Adam {

    private final double lr;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final List<SimpleMatrix> m = new ArrayList<>();
    private final List<SimpleMatrix> v = new ArrayList<>();
    private int k;

    /**
     * @param parameters the parameters this optimizer will update (only their shapes are read here)
     * @param lr learning rate, &gt; 0
     * @param beta1 decay of the first moment, in [0, 1) (0.9 usually)
     * @param beta2 decay of the second moment, in [0, 1) (0.999 usually)
     * @param epsilon added to √v̂, &gt; 0 (1e-8 usually)
     * @param weightDecay λ ≥ 0 (0 for plain Adam)
     */
    public Adam(List<SimpleMatrix> parameters, double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        if (!(lr > 0)) throw new IllegalArgumentException("lr = " + lr + " is invalid: must be > 0");
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 = " + beta1 + " is invalid: must lie in [0, 1)");
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 = " + beta2 + " is invalid: must lie in [0, 1)");
        if (!(epsilon > 0)) throw new IllegalArgumentException("epsilon = " + epsilon + " is invalid: must be > 0");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay = " + weightDecay + " is invalid: must be >= 0");
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        for (SimpleMatrix p : parameters) {
            m.add(new SimpleMatrix(p.getNumRows(), p.getNumCols()));
            v.add(new SimpleMatrix(p.getNumRows(), p.getNumCols()));
        }
    }

    /** Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8, no weight decay. */
    public static Adam adam(List<SimpleMatrix> parameters, double lr) {
        return new Adam(parameters, lr, 0.9, 0.999, 1e-8, 0.0);
    }

    /** AdamW: β1 = 0.9, β2 = 0.999, ε = 1e-8 and decoupled weight decay λ. */
    public static Adam adamW(List<SimpleMatrix> parameters, double lr, double weightDecay) {
        return new Adam(parameters, lr, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** The number of steps taken so far, k. */
    public int stepCount() {
        return k;
    }

    /**
     * <b>TODO 2.1</b> (Time: ~30 min) — one Adam(W) step, updating every parameter in place.
     *
     * <p>First k ← k + 1 (k is the 1-based step count). Then for each parameter w (the p-th of the
     * list, with gradient g, moments m and v, all the same shape), element by element:
     * <pre>
     *   m ← β1·m + (1 − β1)·g
     *   v ← β2·v + (1 − β2)·g²
     *   m̂ = m / (1 − β1^k),   v̂ = v / (1 − β2^k)        (bias correction)
     *   w ← w − lr·λ·w − lr·m̂ / (√v̂ + ε)
     * </pre>
     * With λ = 0 this is Adam. The decay term lr·λ·w is AdamW's <em>decoupled</em> weight decay: it
     * uses w from before this step and is not added to g (so it is not divided by √v̂).
     *
     * <p>Hint: keep m and v in the fields {@code m} and {@code v} (they start at 0 and persist between
     * steps); {@code matrix.getDDRM().data} is the flat array of a SimpleMatrix, read and written in place.
     * ε goes outside the square root.
     *
     * @param parameters the same number and shapes as given to the constructor; updated in place
     * @param gradients one gradient per parameter, same shapes; not modified
     */
    public void step(List<SimpleMatrix> parameters, List<SimpleMatrix> gradients) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 2.1: step: Adam moments, bias correction and decoupled weight decay");
        if (parameters.size() != m.size() || gradients.size() != m.size()) {
            throw new IllegalArgumentException("parameters.size() = " + parameters.size() + ", gradients.size() = "
                    + gradients.size() + " is invalid: this optimizer was built for " + m.size() + " parameters");
        }
        k++;
        double correction1 = 1 - Math.pow(beta1, k);
        double correction2 = 1 - Math.pow(beta2, k);
        for (int p = 0; p < parameters.size(); p++) {
            double[] w = parameters.get(p).getDDRM().data, g = gradients.get(p).getDDRM().data;
            double[] mp = m.get(p).getDDRM().data, vp = v.get(p).getDDRM().data;
            for (int i = 0; i < mp.length; i++) {
                mp[i] = beta1 * mp[i] + (1 - beta1) * g[i];
                vp[i] = beta2 * vp[i] + (1 - beta2) * g[i] * g[i];
                double mHat = mp[i] / correction1, vHat = vp[i] / correction2;
                w[i] -= lr * weightDecay * w[i] + lr * mHat / (Math.sqrt(vHat) + epsilon);
            }
        }
        // END SOLUTION
    }
}
