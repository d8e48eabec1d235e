package org.diffusionlab.labs.training;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.model.GradientClipping;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("training")
@DisplayName("Exercise 3: gradient clipping by the global norm")
class Ex3ClippingTest {

    private static List<SimpleMatrix> copies(List<SimpleMatrix> ms) {
        List<SimpleMatrix> out = new ArrayList<>();
        for (SimpleMatrix m : ms) out.add(m.copy());
        return out;
    }

    /** The per-matrix mistake: each matrix clipped by its own norm. */
    private static List<SimpleMatrix> perMatrix(List<SimpleMatrix> g, double maxNorm) {
        List<SimpleMatrix> out = new ArrayList<>();
        for (SimpleMatrix m : g) {
            double n = m.normF();
            out.add(n > maxNorm ? m.scale(maxNorm / n) : m.copy());
        }
        return out;
    }

    private static void check(List<SimpleMatrix> g, double maxNorm) {
        List<SimpleMatrix> mine = copies(g);
        double norm = Clipping.clipByGlobalNorm(mine, maxNorm);
        double expectedNorm = GradientClipping.globalNorm(g);
        List<SimpleMatrix> expected = GradientClipping.clipByGlobalNorm(copies(g), maxNorm);
        List<SimpleMatrix> wrong = perMatrix(g, maxNorm);
        String input = g.size() + " gradients, first " + Feedback.show(g.get(0)) + ", global norm " + expectedNorm + ", maxNorm = " + maxNorm;
        if (!Feedback.accept("the returned norm", expectedNorm, norm)) {
            double sumOfNorms = 0;
            for (SimpleMatrix m : g) sumOfNorms += m.normF();
            String hint = Feedback.close(Math.min(expectedNorm, maxNorm), norm) ? "\n  likely mistake: return the norm before clipping, not after"
                    : Feedback.close(sumOfNorms, norm) ? "\n  likely mistake: that is the sum of the per-matrix norms; the global norm is √(sum of all squares)"
                    : Feedback.close(expectedNorm * expectedNorm, norm) ? "\n  likely mistake: take the square root of the sum of squares" : "";
            throw new AssertionError("clipByGlobalNorm should return the global norm before clipping\n  input: " + input
                    + "\n  expected: " + expectedNorm + "\n  got:      " + norm + hint);
        }
        for (int p = 0; p < g.size(); p++) {
            Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
            mistakes.put("each matrix was clipped by its own norm; clip all of them together by the global norm √(Σ_p Σ_i g²), "
                    + "which keeps the direction of the whole step", wrong.get(p));
            mistakes.put("the gradients were left unchanged although the global norm exceeds maxNorm", g.get(p));
            mistakes.put("scale by maxNorm/‖g‖ (< 1 when clipping), not ‖g‖/maxNorm", g.get(p).scale(expectedNorm / maxNorm));
            Feedback.assertMatrix("clipByGlobalNorm: gradient " + p + " is wrong", input, expected.get(p), mine.get(p), mistakes);
        }
    }

    @Test
    @Graded(exercise = "3.1", points = 1)
    @DisplayName("a gradient of global norm 5 = √(3² + 4²) is scaled to norm 1 across two matrices")
    void byHand() {
        check(List.of(new SimpleMatrix(1, 2, true, 3.0, 0.0), new SimpleMatrix(2, 1, true, 0.0, 4.0)), 1.0);
    }

    @Test
    @Graded(exercise = "3.1", points = 0.5)
    @DisplayName("gradients within the limit (including exactly at it) are left unchanged; maxNorm ≤ 0 is rejected")
    void withinLimit() {
        check(List.of(new SimpleMatrix(1, 2, true, 3.0, 0.0), new SimpleMatrix(2, 1, true, 0.0, 4.0)), 5.0);
        check(List.of(new SimpleMatrix(1, 2, true, 0.1, -0.2), new SimpleMatrix(1, 1, true, 0.3)), 1.0);
        for (double bad : new double[] {0.0, -1.0, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> Clipping.clipByGlobalNorm(List.of(new SimpleMatrix(1, 1, true, 2.0)), bad),
                    "clipByGlobalNorm with maxNorm = " + bad + " should throw an IllegalArgumentException (maxNorm must be > 0)");
        }
    }

    @Test
    @Graded(exercise = "3.1", points = 1)
    @DisplayName("clipByGlobalNorm matches the reference on random multi-matrix gradients")
    void randomGradients() {
        SplittableRandom rng = new SplittableRandom(31);
        for (int trial = 0; trial < 6; trial++) {
            List<SimpleMatrix> g = new ArrayList<>();
            int count = rng.nextInt(1, 5);
            for (int p = 0; p < count; p++) {
                SimpleMatrix m = new SimpleMatrix(rng.nextInt(1, 6), rng.nextInt(1, 6));
                for (int i = 0; i < m.getNumElements(); i++) m.getDDRM().data[i] = rng.nextGaussian() * 3;
                g.add(m);
            }
            check(g, rng.nextDouble(0.5, 10));
        }
    }
}
