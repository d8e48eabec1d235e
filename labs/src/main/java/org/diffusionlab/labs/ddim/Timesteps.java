package org.diffusionlab.labs.ddim;

/**
 * Exercise 1 — which timesteps a DDIM sampler visits when it uses S &lt; T steps.
 *
 * <p>The model was trained on t = 1..T (1-based, as in the DDPM paper). DDIM (Song et al. 2021,
 * section 4.2) samples along a sub-sequence τ_1 &lt; τ_2 &lt; … &lt; τ_S of 1..T and jumps from τ_i
 * straight to τ_{i−1}. We use the evenly spaced ("trailing") choice τ_i = ⌊i·T/S⌋, so that the
 * last one is τ_S = T: sampling starts at the fully noised level the model was trained for. The
 * step from τ_1 lands on τ_0 = 0, the clean data, where ᾱ_0 = 1.
 *
 * <p>Worked example, T = 10, S = 5: τ = [2, 4, 6, 8, 10] and the chain visits 10 → 8 → 6 → 4 → 2 → 0.
 * Arrays are 0-based: τ_i is {@code tau[i - 1]}.
 */
public final class Timesteps {

    private Timesteps() {}

    /**
     * <b>TODO 1.1</b> (Time: ~15 min) — the S sampling timesteps τ_i = ⌊i·T/S⌋ for i = 1..S.
     *
     * <p>The result is increasing, starts at ⌊T/S⌋ ≥ 1 and ends at τ_S = T. For S = T it is 1, 2, …, T
     * (every step: DDPM's schedule of steps); for S = 1 it is the single step [T].
     *
     * <p>Hint: integer division does the floor for non-negative ints; compute {@code i * T} before you
     * divide (T/S first would round too early). Bad T or S: throw an IllegalArgumentException that names
     * the parameter, its value and the valid range (T ≥ 1, 1 ≤ S ≤ T).
     *
     * @return τ_1..τ_S at indices 0..S−1
     */
    public static int[] timesteps(int T, int S) {
        throw new UnsupportedOperationException("TODO 1.1: timesteps: tau_i = floor(i*T/S) for i = 1..S");
    }

    /**
     * <b>TODO 1.2</b> (Time: ~10 min) — the previous timestep of each τ_i: prev[i − 1] = τ_{i−1}, with
     * τ_0 = 0.
     *
     * <p>For T = 10, S = 5 the timesteps are [2, 4, 6, 8, 10] and their previous timesteps are
     * [0, 2, 4, 6, 8]. The sampler's step from τ_i uses ᾱ of the previous timestep, and ᾱ_0 = 1
     * (no noise left) — so the last step must land on 0, not on 1 and not on τ_1 again.
     *
     * <p>Hint: the inputs are T and S, not an array: recompute τ with the same formula as 1.1 (i = 0
     * gives 0). Validate T and S as in 1.1.
     *
     * @return τ_0..τ_{S−1} at indices 0..S−1 (prev[i − 1] is the timestep the step from τ_i lands on)
     */
    public static int[] previous(int T, int S) {
        throw new UnsupportedOperationException("TODO 1.2: previous: the timestep before each tau_i, tau_0 = 0");
    }
}
