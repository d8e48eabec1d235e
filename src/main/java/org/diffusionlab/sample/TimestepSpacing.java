package org.diffusionlab.sample;

import java.util.Locale;

/**
 * Which S of the T steps a DDIM run visits: an increasing list τ_1 &lt; … &lt; τ_S of 1-based steps;
 * the sampler starts at τ_S and steps τ_i → τ_{i−1}, ending at τ_0 = 0 (ᾱ_0 = 1). The three
 * spacings of diffusers' schedulers ({@code timestep_spacing}), translated to this project's
 * 1-based t (diffusers' 0-based step k is t = k + 1 here):
 * <pre>
 *   TRAILING  τ_i = ⌊i·T/S⌋, i = 1..S                 always ends at τ_S = T; T = 10, S = 5: 2 4 6 8 10
 *   LEADING   τ_i = (i − 1)·⌊T/S⌋ + 1 + offset         diffusers' arange(0, S)·(T // S) + steps_offset;
 *                                                      T = 10, S = 5: 1 3 5 7 9 (offset 1: 2 4 6 8 10)
 *   LINSPACE  τ_i = round((i − 1)·(T − 1)/(S − 1)) + 1   round half to even, as NumPy's round;
 *                                                      T = 10, S = 5: 1 3 5 8 10
 * </pre>
 * LEADING never reaches T without an offset, so sampling starts from a step where x is not pure
 * noise (Lin et al. 2024, "Common diffusion noise schedules and sample steps are flawed", table 2,
 * which introduced TRAILING for that reason). diffusers steps from a timestep to
 * t − T // S rather than to the next listed step; both agree for TRAILING when S divides T and for
 * LEADING.
 */
public enum TimestepSpacing {
    TRAILING, LEADING, LINSPACE;

    /** "trailing", "leading" or "linspace". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TimestepSpacing parse(String s) {
        for (TimestepSpacing v : values()) {
            if (v.label().equalsIgnoreCase(s.trim())) return v;
        }
        throw new IllegalArgumentException("spacing = " + s + " is invalid: must be one of trailing, leading, linspace");
    }

    /**
     * τ_1..τ_S, increasing, each in 1..T.
     *
     * @param S steps in 1..T
     * @param offset added to every step by LEADING (≥ 0, keeping τ_S ≤ T); must be 0 for the others
     */
    public int[] steps(int T, int S, int offset) {
        if (T < 1) throw new IllegalArgumentException("T = " + T + " is invalid: must be >= 1");
        if (S < 1 || S > T) throw new IllegalArgumentException("S = " + S + " is invalid: must lie in [1, " + T + "]");
        if (offset < 0 || (offset > 0 && this != LEADING)) {
            throw new IllegalArgumentException("offset = " + offset + " is invalid: must be >= 0, and 0 unless the spacing is leading");
        }
        int[] tau = new int[S];
        for (int i = 1; i <= S; i++) {
            tau[i - 1] = switch (this) {
                case TRAILING -> (int) ((long) i * T / S);
                case LEADING -> (i - 1) * (T / S) + 1 + offset;
                case LINSPACE -> S == 1 ? 1 : (int) Math.rint((i - 1) * (double) (T - 1) / (S - 1)) + 1;
            };
        }
        if (tau[S - 1] > T) {
            throw new IllegalArgumentException("offset = " + offset + " is invalid: the last step " + tau[S - 1] + " would exceed T = " + T);
        }
        return tau;
    }
}
