package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TimeEmbeddingTest {

    @Test
    @DisplayName("the scalar embedding is t/T, one column, and [x_t, e(t)] equals Mlp.timeInput")
    void scalar() {
        SimpleMatrix e = ScalarTimeEmbedding.INSTANCE.encode(new int[] {1, 50, 200}, 200);
        assertEquals(3, e.getNumRows());
        assertEquals(1, e.getNumCols());
        assertArrayEquals(new double[] {0.005, 0.25, 1.0}, e.getDDRM().data, 0.0);
        SimpleMatrix xt = ForwardProcess.gaussian(3, 2, new SplittableRandom(1));
        int[] t = {7, 1, 10};
        SimpleMatrix viaEmbedding = xt.concatColumns(ScalarTimeEmbedding.INSTANCE.encode(t, 10));
        assertArrayEquals(Mlp.timeInput(xt, t, 10).getDDRM().data, viaEmbedding.getDDRM().data, 0.0);
    }

    @Test
    @DisplayName("the sinusoidal embedding uses ω_j = 10000^(−j/h): sines first, then cosines of ω_j·t")
    void sinusoidalValues() {
        SinusoidalTimeEmbedding emb = new SinusoidalTimeEmbedding(4);
        // h = 2: ω_0 = 1, ω_1 = 10000^(−1/2) = 0.01
        assertArrayEquals(new double[] {1.0, 0.01}, emb.frequencies(), 1e-15);
        SimpleMatrix e = emb.encode(new int[] {1, 3}, 100);
        assertEquals(2, e.getNumRows());
        assertEquals(4, e.getNumCols());
        double[] row0 = {Math.sin(1), Math.sin(0.01), Math.cos(1), Math.cos(0.01)};
        double[] row1 = {Math.sin(3), Math.sin(0.03), Math.cos(3), Math.cos(0.03)};
        for (int j = 0; j < 4; j++) {
            assertEquals(row0[j], e.get(0, j), 1e-15, "t = 1, column " + j);
            assertEquals(row1[j], e.get(1, j), 1e-15, "t = 3, column " + j);
        }
    }

    @Test
    @DisplayName("sinusoidal features lie on unit circles (sin² + cos² = 1) and tell neighbouring steps apart")
    void sinusoidalShape() {
        SinusoidalTimeEmbedding emb = new SinusoidalTimeEmbedding(32);
        assertEquals(32, emb.dimension());
        int T = 100;
        int[] t = new int[T];
        for (int i = 0; i < T; i++) t[i] = i + 1;
        SimpleMatrix e = emb.encode(t, T);
        assertEquals(T, e.getNumRows());
        assertEquals(32, e.getNumCols());
        for (int i = 0; i < T; i++) {
            for (int j = 0; j < 16; j++) {
                double s = e.get(i, j), c = e.get(i, 16 + j);
                assertEquals(1.0, s * s + c * c, 1e-12);
            }
            if (i > 0) {
                // the fastest pair turns by 1 radian per step: chord length 2·sin(1/2) ≈ 0.96
                double distance = e.extractVector(true, i).minus(e.extractVector(true, i - 1)).normF();
                assertTrue(distance > 0.9, "steps " + i + " and " + (i + 1) + " are only " + distance + " apart");
            }
        }
    }

    @Test
    @DisplayName("bad dimensions and steps outside 1..T are rejected with the value named")
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> new SinusoidalTimeEmbedding(3));
        assertThrows(IllegalArgumentException.class, () -> new SinusoidalTimeEmbedding(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SinusoidalTimeEmbedding(8).encode(new int[] {1, 0}, 10));
        assertTrue(e.getMessage().contains("t[1] = 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScalarTimeEmbedding.INSTANCE.encode(new int[] {11}, 10));
    }
}
