package org.diffusionlab.labs.ddim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.metrics.DistributionMetrics;
import org.diffusionlab.metrics.Wasserstein;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("ddim")
@DisplayName("Exercise 4: a metric beside its noise floor")
class Ex4NoiseFloorTest {

    private static final SampleDistance SW1 = Wasserstein::sliced;

    private static void checkReport(SampleDistance metric, SimpleMatrix gen, SimpleMatrix a, SimpleMatrix b, String input) {
        Wasserstein.Floor expected = DistributionMetrics.withFloor(metric::between, gen, a, b);
        NoiseFloor got = NoiseFloor.report(metric, gen, a, b);
        String msg = "report is wrong\n  input: " + input + "\n  expected: value " + expected.value() + ", floor " + expected.floor()
                + ", ratio " + expected.ratio() + "\n  got:      value " + got.value() + ", floor " + got.floor() + ", ratio " + got.ratio();
        if (Feedback.close(expected.floor(), got.value()) && Feedback.close(expected.value(), got.floor())) {
            msg += "\n  likely mistake: value and floor are swapped; value compares generated with realA, the floor realB with realA";
        } else if (Feedback.close(1 / expected.ratio(), got.ratio())) {
            msg += "\n  likely mistake: the ratio is value / floor, not floor / value";
        }
        assertTrue(Feedback.close(expected.value(), got.value()) && Feedback.close(expected.floor(), got.floor())
                && Feedback.close(expected.ratio(), got.ratio()), msg);
    }

    @Test
    @Graded(exercise = "4.1", points = 1)
    @DisplayName("report matches the reference for the sliced W1 of a shifted sample")
    void matchesReference() {
        SplittableRandom rng = new SplittableRandom(41);
        for (double shift : new double[] {0.0, 0.3, 2.0}) {
            SimpleMatrix gen = Reference.gaussian(300, 2, rng).plus(shift), a = Reference.gaussian(300, 2, rng), b = Reference.gaussian(300, 2, rng);
            checkReport(SW1, gen, a, b, "300 points each, generated = N(0, I) + " + shift + ", realA, realB ~ N(0, I), metric = sliced W1");
        }
    }

    @Test
    @Graded(exercise = "4.1", points = 1)
    @DisplayName("report keeps the argument order: metric(generated, realA) and metric(realB, realA)")
    void argumentOrder() {
        SplittableRandom rng = new SplittableRandom(42);
        // not symmetric on purpose: mean of the first column of the first argument minus twice that of the second
        SampleDistance lopsided = (x, y) -> Math.abs(x.extractVector(false, 0).elementSum() / x.getNumRows()
                - 2 * y.extractVector(false, 0).elementSum() / y.getNumRows());
        SimpleMatrix gen = Reference.gaussian(50, 2, rng).plus(1), a = Reference.gaussian(50, 2, rng).plus(3), b = Reference.gaussian(50, 2, rng);
        checkReport(lopsided, gen, a, b, "an asymmetric metric |mean(x₀) − 2·mean(y₀)|: the order of the arguments matters");
    }

    @Test
    @Graded(exercise = "4.1", points = 0.5)
    @DisplayName("generated = realA gives value 0 and ratio 0; generated = realB gives ratio 1")
    void knownAnswers() {
        SplittableRandom rng = new SplittableRandom(43);
        SimpleMatrix a = Reference.gaussian(200, 2, rng), b = Reference.gaussian(200, 2, rng);
        NoiseFloor same = NoiseFloor.report(SW1, a, a, b);
        assertEquals(0.0, same.value(), 1e-12, "generated = realA (a copy of the data) should have value 0, got " + same.value());
        assertEquals(0.0, same.ratio(), 1e-12, "generated = realA should have ratio 0, got " + same.ratio()
                + " — note: a ratio far below 1 means the model copies its training data, not that it is better than data");
        NoiseFloor fresh = NoiseFloor.report(SW1, b, a, b);
        assertEquals(1.0, fresh.ratio(), 1e-12, "generated = realB (a fresh real sample) should score exactly the floor, ratio 1, got "
                + fresh.ratio());
    }

    @Test
    @Graded(exercise = "4.1", points = 0.5)
    @DisplayName("report rejects samples of different sizes and a zero floor (realA and realB the same points)")
    void rejectsBadInput() {
        SplittableRandom rng = new SplittableRandom(44);
        SimpleMatrix a = Reference.gaussian(100, 2, rng), b = Reference.gaussian(100, 2, rng), small = Reference.gaussian(50, 2, rng);
        assertThrows(IllegalArgumentException.class, () -> NoiseFloor.report(SW1, small, a, b),
                "report with 50 generated points and 100 real ones should throw an IllegalArgumentException: the floor must be at the same n");
        assertThrows(IllegalArgumentException.class, () -> NoiseFloor.report(SW1, a, small, b),
                "report with realA of 50 rows and realB of 100 should throw an IllegalArgumentException");
        assertThrows(IllegalArgumentException.class, () -> NoiseFloor.report(SW1, b, a, a),
                "report with realB = realA (floor 0) should throw an IllegalArgumentException: the two real samples must be independent");
    }
}
