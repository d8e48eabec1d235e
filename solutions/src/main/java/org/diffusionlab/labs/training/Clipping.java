package org.diffusionlab.labs.training;

import java.util.List;
import org.ejml.simple.SimpleMatrix;

/** Exercise 3 — gradient clipping by the global norm (PyTorch's {@code clip_grad_norm_}). */
public final class Clipping {

    private Clipping() {}

    /**
     * <b>TODO 3.1</b> (Time: ~15 min) — cap the length of the whole gradient step.
     *
     * <p>The global norm is one L2 norm over every element of every gradient,
     * ‖g‖ = √(Σ_p Σ_i g_{p,i}²). When ‖g‖ &gt; maxNorm, multiply every gradient by maxNorm/‖g‖ (in
     * place), which keeps the direction and makes the new global norm exactly maxNorm; otherwise leave
     * the gradients unchanged.
     *
     * <p>Hint: one sum over all matrices, not one norm per matrix (clipping each matrix on its own
     * changes the direction of the step). Compute the norm before you scale anything.
     *
     * @param gradients any shapes; scaled in place when clipped
     * @param maxNorm &gt; 0
     * @return ‖g‖ before clipping
     * @throws IllegalArgumentException if maxNorm ≤ 0 (or NaN), naming the value
     */
    public static double clipByGlobalNorm(List<SimpleMatrix> gradients, double maxNorm) {
        // BEGIN SOLUTION throw new UnsupportedOperationException("TODO 3.1: clipByGlobalNorm: scale all gradients by maxNorm/||g|| when ||g|| > maxNorm");
        if (!(maxNorm > 0)) throw new IllegalArgumentException("maxNorm = " + maxNorm + " is invalid: must be > 0");
        double sq = 0;
        for (SimpleMatrix g : gradients) {
            for (double x : g.getDDRM().data) sq += x * x;
        }
        double norm = Math.sqrt(sq);
        if (norm > maxNorm) {
            double scale = maxNorm / norm;
            for (SimpleMatrix g : gradients) {
                double[] d = g.getDDRM().data;
                for (int i = 0; i < d.length; i++) d[i] *= scale;
            }
        }
        return norm;
        // END SOLUTION
    }
}
