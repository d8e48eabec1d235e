package org.diffusionlab.labs.images;

/**
 * Exercise 8 — reflections. Write in your own words in the text blocks below (at least 30 words
 * each, 60 for the report). They are graded by a person: the graders only check that each answer is
 * there and copy it into the report. Run the walkthrough first; its numbers make good evidence.
 */
public final class Reflections {

    private Reflections() {}

    /**
     * <b>TODO 8.1</b> (Time: ~10 min) — the range. Why scale the digits to [−1, 1] and not to [0, 1]?
     * What would go wrong with [0, 1], in the forward process and when clipping x̂0?
     */
    public static final String SCALING =
            // BEGIN SOLUTION "TODO 8.1: your answer here (at least 30 words)";
            """
            The forward process mixes the image with standard normal noise, which has mean 0 and is
            symmetric. Data in [-1, 1] is centred like the noise and uses the same scale, so the
            signal-to-noise ratio means what the schedule intends. With [0, 1] the data has mean about
            0.3 and half the spread: the signal is weaker at every t than the schedule says, the mean
            offset is a bias the network must learn to remove, and clipping x0_hat to [-1, 1] would
            allow half of its range for values that never occur (or, clipped to [0, 1], a boundary
            that is also the most common pixel value, black).
            """;
            // END SOLUTION

    /**
     * <b>TODO 8.2</b> (Time: ~10 min) — clipping x̂0. Why does clipping x̂0 to [−1, 1] help most at the
     * first reverse steps? Use the walkthrough's numbers (the largest |x̂0| without clipping).
     */
    public static final String CLIP_X0 =
            // BEGIN SOLUTION "TODO 8.2: your answer here (at least 30 words)";
            """
            At large t, alpha_bar_t is tiny, so x0_hat = (x_t - sqrt(1 - alpha_bar_t) eps_hat) /
            sqrt(alpha_bar_t) divides the error of eps_hat by a small number: at t = T of the cosine
            schedule (alpha_bar_T = 2.4e-7) the factor is about 2000, and the walkthrough printed a
            largest |x0_hat| of 1557 at t = T with the trained U-Net and w = 2. The posterior mean then
            pulls x_{t-1} towards an impossible image, and the error compounds: with --clip false the
            samples ended about 2000 away from any training digit. Every real pixel lies in [-1, 1], so
            clipping only removes error; late in sampling x0_hat is already in range and clipping does
            nothing.
            """;
            // END SOLUTION

    /**
     * <b>TODO 8.3</b> (Time: ~10 min) — guidance. What does a guidance weight w &gt; 1 buy, and what does
     * it cost? What do w = 0 and w = 1 give?
     */
    public static final String GUIDANCE =
            // BEGIN SOLUTION "TODO 8.3: your answer here (at least 30 words)";
            """
            w = 0 is the unconditional model and w = 1 the plain conditional one. A weight above 1
            extrapolates along the direction the label adds, which sharpens p(x | y) towards images the
            label explains best: samples are more clearly the requested digit (the judge reads more of
            them as their label). The cost is diversity and faithfulness to the data distribution: the
            strokes become more uniform, large w saturates pixels and the Frechet distance to real data
            grows again. Guidance trades variety for legibility.
            """;
            // END SOLUTION

    /**
     * <b>TODO 8.4</b> (Time: ~10 min) — the Fréchet floor. The walkthrough prints the Fréchet distance of
     * the samples to held-out digits (on the judge's features) beside the distance of training digits to
     * the same held-out digits.
     * What does that floor measure, why is it not 0, and how should a value below the floor be read?
     */
    public static final String FRECHET_FLOOR =
            // BEGIN SOLUTION "TODO 8.4: your answer here (at least 30 words)";
            """
            The floor is the distance between two independent sets of real digits of the same size:
            it is what sampling noise alone gives, because the mean and covariance of 128 features
            estimated from 100 images are far from exact (the floor was 10.4 here). It is not 0 for a
            finite n and it falls as n grows, so a value means something only beside it, at the same
            n. A value at or below the floor (0.95 of it at w = 2) says the metric cannot tell the
            samples from real digits at this n; it does not say they are new, which is why the
            walkthrough also compares each sample's distance to its nearest training digit.
            """;
            // END SOLUTION

    /**
     * <b>TODO 8.5</b> (Time: ~40 min) — the experiments report. Run the walkthrough with two settings
     * of your choice (e.g. {@code --guidance 0}, {@code 1}, {@code 4}; {@code --clip false}; {@code --T 20}; {@code --steps 150})
     * and report what you changed, what you measured (the printed numbers, the grids) and what you
     * learned, at least 60 words.
     */
    public static final String EXPERIMENTS_REPORT =
            // BEGIN SOLUTION "TODO 8.5: your experiments report here (at least 60 words)";
            """
            Experiment 1, guidance, at seed 42 with the same trained U-Net (500 steps). With w = 0
            (unconditional) the judge read only 13 % of the samples as the row's label and the
            feature Frechet distance was 1.22 of the floor; w = 1 gave 90 % and 0.80; w = 2 gave
            100 % and 0.95. So the label only takes hold with w >= 1, and going from 1 to 2 buys the
            last 10 % of legibility at the price of variety: the distance rises again and the grid
            looks more uniform. Experiment 2, clipping: with --clip false at w = 2 the first x0_hat
            reached 1557, the samples blew up (median distance to a training digit 2140 instead of
            2.3, Frechet distance in the millions), yet the judge still read 98 % as their label,
            because its argmax only needs the right direction. I learned that clipping is what
            makes an eps-network usable at the first steps, and that one number (accuracy) can
            hide a broken sampler: read several metrics, each beside its floor.
            """;
            // END SOLUTION
}
