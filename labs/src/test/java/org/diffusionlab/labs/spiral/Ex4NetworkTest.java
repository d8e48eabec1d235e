package org.diffusionlab.labs.spiral;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.model.MomentumSgd;
import org.diffusionlab.model.Mlp;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("spiral")
@DisplayName("Exercise 4: the network (forward, backward, momentum)")
class Ex4NetworkTest {

    private static final String[] NAMES = {"W1", "b1", "W2", "b2", "W3", "b3"};

    // ---------------------------------------------------------------- 4.1 forward

    private static void checkForward(int n, int hidden, long seed, boolean cacheToo) {
        Mlp mlp = Reference.randomMlp(3, hidden, 2, seed);
        SimpleMatrix x = Reference.randn(n, 3, seed + 1);
        Mlp.Output expected = mlp.forward(x);
        Network.Output got = Reference.labNetwork(mlp).forward(x);
        String input = "x " + Feedback.show(x) + ", hidden = " + hidden + ", random weights and non-zero biases";
        assertNotNull(got, "forward returned null");
        assertNotNull(got.out(), "forward returned an Output with out = null");
        List<SimpleMatrix> p = mlp.parameters();
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        Mlp.Cache c = expected.cache();
        mistakes.put("the biases are missing: z = x·W + b, every layer", new Mlp(p.get(0), zeros(p.get(1)), p.get(2), zeros(p.get(3)),
                p.get(4), zeros(p.get(5))).forward(x).out());
        mistakes.put("ReLU was applied to the output too: the last layer is linear (out = h2·W3 + b3)", Mlp.relu(expected.out()));
        mistakes.put("the second layer was skipped or reused h1: out = h2·W3 + b3 with h2 = relu(h1·W2 + b2)",
                Mlp.addRowVector(c.h1().mult(p.get(4)), p.get(5)));
        Feedback.assertMatrix("forward(x).out() is wrong (n = " + n + ")", input, expected.out(), got.out(), mistakes);
        if (!cacheToo) return;
        assertNotNull(got.cache(), "forward returned no cache: backward needs (x, z1, h1, z2, h2)");
        Network.Cache gc = got.cache();
        Feedback.assertMatrix("cache.x() is wrong: keep the input itself", input, c.x(), gc.x(), Feedback.mistakes());
        Map<String, SimpleMatrix> swapped = Feedback.mistakes();
        swapped.put("z1 holds h1: keep z1 = x·W1 + b1 before the ReLU (backward needs relu'(z1))", c.h1());
        Feedback.assertMatrix("cache.z1() is wrong", input, c.z1(), gc.z1(), swapped);
        Feedback.assertMatrix("cache.h1() is wrong: h1 = relu(z1)", input, c.h1(), gc.h1(), Feedback.mistakes());
        swapped = Feedback.mistakes();
        swapped.put("z2 holds h2: keep z2 = h1·W2 + b2 before the ReLU", c.h2());
        Feedback.assertMatrix("cache.z2() is wrong", input, c.z2(), gc.z2(), swapped);
        Feedback.assertMatrix("cache.h2() is wrong: h2 = relu(z2)", input, c.h2(), gc.h2(), Feedback.mistakes());
    }

    private static SimpleMatrix zeros(SimpleMatrix m) {
        return new SimpleMatrix(m.getNumRows(), m.getNumCols());
    }

    @Test
    @Graded(exercise = "4.1", points = 1.5)
    @DisplayName("forward's output matches the reference on random inputs, weights and biases")
    void forwardOutput() {
        for (int k = 0; k < 4; k++) checkForward(17 + k, 8 + 4 * k, 400 + k, false);
    }

    @Test
    @Graded(exercise = "4.1", points = 1)
    @DisplayName("forward's cache holds x, z1, h1, z2, h2 (before and after each ReLU)")
    void forwardCache() {
        checkForward(9, 6, 410, true);
        checkForward(30, 16, 411, true);
    }

    @Test
    @Graded(exercise = "4.1", points = 0.5)
    @DisplayName("forward works for a single point (n = 1) and a hidden size of 1")
    void forwardEdges() {
        checkForward(1, 5, 420, true);
        checkForward(4, 1, 421, true);
    }

    // ---------------------------------------------------------------- 4.2 backward

    /** Gradients from your backward, fed with the reference forward's cache (so 4.1 does not matter here). */
    private static Network.Gradients labBackward(Mlp mlp, SimpleMatrix x, SimpleMatrix g) {
        Network.Gradients got = Reference.labNetwork(mlp).backward(Reference.labCache(mlp.forward(x).cache()), g);
        assertNotNull(got, "backward returned null");
        return got;
    }

    private static void checkLayer(int layer, long seed) {
        for (int n : new int[] {1, 13}) {
            Mlp mlp = Reference.randomMlp(3, 7, 2, seed + n);
            SimpleMatrix x = Reference.randn(n, 3, seed + 1), g = Reference.randn(n, 2, seed + 2);
            Mlp.Gradients expected = mlp.backward(mlp.forward(x).cache(), g);
            Network.Gradients got = labBackward(mlp, x, g);
            String input = "n = " + n + ", hidden = 7, x " + Feedback.show(x) + ", G = ∂L/∂out " + Feedback.show(g);
            List<SimpleMatrix> e = expected.asList(), r = got.asList();
            for (int k = 2 * (layer - 1); k < 2 * layer; k++) {
                Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
                if (k % 2 == 1) {
                    mistakes.put("a bias gradient sums the rows (1 × h), it is not averaged", e.get(k).divide(n));
                } else if (e.get(k).getNumRows() == e.get(k).getNumCols()) {
                    mistakes.put("transposed: dW = (input of the layer)ᵀ · (gradient at its output)", e.get(k).transpose());
                }
                if (layer < 3) {
                    mistakes.put("the ReLU derivative is missing: dz = dh ⊙ relu'(z), with z from the cache", missingRelu(mlp, x, g, k));
                }
                Feedback.assertMatrix("backward: " + NAMES[k].replace("W", "dW").replace("b", "db") + " is wrong",
                        input, e.get(k), r.get(k), mistakes);
            }
        }
    }

    /** The gradient of parameter k computed as if every ReLU derivative were 1 (a common slip). */
    private static SimpleMatrix missingRelu(Mlp mlp, SimpleMatrix x, SimpleMatrix g, int k) {
        Mlp.Cache c = mlp.forward(x).cache();
        List<SimpleMatrix> p = mlp.parameters();
        SimpleMatrix dz2 = g.mult(p.get(4).transpose());
        if (k == 2) return c.h1().transpose().mult(dz2);
        if (k == 3) return Mlp.sumRows(dz2);
        SimpleMatrix dz1 = dz2.mult(p.get(2).transpose());
        return k == 0 ? c.x().transpose().mult(dz1) : Mlp.sumRows(dz1);
    }

    @Test
    @Graded(exercise = "4.2", points = 1)
    @DisplayName("backward: dW3 and db3 (the last layer) match the reference")
    void backwardLayer3() {
        checkLayer(3, 430);
    }

    @Test
    @Graded(exercise = "4.2", points = 1)
    @DisplayName("backward: dW2 and db2 (through the second ReLU) match the reference")
    void backwardLayer2() {
        checkLayer(2, 440);
    }

    @Test
    @Graded(exercise = "4.2", points = 1)
    @DisplayName("backward: dW1 and db1 (through both ReLUs) match the reference")
    void backwardLayer1() {
        checkLayer(1, 450);
    }

    @Test
    @Graded(exercise = "4.2", points = 1)
    @DisplayName("backward agrees with central finite differences of L = Σ out ⊙ G")
    void finiteDifferences() {
        int n = 6;
        Mlp mlp = Reference.randomMlp(3, 5, 2, 460);
        SimpleMatrix x = Reference.randn(n, 3, 461), g = Reference.randn(n, 2, 462);
        Network.Gradients got = labBackward(mlp, x, g);
        SplittableRandom rng = new SplittableRandom(463);
        double h = 1e-6;
        for (int k = 0; k < 6; k++) {
            SimpleMatrix p = mlp.parameters().get(k);
            SimpleMatrix grad = got.asList().get(k);
            assertTrue(grad != null && grad.getNumRows() == p.getNumRows() && grad.getNumCols() == p.getNumCols(),
                    "d" + NAMES[k] + " must have the shape of " + NAMES[k] + ", " + Feedback.shape(p)
                            + (grad == null ? ", got null" : ", got " + Feedback.shape(grad)));
            for (int probe = 0; probe < 4; probe++) {
                int i = rng.nextInt(p.getNumRows()), j = rng.nextInt(p.getNumCols());
                double w = p.get(i, j);
                p.set(i, j, w + h);
                double plus = mlp.forward(x).out().elementMult(g).elementSum();
                p.set(i, j, w - h);
                double minus = mlp.forward(x).out().elementMult(g).elementSum();
                p.set(i, j, w);
                double numeric = (plus - minus) / (2 * h);
                double analytic = grad.get(i, j);
                assertTrue(Math.abs(numeric - analytic) <= 1e-5 * (1 + Math.abs(numeric)), String.format(
                        "d%s[%d, %d] disagrees with the finite difference (L(θ+h) − L(θ−h))/2h%n  input: n = %d, hidden = 5, "
                                + "L = Σ out ⊙ G, h = %.0e%n  expected (numeric): %.8f%n  got (your backward): %.8f%n"
                                + "  hint: follow the chain rule one layer at a time and check each shape",
                        NAMES[k], i, j, n, h, numeric, analytic));
            }
        }
    }

    // ---------------------------------------------------------------- 4.3 momentum

    private static void checkSteps(int steps, double lr, double momentum, long seed) {
        Mlp mlp = Reference.randomMlp(3, 6, 2, seed);
        Network net = Reference.labNetwork(mlp);
        List<SimpleMatrix> live = net.parameters();
        MomentumSgd sgd = new MomentumSgd(lr, momentum);
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (int s = 1; s <= steps; s++) {
            List<SimpleMatrix> p = mlp.parameters();
            SimpleMatrix[] g = new SimpleMatrix[6];
            for (int k = 0; k < 6; k++) {
                g[k] = Reference.randn(p.get(k).getNumRows(), p.get(k).getNumCols(), rng.nextLong());
            }
            List<SimpleMatrix> before = net.parameters().stream().map(SimpleMatrix::copy).toList();
            net.step(new Network.Gradients(g[0].copy(), g[1].copy(), g[2].copy(), g[3].copy(), g[4].copy(), g[5].copy()), lr, momentum);
            sgd.step(p, List.of(g));
            for (int k = 0; k < 6; k++) {
                Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
                mistakes.put("the parameter did not change: update it in place (set / setTo), a new matrix is lost", before.get(k));
                mistakes.put("sign: the velocity is v = m·v − lr·g (downhill), then w = w + v", before.get(k).plus(g[k].scale(lr)));
                if (s > 1) {
                    mistakes.put("the velocity is not remembered between steps: this is plain gradient descent w − lr·g",
                            before.get(k).minus(g[k].scale(lr)));
                }
                Feedback.assertMatrix("step " + s + ": " + NAMES[k] + " after the momentum update is wrong",
                        "lr = " + lr + ", momentum = " + momentum + ", random gradients, step " + s + " of " + steps,
                        p.get(k), net.parameters().get(k), mistakes);
                assertTrue(net.parameters().get(k) == live.get(k), "step replaced " + NAMES[k] + " by a new matrix: update in place");
                Map<String, SimpleMatrix> velocity = Feedback.mistakes();
                velocity.put("the velocity was not stored: write v = m·v − lr·g into the velocity matrix (setTo), it carries over"
                        + " to the next step", new SimpleMatrix(g[k].getNumRows(), g[k].getNumCols()));
                Feedback.assertMatrix("step " + s + ": the velocity of " + NAMES[k] + " is wrong (v = m·v − lr·g)",
                        "lr = " + lr + ", momentum = " + momentum, sgd.velocities().get(k), net.velocities().get(k), velocity);
            }
        }
    }

    @Test
    @Graded(exercise = "4.3", points = 1)
    @DisplayName("one momentum step from rest is w ← w − lr·g for all six parameters")
    void firstStep() {
        checkSteps(1, 0.1, 0.9, 470);
    }

    @Test
    @Graded(exercise = "4.3", points = 1)
    @DisplayName("several momentum steps match the reference (v ← m·v − lr·g, w ← w + v)")
    void severalSteps() {
        checkSteps(4, 0.05, 0.9, 480);
        checkSteps(3, 2e-3, 0.999, 481);
    }
}
