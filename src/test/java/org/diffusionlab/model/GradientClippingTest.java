package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GradientClippingTest {

    /** Two gradients, (3) and (0, 4): global norm √(9 + 16) = 5 although neither alone exceeds 4. */
    private static List<SimpleMatrix> threeFour() {
        return List.of(new SimpleMatrix(new double[][] {{3}}), new SimpleMatrix(new double[][] {{0, 4}}));
    }

    @Test
    @DisplayName("the global norm is one L2 norm over every element of every gradient")
    void globalNorm() {
        assertEquals(5.0, GradientClipping.globalNorm(threeFour()), 1e-15);
    }

    @Test
    @DisplayName("above max_norm every gradient is scaled by max_norm/‖g‖, so the new global norm is max_norm")
    void clipsAbove() {
        List<SimpleMatrix> g = threeFour();
        List<SimpleMatrix> clipped = GradientClipping.clipByGlobalNorm(g, 2.5);
        assertArrayEquals(new double[] {1.5}, clipped.get(0).getDDRM().data, 1e-15);
        assertArrayEquals(new double[] {0, 2.0}, clipped.get(1).getDDRM().data, 1e-15);
        assertEquals(2.5, GradientClipping.globalNorm(clipped), 1e-15);
        assertArrayEquals(new double[] {3}, g.get(0).getDDRM().data, 0.0, "the input is not modified");
    }

    @Test
    @DisplayName("at or below max_norm the gradients are returned unchanged")
    void keepsBelow() {
        List<SimpleMatrix> g = threeFour();
        assertSame(g, GradientClipping.clipByGlobalNorm(g, 5.0));
        assertSame(g, GradientClipping.clipByGlobalNorm(g, Double.POSITIVE_INFINITY));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(g, 0));
        assertThrows(IllegalArgumentException.class, () -> GradientClipping.clipByGlobalNorm(g, Double.NaN));
    }
}
