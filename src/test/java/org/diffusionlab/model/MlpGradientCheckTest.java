package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleSupplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Central finite differences against {@link Mlp#backward} for every parameter tensor and the input.
 *
 * <p>Why the tolerance can be tight: while no pre-activation z changes sign, the network's output
 * is linear in any single weight, bias or input element (the other layers are fixed linear maps and
 * ReLU a fixed 0/1 mask), and the MSE of it quadratic. Central differences of a linear or quadratic
 * function have no truncation error, so the only error is rounding, about ε_mach·|L|/h ≈
 * 1e-16·10/1e-4 = 1e-11, i.e. 1e-8 relative to the smallest gradients we compare relatively (FLOOR).
 * Measured worst case over all problems: 1.7e-9. A tolerance of {@value #TOLERANCE} leaves a factor
 * 60 over that, while any real bug (a missing mask, a wrong transpose, a forgotten bias sum) gives
 * errors of order 1, and even one element off by 0.1 % is caught (see the last test). Every finite
 * difference asserts that the ReLU masks did not change, so the linearity argument really holds.
 */
class MlpGradientCheckTest {

    /** Step of the central difference. */
    private static final double H = 1e-4;
    /** Relative error allowed, see the class comment. */
    private static final double TOLERANCE = 1e-7;
    /**
     * Relative errors are measured against max(|numeric|, |analytic|, FLOOR): gradients of dead
     * units are exactly 0 analytically and ~1e-11 numerically, which must not count as a mismatch.
     */
    private static final double FLOOR = 1e-3;
    /** Nets with a pre-activation closer than this to 0 are redrawn, so a step of H stays clear of kinks. */
    private static final double KINK_MARGIN = 1e-2;

    /** A small random problem: a net with weights of order 1, an input batch and ∂L/∂out. */
    private record Problem(Mlp mlp, SimpleMatrix x, SimpleMatrix g, String description) {
        @Override
        public String toString() {
            return description;
        }
    }

    static Stream<Problem> problems() {
        return LongStream.range(0, 12).mapToObj(MlpGradientCheckTest::problem);
    }

    /** in = 3, hidden 5..8, out = 2, n 4..7; redrawn until no |z| is below the kink margin. */
    private static Problem problem(long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        while (true) {
            int hidden = rng.nextInt(5, 9);
            int n = rng.nextInt(4, 8);
            // Weights ~N(0, 0.5²) and biases ~N(0, 0.3²) keep both layers partly active: with the
            // lab's 0.02 init most gradients would be ~1e-4 and the check would test little.
            Mlp mlp = new Mlp(gaussian(3, hidden, 0.5, rng), gaussian(1, hidden, 0.3, rng),
                    gaussian(hidden, hidden, 0.5, rng), gaussian(1, hidden, 0.3, rng),
                    gaussian(hidden, 2, 0.5, rng), gaussian(1, 2, 0.3, rng));
            SimpleMatrix x = gaussian(n, 3, 1.0, rng);
            SimpleMatrix g = gaussian(n, 2, 1.0, rng);
            Mlp.Cache cache = mlp.forward(x).cache();
            if (minAbs(cache.z1()) > KINK_MARGIN && minAbs(cache.z2()) > KINK_MARGIN
                    && hasActiveUnit(cache.z1()) && hasActiveUnit(cache.z2())) {
                return new Problem(mlp, x, g, "seed " + seed + ": 3 -> " + hidden + " -> " + hidden + " -> 2, n = " + n);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    @DisplayName("backward's gradients of L = Σ G⊙out match central differences for W1, b1, W2, b2, W3, b3 and the input")
    void backwardMatchesFiniteDifferences(Problem p) {
        Mlp.Gradients grads = p.mlp().backward(p.mlp().forward(p.x()).cache(), p.g());
        DoubleSupplier loss = () -> p.mlp().forward(p.x()).out().elementMult(p.g()).elementSum();
        List<SimpleMatrix> tensors = tensors(p);
        List<SimpleMatrix> analytic = withInput(grads);
        for (int k = 0; k < tensors.size(); k++) {
            Mismatch worst = worstMismatch(analytic.get(k), numericGradient(p, tensors.get(k), loss));
            String name = GRADIENT_NAMES.get(k);
            assertTrue(worst.relativeError() <= TOLERANCE, () -> p + ", " + worst.describe(name));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("problems")
    @DisplayName("through Losses.mse, backward(mse.grad) equals d·∂MSE/∂θ by central differences (d = 2 outputs)")
    void mseGradientIsDTimesTheMseDerivative(Problem p) {
        SimpleMatrix target = gaussian(p.x().getNumRows(), 2, 1.0, new SplittableRandom(99));
        Mlp.Output base = p.mlp().forward(p.x());
        Mlp.Gradients grads = p.mlp().backward(base.cache(), Losses.mse(base.out(), target).grad());
        DoubleSupplier mse = () -> Losses.mse(p.mlp().forward(p.x()).out(), target).value();
        int d = target.getNumCols();
        List<SimpleMatrix> tensors = tensors(p);
        List<SimpleMatrix> analytic = withInput(grads);
        for (int k = 0; k < tensors.size(); k++) {
            // MSE is quadratic in any single θ (a square of a linear map), so the central difference
            // still has no truncation error (it involves the third derivative, which is 0).
            SimpleMatrix numeric = numericGradient(p, tensors.get(k), mse).scale(d);
            Mismatch worst = worstMismatch(analytic.get(k), numeric);
            String name = GRADIENT_NAMES.get(k);
            assertTrue(worst.relativeError() <= TOLERANCE,
                    () -> p + ", expected d·∂MSE/∂θ with d = " + d + ", " + worst.describe(name));
        }
    }

    @Test
    @DisplayName("the gradient check fails when a single gradient element is off by 0.1 %")
    void checkCatchesABrokenBackward() {
        Problem p = problem(7);
        List<SimpleMatrix> analytic = withInput(p.mlp().backward(p.mlp().forward(p.x()).cache(), p.g()));
        DoubleSupplier loss = () -> p.mlp().forward(p.x()).out().elementMult(p.g()).elementSum();
        List<SimpleMatrix> tensors = tensors(p);
        for (int k = 0; k < tensors.size(); k++) {
            SimpleMatrix numeric = numericGradient(p, tensors.get(k), loss);
            SimpleMatrix correct = analytic.get(k);
            // Corrupt the largest element of this gradient (a dead unit's 0 would hide the change).
            SimpleMatrix broken = correct.copy();
            int idx = argMaxAbs(broken);
            broken.set(idx, correct.get(idx) * 1.001);
            String name = GRADIENT_NAMES.get(k);
            Mismatch passed = worstMismatch(correct, numeric);
            assertTrue(passed.relativeError() <= TOLERANCE, () -> "the correct " + name + " should pass: " + passed.describe(name));
            Mismatch caught = worstMismatch(broken, numeric);
            assertTrue(caught.relativeError() > TOLERANCE, () -> "a " + name + " with element " + idx + " changed from "
                    + correct.get(idx) + " to " + broken.get(idx) + " passed the check: " + caught.describe(name));
        }
    }

    @Test
    @DisplayName("ReLU's derivative at exactly z = 0 is taken as 0")
    void reluDerivativeAtZeroIsZero() {
        SimpleMatrix mask = Mlp.reluDerivative(new SimpleMatrix(new double[][] {{-1, 0, 2}}));
        assertEquals(0.0, mask.get(0, 0), "relu'(-1)");
        assertEquals(0.0, mask.get(0, 1), "relu'(0)");
        assertEquals(1.0, mask.get(0, 2), "relu'(2)");
    }

    private static final List<String> GRADIENT_NAMES = List.of("dW1", "db1", "dW2", "db2", "dW3", "db3", "dX");

    /** W1, b1, W2, b2, W3, b3 (live) and the input x. */
    private static List<SimpleMatrix> tensors(Problem p) {
        List<SimpleMatrix> all = new ArrayList<>(p.mlp().parameters());
        all.add(p.x());
        return all;
    }

    private static List<SimpleMatrix> withInput(Mlp.Gradients grads) {
        List<SimpleMatrix> all = new ArrayList<>(grads.asList());
        all.add(grads.dX());
        return all;
    }

    /**
     * ∂L/∂m by central differences, perturbing m (a parameter or the input) in place and restoring
     * it. Asserts that no perturbation changes a ReLU mask, which is what makes the tolerance valid.
     */
    private static SimpleMatrix numericGradient(Problem p, SimpleMatrix m, DoubleSupplier loss) {
        Mlp.Cache base = p.mlp().forward(p.x()).cache();
        SimpleMatrix grad = new SimpleMatrix(m.getNumRows(), m.getNumCols());
        for (int i = 0; i < m.getNumElements(); i++) {
            double original = m.get(i);
            m.set(i, original + H);
            double plus = loss.getAsDouble();
            assertSameMasks(base, p.mlp().forward(p.x()).cache(), i, +H);
            m.set(i, original - H);
            double minus = loss.getAsDouble();
            assertSameMasks(base, p.mlp().forward(p.x()).cache(), i, -H);
            m.set(i, original);
            grad.set(i, (plus - minus) / (2 * H));
        }
        return grad;
    }

    private static void assertSameMasks(Mlp.Cache base, Mlp.Cache moved, int element, double step) {
        assertTrue(Mlp.reluDerivative(base.z1()).isIdentical(Mlp.reluDerivative(moved.z1()), 0)
                        && Mlp.reluDerivative(base.z2()).isIdentical(Mlp.reluDerivative(moved.z2()), 0),
                () -> "moving element " + element + " by " + step + " crossed a ReLU kink; raise KINK_MARGIN");
    }

    private record Mismatch(int index, double analytic, double numeric, double relativeError) {
        String describe(String name) {
            return String.format("%s[%d]: expected (finite difference) %.12g, got (backward) %.12g, relative error %.3g > %.1g",
                    name, index, numeric, analytic, relativeError, TOLERANCE);
        }
    }

    private static Mismatch worstMismatch(SimpleMatrix analytic, SimpleMatrix numeric) {
        assertEquals(numeric.getNumRows(), analytic.getNumRows(), "gradient rows");
        assertEquals(numeric.getNumCols(), analytic.getNumCols(), "gradient columns");
        Mismatch worst = new Mismatch(-1, 0, 0, 0);
        for (int i = 0; i < numeric.getNumElements(); i++) {
            double a = analytic.get(i), num = numeric.get(i);
            double err = Math.abs(a - num) / Math.max(FLOOR, Math.max(Math.abs(a), Math.abs(num)));
            if (err >= worst.relativeError()) worst = new Mismatch(i, a, num, err);
        }
        return worst;
    }

    private static int argMaxAbs(SimpleMatrix m) {
        int best = 0;
        for (int i = 1; i < m.getNumElements(); i++) {
            if (Math.abs(m.get(i)) > Math.abs(m.get(best))) best = i;
        }
        return best;
    }

    private static double minAbs(SimpleMatrix m) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < m.getNumElements(); i++) min = Math.min(min, Math.abs(m.get(i)));
        return min;
    }

    /** At least one unit of the layer is active for some row, so its gradients are not all zero. */
    private static boolean hasActiveUnit(SimpleMatrix z) {
        return Mlp.reluDerivative(z).elementSum() > 0;
    }

    private static SimpleMatrix gaussian(int rows, int cols, double std, SplittableRandom rng) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < m.getNumElements(); i++) m.set(i, std * rng.nextGaussian());
        return m;
    }
}
