package org.diffusionlab.train;

import org.diffusionlab.model.Adam;
import org.diffusionlab.model.MomentumSgd;
import org.diffusionlab.model.Optimizer;

/** Which {@link Optimizer} a {@link MiniBatchConfig} builds. */
public enum OptimizerChoice {

    /** {@link MomentumSgd} with momentum 0.9 (weight decay must be 0). */
    MOMENTUM_SGD,
    /** {@link Adam#adam}: β1 = 0.9, β2 = 0.999, ε = 1e-8 (weight decay must be 0). */
    ADAM,
    /** {@link Adam#adamW}: Adam with decoupled weight decay λ. */
    ADAMW;

    /** The momentum of {@link #MOMENTUM_SGD}. */
    public static final double SGD_MOMENTUM = 0.9;

    /**
     * A fresh optimizer.
     *
     * @param lr learning rate, &gt; 0
     * @param weightDecay λ ≥ 0; only {@link #ADAMW} uses it, the others require 0
     */
    public Optimizer create(double lr, double weightDecay) {
        if (this != ADAMW && weightDecay != 0) {
            throw new IllegalArgumentException("weightDecay = " + weightDecay + " is invalid for " + this
                    + ": only ADAMW decays weights, use 0");
        }
        return switch (this) {
            case MOMENTUM_SGD -> new MomentumSgd(lr, SGD_MOMENTUM);
            case ADAM -> Adam.adam(lr);
            case ADAMW -> Adam.adamW(lr, weightDecay);
        };
    }
}
