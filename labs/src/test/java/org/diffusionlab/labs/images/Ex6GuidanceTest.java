package org.diffusionlab.labs.images;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.model.image.LabelEmbedding;
import org.diffusionlab.sample.ImageSampler;
import org.diffusionlab.train.ImageTrainer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Classifier-free guidance as the core's {@link ImageSampler} combines the two halves of its batch
 * (f̃ = f_∅ + w·(f_y − f_∅)), and label dropout as {@link ImageTrainer} draws it (one
 * {@code nextDouble() < p} per label, in order).
 */
@Lab("images")
@DisplayName("Exercise 6: classifier-free guidance")
class Ex6GuidanceTest {

    @Test
    @Graded(exercise = "6.1", points = 1)
    @DisplayName("guided = ε̂_∅ + w·(ε̂_y − ε̂_∅) for w = 2, 7.5, 0.3, 0, 1; w = 1 is the conditional, w = 0 the unconditional")
    void guided() {
        long seed = 600;
        // w = 2 first: at w = 0 the swapped and the paper's formula both give ε̂_y, so their hints could not be told apart
        for (double w : new double[] {2, 7.5, 0.3, 0, 1}) {
            double[] cond = Reference.randn(64, 1, seed++), uncond = Reference.randn(64, 1, seed++);
            double[] expected = new double[64], swapped = new double[64], paper = new double[64], sign = new double[64], noBase = new double[64];
            for (int i = 0; i < 64; i++) {
                expected[i] = uncond[i] + w * (cond[i] - uncond[i]);
                swapped[i] = cond[i] + w * (uncond[i] - cond[i]);
                paper[i] = cond[i] + w * (cond[i] - uncond[i]);
                sign[i] = uncond[i] - w * (cond[i] - uncond[i]);
                noBase[i] = w * (cond[i] - uncond[i]);
            }
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            mistakes.put("the two predictions are swapped: start from the unconditional ε̂_∅ and move towards ε̂_y", swapped);
            mistakes.put("the guidance sign is flipped: move towards ε̂_y, + w·(ε̂_y − ε̂_∅)", sign);
            mistakes.put("the unconditional base is missing: ε̃ = ε̂_∅ + w·(ε̂_y − ε̂_∅)", noBase);
            mistakes.put("that is the paper's convention (1 + w)·ε̂_y − w·ε̂_∅; this course uses ε̂_∅ + w·(ε̂_y − ε̂_∅), w = 1 conditional", paper);
            Reference.assertClose("Guidance.guided is wrong (w = " + w + ")", "w = " + w, expected, Guidance.guided(cond, uncond, w), mistakes);
        }
    }

    private static int[] labels(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) y[i] = rng.nextInt(10);
        return y;
    }

    @Test
    @Graded(exercise = "6.2", points = 1)
    @DisplayName("dropLabels makes exactly the reference's draws (p = 0.1, 0.5), leaves the input unchanged and the random state as the reference")
    void dropout() {
        for (double p : new double[] {0.1, 0.5}) {
            int[] y = labels(200, 610), copy = y.clone();
            SplittableRandom mine = new SplittableRandom(611), ref = new SplittableRandom(611);
            int[] expected = new int[y.length];
            for (int i = 0; i < y.length; i++) expected[i] = ref.nextDouble() < p ? LabelEmbedding.NO_LABEL : y[i];
            int[] got = Guidance.dropLabels(y, p, mine);
            if (!Arrays.equals(copy, y)) throw new AssertionError("Guidance.dropLabels changed its input labels");
            if (!Arrays.equals(expected, got)) {
                String slip = dropSlip(y, p, got);
                if (slip != null) throw new AssertionError("Guidance.dropLabels is wrong (p = " + p + ")\n  likely mistake: " + slip);
                int dropped = 0;
                for (int v : got == null ? new int[0] : got) if (v == Guidance.NO_LABEL) dropped++;
                throw new AssertionError("Guidance.dropLabels is wrong (p = " + p + "): expected " + Arrays.toString(Arrays.copyOf(expected, 12))
                        + "…, got " + (got == null ? "null" : Arrays.toString(Arrays.copyOf(got, Math.min(12, got.length))) + "…")
                        + "; you dropped " + dropped + " of " + y.length + " (about " + Math.round(p * y.length) + " expected)."
                        + " Draw one rng.nextDouble() per label, in order, and drop when it is < p");
            }
            if (mine.nextLong() != ref.nextLong()) throw new AssertionError("Guidance.dropLabels drew a different number of random values: one nextDouble() per label");
        }
    }

    /** Names the slip when {@code got} is what a known wrong dropout makes from the seed 611, else null. */
    private static String dropSlip(int[] y, double p, int[] got) {
        int n = y.length;
        int[] inverted = new int[n], zero = new int[n], reversed = new int[n];
        SplittableRandom a = new SplittableRandom(611), b = new SplittableRandom(611), c = new SplittableRandom(611);
        for (int i = 0; i < n; i++) {
            inverted[i] = a.nextDouble() < p ? y[i] : Guidance.NO_LABEL;
            zero[i] = b.nextDouble() < p ? 0 : y[i];
        }
        for (int i = n - 1; i >= 0; i--) reversed[i] = c.nextDouble() < p ? Guidance.NO_LABEL : y[i];
        if (Arrays.equals(inverted, got)) return "the comparison is inverted: drop (NO_LABEL) when rng.nextDouble() < p, keep otherwise";
        if (Arrays.equals(zero, got)) return "a dropped label is NO_LABEL (−1), not 0 (0 is the digit zero)";
        if (Arrays.equals(reversed, got)) return "the draws go in index order: label 0 gets the first rng.nextDouble()";
        return null;
    }

    @Test
    @Graded(exercise = "6.2", points = 0.5)
    @DisplayName("dropLabels keeps every label at p = 0 and drops every label at p = 1")
    void extremes() {
        int[] y = labels(50, 620);
        int[] none = new int[50];
        Arrays.fill(none, Guidance.NO_LABEL);
        for (double p : new double[] {0, 1}) {
            SplittableRandom mine = new SplittableRandom(1), ref = new SplittableRandom(1);
            int[] got = Guidance.dropLabels(y, p, mine);
            if (!Arrays.equals(p == 0 ? y : none, got)) {
                throw new AssertionError(p == 0 ? "Guidance.dropLabels with p = 0 must keep every label" : "Guidance.dropLabels with p = 1 must drop every label (NO_LABEL = −1)");
            }
            for (int i = 0; i < y.length; i++) ref.nextDouble();
            if (mine.nextLong() != ref.nextLong()) {
                throw new AssertionError("Guidance.dropLabels with p = " + p + " drew a different number of random values: one nextDouble() per label, "
                        + "even when p is 0 or 1 (the draws that follow must not depend on p)");
            }
        }
    }
}
