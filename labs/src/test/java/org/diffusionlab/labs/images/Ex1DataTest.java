package org.diffusionlab.labs.images;

import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.data.Digits;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Graded against the core's {@link Digits#scale} on random raw images and on every pixel value 0..16. */
@Lab("images")
@DisplayName("Exercise 1: the digits, scaled to [−1, 1]")
class Ex1DataTest {

    private static int[][] raw(int images, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[][] r = new int[images][64];
        for (int[] row : r) for (int j = 0; j < row.length; j++) row[j] = rng.nextInt(17);
        return r;
    }

    private static void check(int[][] raw) {
        int[][] copy = new int[raw.length][];
        for (int i = 0; i < raw.length; i++) copy[i] = raw[i].clone();
        double[][] got = DigitsData.scale(raw);
        if (got == null || got.length != raw.length) {
            throw new AssertionError("scale should return one row per image (" + raw.length + "), got " + (got == null ? "null" : got.length));
        }
        for (int i = 0; i < raw.length; i++) {
            int len = raw[i].length;
            double[] expected = new double[len], unit = new double[len], intDiv = new double[len], notCentred = new double[len];
            for (int j = 0; j < len; j++) {
                expected[j] = Digits.scale(raw[i][j]);
                unit[j] = raw[i][j] / 16.0;
                intDiv[j] = raw[i][j] / 8 - 1;
                notCentred[j] = raw[i][j] / 8.0;
            }
            Map<String, double[]> mistakes = new java.util.LinkedHashMap<>();
            mistakes.put("these are in [0, 1] (v/16): the data must be centred like the noise, in [−1, 1] (v/8 − 1)", unit);
            mistakes.put("integer division: v / 8 on ints rounds down; divide by 8.0", intDiv);
            mistakes.put("these are in [0, 2] (v/8): subtract 1 to centre them in [−1, 1]", notCentred);
            Reference.assertClose("scale is wrong for image " + i, "raw = " + java.util.Arrays.toString(raw[i]), expected, got[i], mistakes);
            for (int j = 0; j < raw[i].length; j++) {
                if (raw[i][j] != copy[i][j]) throw new AssertionError("scale changed its input raw[" + i + "][" + j + "]");
            }
        }
    }

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("scale maps 0 → −1, 8 → 0, 16 → 1 and every value in between as v/8 − 1")
    void everyValue() {
        int[][] r = new int[1][17];
        for (int v = 0; v <= 16; v++) r[0][v] = v;
        check(r);
    }

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("scale matches the reference on random 8×8 images and leaves the input unchanged")
    void randomImages() {
        check(raw(20, 101));
        check(raw(1, 102));
    }
}
