package org.diffusionlab.model;

import java.util.ArrayList;
import java.util.List;
import org.ejml.simple.SimpleMatrix;

/**
 * Gradient-norm clipping over all parameters together: with the global norm
 * ‖g‖ = √(Σ_p Σ_i g_{p,i}²) (one L2 norm over every element of every gradient), a step whose
 * ‖g‖ exceeds max_norm is scaled by max_norm/‖g‖, which keeps its direction and caps its length.
 * This is PyTorch's {@code clip_grad_norm_}; it guards against the rare huge gradient (for
 * example from a batch of tiny-t samples) without changing ordinary steps.
 */
public final class GradientClipping {

    private GradientClipping() {}

    /** ‖g‖ = √(Σ over every element of every matrix of g²). */
    public static double globalNorm(List<SimpleMatrix> gradients) {
        double sq = 0;
        for (SimpleMatrix g : gradients) {
            for (double x : g.getDDRM().data) sq += x * x;
        }
        return Math.sqrt(sq);
    }

    /**
     * The gradients, scaled by max_norm/‖g‖ when ‖g‖ &gt; max_norm.
     *
     * @param gradients any shapes
     * @param maxNorm &gt; 0 (may be +∞: never clip)
     * @return scaled copies when clipped, otherwise {@code gradients} itself
     */
    public static List<SimpleMatrix> clipByGlobalNorm(List<SimpleMatrix> gradients, double maxNorm) {
        if (!(maxNorm > 0)) {
            throw new IllegalArgumentException("maxNorm = " + maxNorm + " is invalid: must be > 0 (+Infinity disables clipping)");
        }
        double norm = globalNorm(gradients);
        if (!(norm > maxNorm)) {
            return gradients;
        }
        double scale = maxNorm / norm;
        List<SimpleMatrix> out = new ArrayList<>(gradients.size());
        for (SimpleMatrix g : gradients) out.add(g.scale(scale));
        return out;
    }
}
