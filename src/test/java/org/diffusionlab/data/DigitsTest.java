package org.diffusionlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DigitsTest {

    @Test
    @DisplayName("the shipped digits are 1797 8x8 images in [-1, 1] with labels 0..9, about 180 per digit")
    void shippedDigits() {
        ImageSet all = Digits.all();
        assertEquals(1797, all.size());
        assertEquals(64, all.pixels());
        double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
        for (double[] x : all.images()) {
            for (double v : x) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertEquals(-1.0, min);
        assertEquals(1.0, max);
        for (int c : all.labelCounts()) assertTrue(c >= 170 && c <= 190, "count " + c);
        // first line of the file: a 0 whose first row is 0,0,5,13,9,1,0,0
        assertEquals(0, all.labels()[0]);
        assertEquals(Digits.scale(5), all.images()[0][2]);
        assertEquals(13 / 8.0 - 1, all.images()[0][3], 1e-15);
    }

    @Test
    @DisplayName("the split is fixed: every fifth image of each digit held out, disjoint, 34 to 36 per digit")
    void fixedSplit() {
        ImageSet train = Digits.train(), held = Digits.heldOut();
        assertEquals(Digits.TRAIN, train.size());
        assertEquals(Digits.HELD_OUT, held.size());
        assertEquals(1797, train.size() + held.size());
        assertArrayEquals(new int[] {35, 36, 35, 36, 36, 36, 36, 35, 34, 36}, held.labelCounts());
        Set<double[]> trainRows = new HashSet<>(java.util.Arrays.asList(train.images()));
        for (double[] x : held.images()) assertTrue(!trainRows.contains(x));
    }

    @Test
    @DisplayName("scale maps the counts 0, 8, 16 to -1, 0, 1 and rejects 17")
    void scale() {
        assertEquals(-1.0, Digits.scale(0));
        assertEquals(0.0, Digits.scale(8));
        assertEquals(1.0, Digits.scale(16));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Digits.scale(17));
        assertTrue(e.getMessage().contains("v = 17"), e.getMessage());
    }

    @Test
    @DisplayName("downscale by 2 averages 2x2 blocks per channel")
    void downscale() {
        double[] x = new double[16];
        for (int i = 0; i < 16; i++) x[i] = i / 16.0;
        ImageSet s = new ImageSet("t", new double[][] {x}, new int[] {0}, 1, 4, 4, 1).downscale(2);
        assertEquals(2, s.height());
        assertEquals(2, s.width());
        // block (0,0) holds pixels 0,1,4,5
        assertEquals((0 + 1 + 4 + 5) / 64.0, s.images()[0][0], 1e-15);
        assertEquals((10 + 11 + 14 + 15) / 64.0, s.images()[0][3], 1e-15);
        assertThrows(IllegalArgumentException.class, () -> s.downscale(3));
    }
}
