package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LossesTest {

    private static final SimpleMatrix PRED = new SimpleMatrix(new double[][] {{1, 2}, {3, 4}, {0, 0}});
    private static final SimpleMatrix TARGET = new SimpleMatrix(new double[][] {{0, 2}, {5, 3}, {1, -1}});

    @Test
    @DisplayName("MSE of a 3 × 2 example is the mean of the six squared differences and its grad is 2·diff/n")
    void handExample() {
        // diff = [[1, 0], [−2, 1], [−1, 1]]; squares sum to 1 + 0 + 4 + 1 + 1 + 1 = 8; 8 / 6 = 4/3.
        // grad = 2·diff / n with n = 3 rows.
        Losses.Loss loss = Losses.mse(PRED, TARGET);
        assertEquals(4.0 / 3.0, loss.value(), 1e-15, "MSE value");
        SimpleMatrix expected = new SimpleMatrix(new double[][] {{2.0 / 3, 0}, {-4.0 / 3, 2.0 / 3}, {-2.0 / 3, 2.0 / 3}});
        assertTrue(expected.isIdentical(loss.grad(), 1e-15), () -> "grad: expected\n" + expected + "got\n" + loss.grad());
    }

    @Test
    @DisplayName("the returned grad is d·∂MSE/∂pred (central differences; MSE is quadratic so they are exact up to rounding)")
    void gradIsDTimesDerivative() {
        int d = PRED.getNumCols();
        double h = 1e-6;
        SimpleMatrix grad = Losses.mse(PRED, TARGET).grad();
        for (int i = 0; i < PRED.getNumElements(); i++) {
            SimpleMatrix plus = PRED.copy(), minus = PRED.copy();
            plus.set(i, plus.get(i) + h);
            minus.set(i, minus.get(i) - h);
            double numeric = (Losses.mse(plus, TARGET).value() - Losses.mse(minus, TARGET).value()) / (2 * h);
            int idx = i;
            assertEquals(d * numeric, grad.get(i), 1e-8,
                    () -> "element " + idx + ": expected d·∂MSE/∂pred = " + d + "·" + numeric + ", got " + grad.get(idx));
        }
    }

    @Test
    @DisplayName("the MSE of identical matrices is 0 with a zero gradient")
    void zeroForIdentical() {
        Losses.Loss loss = Losses.mse(PRED, PRED.copy());
        assertEquals(0.0, loss.value(), "value");
        assertEquals(0.0, loss.grad().elementMaxAbs(), "largest |grad|");
    }

    @Test
    @DisplayName("pred and target of different shapes are rejected, giving both shapes")
    void rejectsShapeMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.mse(PRED, new SimpleMatrix(2, 3)));
        assertTrue(e.getMessage().contains("2x3") && e.getMessage().contains("3x2"), () -> "message: " + e.getMessage());
    }
}
