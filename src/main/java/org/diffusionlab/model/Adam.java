package org.diffusionlab.model;

import java.util.ArrayList;
import java.util.List;
import org.ejml.simple.SimpleMatrix;

/**
 * Adam (Kingma &amp; Ba 2015, Algorithm 1) with optional decoupled weight decay, i.e. AdamW
 * (Loshchilov &amp; Hutter 2019, Algorithm 2). For each parameter w with gradient g, first and
 * second moments m, v (both start at 0) and the step count k = 1, 2, …:
 * <pre>
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²                    (element-wise)
 *   m̂ = m / (1 − β1^k),   v̂ = v / (1 − β2^k)  (bias correction: m and v start at 0)
 *   w ← w − lr·λ·w − lr·m̂ / (√v̂ + ε)
 * </pre>
 * λ = 0 is plain Adam. With λ &gt; 0 the decay is <em>decoupled</em>: it shrinks w directly instead
 * of adding λ·w to g, so it is not divided by √v̂ (which would decay rarely-updated weights
 * most). The decay is lr·λ·w as in PyTorch's {@code AdamW}, and applies to every parameter,
 * biases included.
 */
public final class Adam implements Optimizer {

    private double lr;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private List<SimpleMatrix> m;
    private List<SimpleMatrix> v;
    private int k;

    /**
     * @param lr learning rate, &gt; 0 and finite
     * @param beta1 decay of the first moment, in [0, 1) (0.9 usually)
     * @param beta2 decay of the second moment, in [0, 1) (0.999 usually)
     * @param epsilon added to √v̂, &gt; 0 (1e-8 usually)
     * @param weightDecay λ ≥ 0 (0 for Adam; 0.01 is PyTorch's AdamW default)
     */
    public Adam(double lr, double beta1, double beta2, double epsilon, double weightDecay) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr = " + lr + " is invalid: must be finite and > 0");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new IllegalArgumentException("beta1 = " + beta1 + " is invalid: must lie in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta2 = " + beta2 + " is invalid: must lie in [0, 1)");
        }
        if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon = " + epsilon + " is invalid: must be finite and > 0");
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay = " + weightDecay + " is invalid: must be finite and >= 0");
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    /** Adam with β1 = 0.9, β2 = 0.999, ε = 1e-8 and no weight decay. */
    public static Adam adam(double lr) {
        return new Adam(lr, 0.9, 0.999, 1e-8, 0.0);
    }

    /** AdamW: β1 = 0.9, β2 = 0.999, ε = 1e-8 and decoupled weight decay λ. */
    public static Adam adamW(double lr, double weightDecay) {
        return new Adam(lr, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** One update (class comment) of every parameter, in place. */
    @Override
    public void step(List<SimpleMatrix> parameters, List<SimpleMatrix> gradients) {
        if (parameters.size() != gradients.size()) {
            throw new IllegalArgumentException("gradients.size() = " + gradients.size()
                    + " is invalid: need one gradient per parameter (" + parameters.size() + ")");
        }
        if (m == null) {
            m = new ArrayList<>();
            v = new ArrayList<>();
            for (SimpleMatrix p : parameters) {
                m.add(new SimpleMatrix(p.getNumRows(), p.getNumCols()));
                v.add(new SimpleMatrix(p.getNumRows(), p.getNumCols()));
            }
        }
        if (parameters.size() != m.size()) {
            throw new IllegalArgumentException("parameters.size() = " + parameters.size()
                    + " is invalid: this optimizer was started with " + m.size() + " parameters");
        }
        k++;
        double correction1 = 1 - Math.pow(beta1, k);
        double correction2 = 1 - Math.pow(beta2, k);
        for (int p = 0; p < parameters.size(); p++) {
            SimpleMatrix param = parameters.get(p), grad = gradients.get(p);
            if (grad.getNumRows() != param.getNumRows() || grad.getNumCols() != param.getNumCols()) {
                throw new IllegalArgumentException("gradient " + p + " is " + grad.getNumRows() + "x" + grad.getNumCols()
                        + ", invalid: its parameter is " + param.getNumRows() + "x" + param.getNumCols());
            }
            double[] w = param.getDDRM().data, g = grad.getDDRM().data;
            double[] mp = m.get(p).getDDRM().data, vp = v.get(p).getDDRM().data;
            for (int i = 0; i < param.getNumElements(); i++) {
                mp[i] = beta1 * mp[i] + (1 - beta1) * g[i];
                vp[i] = beta2 * vp[i] + (1 - beta2) * g[i] * g[i];
                double mHat = mp[i] / correction1, vHat = vp[i] / correction2;
                w[i] -= lr * weightDecay * w[i] + lr * mHat / (Math.sqrt(vHat) + epsilon);
            }
        }
    }

    @Override
    public void setLearningRate(double lr) {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("lr = " + lr + " is invalid: must be finite and > 0");
        }
        this.lr = lr;
    }

    /** The number of steps taken so far, k. */
    public int stepCount() {
        return k;
    }

    public double lr() {
        return lr;
    }

    public double weightDecay() {
        return weightDecay;
    }
}
