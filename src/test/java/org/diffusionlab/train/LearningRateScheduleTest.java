package org.diffusionlab.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.diffusionlab.model.MomentumSgd;
import org.diffusionlab.model.Optimizer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    @DisplayName("cosine decay is 1 at the first step, ½ halfway and ½(1 + cos(π(K−1)/K)) at the last")
    void cosineValues() {
        assertEquals(1.0, LearningRateSchedule.COSINE.factor(1, 100), 0.0);
        assertEquals(0.5, LearningRateSchedule.COSINE.factor(51, 100), 1e-15);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 99 / 100)), LearningRateSchedule.COSINE.factor(100, 100), 1e-15);
        assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(100, 100), 0.0);
        for (int k = 2; k <= 100; k++) {
            double f = LearningRateSchedule.COSINE.factor(k, 100);
            assertEquals(true, f > 0 && f < LearningRateSchedule.COSINE.factor(k - 1, 100), "k = " + k);
        }
    }

    @Test
    @DisplayName("steps outside 1..K are rejected; a fixed-rate optimizer refuses a new learning rate")
    void rejects() {
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.COSINE.factor(0, 10));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.CONSTANT.factor(11, 10));
        Optimizer sgd = new MomentumSgd(0.1, 0.9);
        assertThrows(UnsupportedOperationException.class, () -> sgd.setLearningRate(0.01));
        assertThrows(IllegalArgumentException.class, () -> OptimizerChoice.ADAM.create(1e-3, 0).setLearningRate(0));
        assertEquals(List.of(), ((MomentumSgd) sgd).velocities());
    }
}
