package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExponentialMovingAverageTest {

    @Test
    @DisplayName("θ̄ starts at θ and follows θ̄ ← d·θ̄ + (1 − d)·θ (two steps by hand)")
    void twoSteps() {
        SimpleMatrix w = new SimpleMatrix(new double[][] {{1.0, -2.0}});
        ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(w), 0.75);
        w.setTo(new SimpleMatrix(new double[][] {{5.0, 2.0}}));
        ema.update(List.of(w));          // 0.75·(1, −2) + 0.25·(5, 2) = (2, −1)
        assertArrayEquals(new double[] {2.0, -1.0}, ema.averages().get(0).getDDRM().data, 1e-15);
        w.setTo(new SimpleMatrix(new double[][] {{6.0, 3.0}}));
        ema.update(List.of(w));          // 0.75·(2, −1) + 0.25·(6, 3) = (3, 0)
        assertArrayEquals(new double[] {3.0, 0.0}, ema.averages().get(0).getDDRM().data, 1e-15);
        ema.copyTo(List.of(w));
        assertArrayEquals(new double[] {3.0, 0.0}, w.getDDRM().data, 1e-15);
    }

    @Test
    @DisplayName("a decay outside [0, 1) and mismatched parameters are rejected")
    void rejectsBadInput() {
        SimpleMatrix w = new SimpleMatrix(1, 2);
        assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingAverage(List.of(w), 1.0));
        assertThrows(IllegalArgumentException.class, () -> new ExponentialMovingAverage(List.of(w), -0.1));
        ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(w), 0.5);
        assertThrows(IllegalArgumentException.class, () -> ema.update(List.of(new SimpleMatrix(2, 1))));
        assertThrows(IllegalArgumentException.class, () -> ema.update(List.of(w, w)));
    }
}
