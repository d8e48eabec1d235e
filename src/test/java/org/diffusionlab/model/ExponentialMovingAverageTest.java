package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ExponentialMovingAverageTest {

    @Test
    @DisplayName("θ̄ is the bias-corrected average Σ (1 − d)·d^{k−j}·θ_j / (1 − d^k) (three steps by hand)")
    void threeSteps() {
        SimpleMatrix w = new SimpleMatrix(new double[][] {{100.0, -100.0}});
        ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(w), 0.5);
        assertArrayEquals(new double[] {100.0, -100.0}, ema.averages().get(0).getDDRM().data, 0.0);
        w.setTo(new SimpleMatrix(new double[][] {{4.0, 0.0}}));
        ema.update(List.of(w));          // k = 1: the initial weights are forgotten, θ̄ = θ_1
        assertArrayEquals(new double[] {4.0, 0.0}, ema.averages().get(0).getDDRM().data, 1e-15);
        w.setTo(new SimpleMatrix(new double[][] {{1.0, 3.0}}));
        ema.update(List.of(w));          // k = 2: (0.25·θ_1 + 0.5·θ_2) / 0.75 = (2, 2)
        assertArrayEquals(new double[] {2.0, 2.0}, ema.averages().get(0).getDDRM().data, 1e-14);
        w.setTo(new SimpleMatrix(new double[][] {{9.0, -5.0}}));
        ema.update(List.of(w));          // k = 3: (0.125·θ_1 + 0.25·θ_2 + 0.5·θ_3) / 0.875 = (6, −2)
        assertArrayEquals(new double[] {6.0, -2.0}, ema.averages().get(0).getDDRM().data, 1e-14);
        ema.copyTo(List.of(w));
        assertArrayEquals(new double[] {6.0, -2.0}, w.getDDRM().data, 1e-14);
    }

    @Test
    @DisplayName("after many steps θ̄ approaches the plain recursion θ̄ ← d·θ̄ + (1 − d)·θ")
    void approachesPlainAverage() {
        double d = 0.9;
        SimpleMatrix w = new SimpleMatrix(1, 1);
        ExponentialMovingAverage ema = new ExponentialMovingAverage(List.of(w), d);
        double plain = 0, sumWeights = 0, weighted = 0;
        for (int k = 1; k <= 300; k++) {
            w.set(0, 0, Math.sin(k));
            ema.update(List.of(w));
            plain = d * plain + (1 - d) * w.get(0, 0);
            weighted = d * weighted + (1 - d) * w.get(0, 0);
            sumWeights = d * sumWeights + (1 - d);
        }
        assertEquals(weighted / sumWeights, ema.averages().get(0).get(0, 0), 1e-12);
        // the correction 1/(1 − d^300) differs from 1 by 2e-14
        assertEquals(plain, ema.averages().get(0).get(0, 0), 1e-12);
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
