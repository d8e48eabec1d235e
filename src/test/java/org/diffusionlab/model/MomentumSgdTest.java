package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MomentumSgdTest {

    @Test
    @DisplayName("two momentum steps (lr 0.1, m 0.9) match the update worked out by hand")
    void twoStepsByHand() {
        SimpleMatrix w = new SimpleMatrix(new double[][] {{1.0, -2.0}});
        SimpleMatrix u = new SimpleMatrix(new double[][] {{0.5}, {3.0}});
        MomentumSgd sgd = new MomentumSgd(0.1, 0.9);
        assertTrue(sgd.velocities().isEmpty(), "velocities before the first step");

        // Step 1, v starts at 0:  v = −0.1·g1
        //   w: g1 = [0.5, −1.0] → v = [−0.05, 0.1],  w = [0.95, −1.9]
        //   u: g1 = [2.0; 0.0]  → v = [−0.2; 0.0],   u = [0.3; 3.0]
        sgd.step(List.of(w, u), List.of(new SimpleMatrix(new double[][] {{0.5, -1.0}}),
                new SimpleMatrix(new double[][] {{2.0}, {0.0}})));
        assertMatrix(new double[][] {{0.95, -1.9}}, w, "w after step 1");
        assertMatrix(new double[][] {{0.3}, {3.0}}, u, "u after step 1");
        assertMatrix(new double[][] {{-0.05, 0.1}}, sgd.velocities().get(0), "v_w after step 1");

        // Step 2:  v = 0.9·v − 0.1·g2
        //   w: g2 = [0.2, 0.4]  → v = [−0.045 − 0.02, 0.09 − 0.04] = [−0.065, 0.05],  w = [0.885, −1.85]
        //   u: g2 = [0.0; −1.0] → v = [−0.18; 0.1],                               u = [0.12; 3.1]
        sgd.step(List.of(w, u), List.of(new SimpleMatrix(new double[][] {{0.2, 0.4}}),
                new SimpleMatrix(new double[][] {{0.0}, {-1.0}})));
        assertMatrix(new double[][] {{0.885, -1.85}}, w, "w after step 2");
        assertMatrix(new double[][] {{0.12}, {3.1}}, u, "u after step 2");
        assertMatrix(new double[][] {{-0.065, 0.05}}, sgd.velocities().get(0), "v_w after step 2");
        assertMatrix(new double[][] {{-0.18}, {0.1}}, sgd.velocities().get(1), "v_u after step 2");
    }

    @Test
    @DisplayName("with momentum 0 a step is plain gradient descent, w ← w − lr·g")
    void zeroMomentumIsPlainSgd() {
        SimpleMatrix w = new SimpleMatrix(new double[][] {{1.0, 2.0}});
        MomentumSgd sgd = new MomentumSgd(0.5, 0.0);
        sgd.step(List.of(w), List.of(new SimpleMatrix(new double[][] {{1.0, -1.0}})));
        sgd.step(List.of(w), List.of(new SimpleMatrix(new double[][] {{1.0, -1.0}})));
        assertMatrix(new double[][] {{0.0, 3.0}}, w, "w after two steps of 0.5·[1, −1]");
    }

    @Test
    @DisplayName("step(Mlp, Gradients) updates the six parameters in the order W1, b1, W2, b2, W3, b3")
    void mlpOverloadUsesParameterOrder() {
        Mlp mlp = Mlp.init(2, 3, 1, 0.5, 0.1, new java.util.SplittableRandom(4));
        Mlp before = mlp.copy();
        List<SimpleMatrix> params = mlp.parameters();
        SimpleMatrix[] g = new SimpleMatrix[6];
        for (int k = 0; k < 6; k++) {
            g[k] = new SimpleMatrix(params.get(k).getNumRows(), params.get(k).getNumCols());
            g[k].fill(k + 1);
        }
        new MomentumSgd(0.01, 0.9).step(mlp, new Mlp.Gradients(g[0], g[1], g[2], g[3], g[4], g[5], null));
        for (int k = 0; k < 6; k++) {
            // First step from v = 0: w ← w − lr·g.
            SimpleMatrix expected = before.parameters().get(k).minus(g[k].scale(0.01));
            SimpleMatrix actual = params.get(k);
            String name = Mlp.parameterNames().get(k);
            assertTrue(expected.isIdentical(actual, 1e-15), () -> name + ": expected\n" + expected + "got\n" + actual);
        }
    }

    @ParameterizedTest(name = "lr = {0}")
    @ValueSource(doubles = {0.0, -0.1, Double.NaN, Double.POSITIVE_INFINITY})
    @DisplayName("a learning rate that is not finite and positive is rejected, naming lr and its value")
    void rejectsBadLr(double lr) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MomentumSgd(lr, 0.9));
        assertTrue(e.getMessage().contains("lr = " + lr), () -> "message: " + e.getMessage());
    }

    @ParameterizedTest(name = "momentum = {0}")
    @ValueSource(doubles = {1.0, -0.1, 1.5, Double.NaN})
    @DisplayName("a momentum outside [0, 1) is rejected, naming momentum and its value")
    void rejectsBadMomentum(double momentum) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MomentumSgd(0.1, momentum));
        assertTrue(e.getMessage().contains("momentum = " + momentum), () -> "message: " + e.getMessage());
    }

    @Test
    @DisplayName("a missing gradient or a gradient shaped unlike its parameter (even with as many elements) is rejected")
    void rejectsMismatchedGradients() {
        SimpleMatrix w = new SimpleMatrix(new double[][] {{1.0, 2.0, 3.0}});
        MomentumSgd sgd = new MomentumSgd(0.1, 0.9);
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> sgd.step(List.of(w, w), List.of(new SimpleMatrix(1, 3))));
        assertTrue(count.getMessage().contains("gradients.size() = 1"), () -> "message: " + count.getMessage());
        // A transposed gradient has the right number of elements but would update the wrong weights.
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> sgd.step(List.of(w), List.of(new SimpleMatrix(3, 1))));
        assertTrue(shape.getMessage().contains("3x1") && shape.getMessage().contains("1x3"),
                () -> "the message should give both shapes: " + shape.getMessage());
        assertMatrix(new double[][] {{1.0, 2.0, 3.0}}, w, "w after rejected steps");
    }

    private static void assertMatrix(double[][] expected, SimpleMatrix actual, String what) {
        SimpleMatrix e = new SimpleMatrix(expected);
        assertEquals(e.getNumRows(), actual.getNumRows(), what + ": rows");
        assertEquals(e.getNumCols(), actual.getNumCols(), what + ": cols");
        assertTrue(e.isIdentical(actual, 1e-12), () -> what + ": expected\n" + e + "got\n" + actual);
    }
}
