package org.diffusionlab.labs.training;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("training")
@DisplayName("Exercise 1: the sinusoidal time embedding")
class Ex1EmbeddingTest {

    /** A wrong embedding: ω_j = 10000^(−j/(h − denominatorShift)) applied to (t + shift)·argScale, in the given layout. */
    private static SimpleMatrix variant(int[] t, int k, double denominatorShift, double argScale, boolean interleaved, boolean cosFirst,
                                        boolean integerExponent, int shift) {
        int h = k / 2;
        SimpleMatrix wrong = new SimpleMatrix(t.length, k);
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < h; j++) {
                double exponent = integerExponent ? -(j / h) : -(double) j / (h - denominatorShift);
                double a = Math.pow(10000.0, exponent) * (t[i] + shift) * argScale;
                int sinCol = interleaved ? 2 * j : (cosFirst ? h + j : j);
                int cosCol = interleaved ? 2 * j + 1 : (cosFirst ? j : h + j);
                wrong.set(i, sinCol, Math.sin(a));
                wrong.set(i, cosCol, Math.cos(a));
            }
        }
        return wrong;
    }

    static void check(int[] t, int k, int T) {
        SimpleMatrix expected = new SinusoidalTimeEmbedding(k).encode(t, T);
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        mistakes.put("the embedding is applied to the raw 1-based t, not to t/T", variant(t, k, 0, 1.0 / T, false, false, false, 0));
        mistakes.put("sines and cosines are interleaved; the convention is all h sines first (columns 0..h−1), then all h cosines",
                variant(t, k, 0, 1, true, false, false, 0));
        mistakes.put("cosines came first; the convention is sines in columns 0..h−1, cosines in columns h..2h−1",
                variant(t, k, 0, 1, false, true, false, 0));
        mistakes.put("integer division in the exponent: −j/h must be computed in double, else every ω_j is 1 (or 10000^−0)",
                variant(t, k, 0, 1, false, false, true, 0));
        if (k > 2) {
            mistakes.put("the frequencies use 10000^(−j/(h−1)) (so the slowest is exactly 1/10000); here ω_j = 10000^(−j/h)",
                    variant(t, k, 1, 1, false, false, false, 0));
        }
        mistakes.put("t is 1-based: use t as given, not t − 1", variant(t, k, 0, 1, false, false, false, -1));
        SimpleMatrix rising = new SimpleMatrix(t.length, k);
        for (int i = 0; i < t.length; i++) {
            for (int j = 0; j < k / 2; j++) {
                double a = Math.pow(10000.0, (double) j / (k / 2)) * t[i];
                rising.set(i, j, Math.sin(a));
                rising.set(i, k / 2 + j, Math.cos(a));
            }
        }
        mistakes.put("the frequencies must fall with j: ω_j = 10000^(−j/h), with a minus sign in the exponent", rising);
        StringBuilder input = new StringBuilder("k = " + k + ", t = ");
        input.append(t.length <= 8 ? java.util.Arrays.toString(t) : "[" + t[0] + ", " + t[1] + ", …] (" + t.length + " steps)");
        Feedback.assertMatrix("sinusoidal(t, " + k + ") is wrong", input.toString(), expected, TimeEmbedding.sinusoidal(t.clone(), k), mistakes);
    }

    @Test
    @Graded(exercise = "1.1", points = 1.5)
    @DisplayName("sinusoidal matches the reference for t = 1..100, k = 32")
    void fullTable() {
        int[] t = new int[100];
        for (int i = 0; i < 100; i++) t[i] = i + 1;
        check(t, 32, 100);
    }

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("sinusoidal matches the reference on random steps and dimensions")
    void randomSteps() {
        SplittableRandom rng = new SplittableRandom(11);
        for (int trial = 0; trial < 5; trial++) {
            int T = rng.nextInt(10, 1001), k = 2 * rng.nextInt(2, 33);
            int[] t = rng.ints(rng.nextInt(1, 20), 1, T + 1).toArray();
            check(t, k, T);
        }
    }

    @Test
    @Graded(exercise = "1.1", points = 0.5)
    @DisplayName("with k = 2 the embedding is [sin t, cos t] and has one row per step")
    void smallest() {
        int[] t = {1, 2, 50};
        SimpleMatrix got = TimeEmbedding.sinusoidal(t, 2);
        SimpleMatrix expected = new SimpleMatrix(new double[][] {
                {Math.sin(1), Math.cos(1)}, {Math.sin(2), Math.cos(2)}, {Math.sin(50), Math.cos(50)}});
        Map<String, SimpleMatrix> mistakes = new LinkedHashMap<>();
        mistakes.put("cos came before sin: column 0 is sin(ω_0·t), column h is cos(ω_0·t)", new SimpleMatrix(new double[][] {
                {Math.cos(1), Math.sin(1)}, {Math.cos(2), Math.sin(2)}, {Math.cos(50), Math.sin(50)}}));
        Feedback.assertMatrix("sinusoidal(t, 2) should be [sin t, cos t] per row (h = 1, ω_0 = 10000^0 = 1)",
                "k = 2, t = [1, 2, 50]", expected, got, mistakes);
    }
}
