package org.diffusionlab.train;

/**
 * How the learning rate changes over K training steps: step k (1-based) uses lr·factor(k, K).
 * Decaying to almost 0 at the end lets the weights settle instead of jittering around the
 * minimum at the size of the last steps, which shows directly in sample quality.
 */
public enum LearningRateSchedule {

    /** factor = 1 at every step. */
    CONSTANT {
        @Override
        public double factor(int step, int steps) {
            check(step, steps);
            return 1.0;
        }
    },

    /** Cosine decay (Loshchilov &amp; Hutter, SGDR, without restarts): factor = ½·(1 + cos(π·(k − 1)/K)), 1 at k = 1, → 0 at k = K. */
    COSINE {
        @Override
        public double factor(int step, int steps) {
            check(step, steps);
            return 0.5 * (1 + Math.cos(Math.PI * (step - 1) / steps));
        }
    };

    /**
     * The multiplier of the base learning rate at a step.
     *
     * @param step k in 1..K
     * @param steps K ≥ 1
     * @return in (0, 1]
     */
    public abstract double factor(int step, int steps);

    private static void check(int step, int steps) {
        if (steps < 1 || step < 1 || step > steps) {
            throw new IllegalArgumentException("step = " + step + " of steps = " + steps
                    + " is invalid: need 1 <= step <= steps");
        }
    }
}
