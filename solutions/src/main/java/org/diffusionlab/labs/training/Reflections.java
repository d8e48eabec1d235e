package org.diffusionlab.labs.training;

/**
 * Exercise 5 — reflections. Write in your own words, in the text blocks below (at least 30 words
 * each). They are graded by a person: the graders only check that an answer is there and copy it into
 * the report. Run the walkthrough first; its heat map and its Adam vs SGD table are good evidence.
 */
public final class Reflections {

    private Reflections() {}

    /**
     * <b>TODO 5.1</b> (Time: ~10 min) — why a sinusoidal embedding instead of t/T? Look at the heat map:
     * what do the fast and the slow columns tell the network, and what would it have to learn from the
     * single number t/T?
     */
    public static final String WHY_SINUSOIDAL =
            // BEGIN SOLUTION "TODO 5.1: your answer here (at least 30 words)";
            """
            With t/T the network gets one number in which neighbouring steps differ by only 1/T, so to
            behave differently at t = 3 and t = 4 its first layer must build a very steep function of
            that one input, which a small MLP learns slowly. The sinusoidal code spreads t over many
            features: in the fast columns of the heat map neighbouring steps differ by up to a radian,
            so fine differences are easy to read, while the slow columns change almost linearly over
            1..T and give the coarse position. Every feature is bounded in [-1, 1] and the code has the
            same scale for every t, so no input dominates; and sin/cos pairs let a linear layer express
            shifts in t. The price: the features depend on the raw t, so the model is tied to its T.
            """;
            // END SOLUTION

    /**
     * <b>TODO 5.2</b> (Time: ~10 min) — what does Adam's bias correction fix in the first steps? Work
     * out m and v after step 1 with and without the correction (β1 = 0.9, β2 = 0.999), and say what
     * the first update would be in each case.
     */
    public static final String BIAS_CORRECTION =
            // BEGIN SOLUTION "TODO 5.2: your answer here (at least 30 words)";
            """
            m and v start at zero, so early on they are averages that still contain a lot of that zero.
            After step 1, m = 0.1 g and v = 0.001 g^2. Without correction the update is
            lr * 0.1 g / (0.0316 |g|), about 3.16 lr in the direction of the gradient sign, and the two
            biases decay at different speeds (1 - 0.9^k versus 1 - 0.999^k), so the effective step is
            too large for hundreds of steps before it settles. Dividing by 1 - beta1^k and 1 - beta2^k
            turns m and v into unbiased estimates of the mean and mean square of g, so the first update
            is exactly lr * g / |g| = lr per coordinate, and the step size is right from step one.
            The correction only matters early: after a few thousand steps both factors are 1.
            """;
            // END SOLUTION
}
