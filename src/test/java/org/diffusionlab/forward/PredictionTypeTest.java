package org.diffusionlab.forward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class PredictionTypeTest {

    @Test
    @DisplayName("for each prediction type, x0 of the exact target recovers x_0, and epsFromX0 recovers eps")
    void roundTrips() {
        NoiseSchedule s = NoiseSchedule.cosineBetaSchedule(50);
        double x0 = 0.7, eps = -1.3;
        for (int t : new int[] {1, 10, 25, 50}) {
            double xt = s.sqrtAlphaBar(t) * x0 + s.sqrtOneMinusAlphaBar(t) * eps;
            for (PredictionType p : PredictionType.values()) {
                double target = p.target(x0, eps, t, s);
                assertEquals(x0, p.x0(target, xt, t, s), 1e-9 / s.sqrtAlphaBar(t), p + " at t = " + t);
            }
            assertEquals(eps, PredictionType.epsFromX0(x0, xt, t, s), 1e-9, "t = " + t);
            // v = sqrt(ab)*eps - sqrt(1 - ab)*x0
            assertEquals(s.sqrtAlphaBar(t) * eps - s.sqrtOneMinusAlphaBar(t) * x0, PredictionType.V.target(x0, eps, t, s), 1e-15);
        }
    }

    @Test
    @DisplayName("parse accepts eps, x0, v in any case and names the allowed values otherwise")
    void parse() {
        assertEquals(PredictionType.V, PredictionType.parse("V"));
        assertEquals(PredictionType.X0, PredictionType.parse("x0"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PredictionType.parse("noise"));
        assertEquals("prediction = noise is invalid: must be one of eps, x0, v", e.getMessage());
    }
}
