package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AdamTest {

    private static SimpleMatrix scalar(double v) {
        SimpleMatrix m = new SimpleMatrix(1, 1);
        m.set(0, 0, v);
        return m;
    }

    /**
     * w = 1, gradients 0.5 then −0.25, lr = 0.1, β1 = 0.9, β2 = 0.999, ε = 1e-8.
     * Step 1: m = 0.05, v = 0.00025, m̂ = 0.5, v̂ = 0.25, w = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.900000002.
     * Step 2: m = 0.045 − 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
     *         m̂ = 0.02/0.19 = 0.1052632, v̂ = 0.00031225/0.001999 = 0.1562031,
     *         w = 0.900000002 − 0.1·0.1052632/(0.3952253 + 1e-8) = 0.8733662987.
     */
    @Test
    @DisplayName("Adam's two steps match the hand computation of Algorithm 1 with bias correction")
    void adamTwoSteps() {
        SimpleMatrix w = scalar(1.0);
        Adam adam = Adam.adam(0.1);
        adam.step(List.of(w), List.of(scalar(0.5)));
        assertEquals(0.900000002, w.get(0, 0), 1e-12);
        adam.step(List.of(w), List.of(scalar(-0.25)));
        assertEquals(0.8733662987, w.get(0, 0), 1e-10);
        assertEquals(2, adam.stepCount());
    }

    /**
     * As above with λ = 0.1: each step first removes lr·λ·w = 0.01·w.
     * Step 1: w = 1 − 0.01 − 0.099999998 = 0.890000002.
     * Step 2: w = 0.890000002·0.99 − 0.0266337013 = 0.8544662987.
     */
    @Test
    @DisplayName("AdamW adds the decoupled decay lr·λ·w to the same two steps")
    void adamWTwoSteps() {
        SimpleMatrix w = scalar(1.0);
        Adam adamW = Adam.adamW(0.1, 0.1);
        adamW.step(List.of(w), List.of(scalar(0.5)));
        assertEquals(0.890000002, w.get(0, 0), 1e-12);
        adamW.step(List.of(w), List.of(scalar(-0.25)));
        assertEquals(0.8544662987, w.get(0, 0), 1e-10);
    }

    @Test
    @DisplayName("the first Adam step moves every weight by about lr, whatever the gradient's scale")
    void firstStepIsScaleFree() {
        SimpleMatrix w = new SimpleMatrix(1, 3);
        SimpleMatrix g = new SimpleMatrix(1, 3);
        g.set(0, 0, 1e-4);
        g.set(0, 1, -3.0);
        g.set(0, 2, 1e4);
        Adam.adam(0.01).step(List.of(w), List.of(g));
        assertEquals(-0.01, w.get(0, 0), 1e-6);
        assertEquals(0.01, w.get(0, 1), 1e-9);
        assertEquals(-0.01, w.get(0, 2), 1e-9);
    }

    @Test
    @DisplayName("bad hyper-parameters and mismatched gradients are rejected with the value named")
    void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> Adam.adam(0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(1e-3, 1.0, 0.999, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(1e-3, 0.9, -0.1, 1e-8, 0));
        assertThrows(IllegalArgumentException.class, () -> new Adam(1e-3, 0.9, 0.999, 0, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Adam.adamW(1e-3, -1));
        assertTrue(e.getMessage().contains("weightDecay = -1.0"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Adam.adam(0.1).step(List.of(scalar(1)), List.of(new SimpleMatrix(1, 2))));
    }

    @Test
    @DisplayName("MomentumSgd is an Optimizer: v ← m·v − lr·g, w ← w + v through the interface")
    void momentumSgdThroughInterface() {
        SimpleMatrix w = scalar(1.0);
        Optimizer sgd = new MomentumSgd(0.1, 0.5);
        sgd.step(List.of(w), List.of(scalar(2.0)));   // v = −0.2, w = 0.8
        sgd.step(List.of(w), List.of(scalar(2.0)));   // v = −0.1 − 0.2 = −0.3, w = 0.5
        assertEquals(0.5, w.get(0, 0), 1e-15);
    }
}
