package org.diffusionlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeepMlpTest {

    /** A net whose ReLUs are partly on and partly off: large weights, non-zero biases. */
    private static DeepMlp smallNet(int hiddenLayers, TimeEmbedding embedding, long seed) {
        DeepMlp net = DeepMlp.init(2, embedding, hiddenLayers, 5, 0.7, 0.0, new SplittableRandom(seed));
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (int l = 1; l < net.parameters().size(); l += 2) {
            double[] b = net.parameters().get(l).getDDRM().data;
            for (int i = 0; i < b.length; i++) b[i] = 0.3 * rng.nextGaussian();
        }
        return net;
    }

    /** L(out) = Σ out ⊙ R, whose gradient ∂L/∂out is R. */
    private static double loss(DeepMlp net, SimpleMatrix x, SimpleMatrix r) {
        return net.forward(x).out().elementMult(r).elementSum();
    }

    @Test
    @DisplayName("backward matches central finite differences for every parameter element and every input")
    void gradientCheck() {
        for (int layers : new int[] {1, 3}) {
            DeepMlp net = smallNet(layers, new SinusoidalTimeEmbedding(4), 11 + layers);
            SplittableRandom rng = new SplittableRandom(5);
            SimpleMatrix x = net.input(ForwardProcess.gaussian(4, 2, rng), new int[] {1, 4, 9, 20}, 20);
            SimpleMatrix r = ForwardProcess.gaussian(4, 2, rng);
            DeepMlp.Gradients g = net.backward(net.forward(x).cache(), r);
            // central differences: truncation ~h² and round-off ~1e-16·|L|/h, both far below 1e-7
            double h = 1e-6, tol = 1e-7;
            List<SimpleMatrix> params = net.parameters(), grads = g.asList();
            for (int p = 0; p < params.size(); p++) {
                double[] w = params.get(p).getDDRM().data;
                for (int i = 0; i < w.length; i++) {
                    double saved = w[i];
                    w[i] = saved + h;
                    double up = loss(net, x, r);
                    w[i] = saved - h;
                    double down = loss(net, x, r);
                    w[i] = saved;
                    double numeric = (up - down) / (2 * h), analytic = grads.get(p).getDDRM().data[i];
                    assertEquals(numeric, analytic, tol, "L = " + layers + ", " + net.parameterNames().get(p) + "[" + i
                            + "]: backward gives " + analytic + ", finite differences " + numeric);
                }
            }
            double[] xs = x.getDDRM().data;
            for (int i = 0; i < xs.length; i++) {
                double saved = xs[i];
                xs[i] = saved + h;
                double up = loss(net, x, r);
                xs[i] = saved - h;
                double down = loss(net, x, r);
                xs[i] = saved;
                assertEquals((up - down) / (2 * h), g.dX().getDDRM().data[i], tol, "L = " + layers + ", dX[" + i + "]");
            }
        }
    }

    @Test
    @DisplayName("with 2 hidden layers and the scalar embedding it computes exactly what Mlp computes")
    void matchesMlp() {
        Mlp mlp = Mlp.init(3, 16, 2, 0.5, 0.1, new SplittableRandom(3));
        List<SimpleMatrix> p = mlp.parameters();
        DeepMlp deep = new DeepMlp(List.of(p.get(0), p.get(2), p.get(4)), List.of(p.get(1), p.get(3), p.get(5)),
                ScalarTimeEmbedding.INSTANCE);
        SplittableRandom rng = new SplittableRandom(4);
        SimpleMatrix xt = ForwardProcess.gaussian(30, 2, rng);
        int[] t = new int[30];
        for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(1, 51);
        SimpleMatrix x = deep.input(xt, t, 50);
        assertArrayEquals(Mlp.timeInput(xt, t, 50).getDDRM().data, x.getDDRM().data, 0.0);
        Mlp.Output a = mlp.forward(x);
        DeepMlp.Output b = deep.forward(x);
        assertArrayEquals(a.out().getDDRM().data, b.out().getDDRM().data, 0.0);
        SimpleMatrix gradOut = ForwardProcess.gaussian(30, 2, rng);
        List<SimpleMatrix> ga = mlp.backward(a.cache(), gradOut).asList(), gb = deep.backward(b.cache(), gradOut).asList();
        for (int k = 0; k < ga.size(); k++) {
            assertArrayEquals(ga.get(k).getDDRM().data, gb.get(k).getDDRM().data, 0.0, Mlp.parameterNames().get(k));
        }
        assertArrayEquals(mlp.predictEpsilon(xt, 17, 50).getDDRM().data, deep.predictEpsilon(xt, 17, 50).getDDRM().data, 0.0);
    }

    @Test
    @DisplayName("init draws W1, W2, W3 in Mlp's order: the same seed gives Mlp's weights")
    void initMatchesMlpDraws() {
        Mlp mlp = Mlp.init(3, 8, 2, 0.02, 0.0, new SplittableRandom(9));
        DeepMlp deep = DeepMlp.init(2, ScalarTimeEmbedding.INSTANCE, 2, 8, 0.02, 0.0, new SplittableRandom(9));
        for (int k = 0; k < 6; k++) {
            assertArrayEquals(mlp.parameters().get(k).getDDRM().data, deep.parameters().get(k).getDDRM().data, 0.0);
        }
    }

    @Test
    @DisplayName("shapes follow depth, width and embedding; bad shapes are rejected")
    void shapes() {
        DeepMlp net = DeepMlp.init(2, new SinusoidalTimeEmbedding(32), 4, 64, 0.02, 0.0, new SplittableRandom(1));
        assertEquals(4, net.hiddenLayers());
        assertEquals(64, net.width());
        assertEquals(34, net.inputDim());
        assertEquals(10, net.parameters().size());
        assertEquals(List.of("W1", "b1", "W2", "b2", "W3", "b3", "W4", "b4", "W5", "b5"), net.parameterNames());
        SimpleMatrix eps = net.predictEpsilon(new SimpleMatrix(7, 2), 3, 100);
        assertEquals(7, eps.getNumRows());
        assertEquals(2, eps.getNumCols());
        assertThrows(IllegalArgumentException.class,
                () -> DeepMlp.init(2, ScalarTimeEmbedding.INSTANCE, 0, 8, 0.02, 0, new SplittableRandom(1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DeepMlp(
                List.of(new SimpleMatrix(3, 4), new SimpleMatrix(5, 2)), List.of(new SimpleMatrix(1, 4), new SimpleMatrix(1, 2)),
                ScalarTimeEmbedding.INSTANCE));
        assertTrue(e.getMessage().contains("W2 is 5x2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.forward(new SimpleMatrix(1, 3)));
    }

    @Test
    @DisplayName("copy is deep: changing the copy leaves the original's output unchanged")
    void copyIsDeep() {
        DeepMlp net = smallNet(2, ScalarTimeEmbedding.INSTANCE, 2);
        SimpleMatrix xt = ForwardProcess.gaussian(5, 2, new SplittableRandom(3));
        SimpleMatrix before = net.predictEpsilon(xt, 2, 10);
        DeepMlp copy = net.copy();
        copy.parameters().get(0).set(0, 0, 100.0);
        assertArrayEquals(before.getDDRM().data, net.predictEpsilon(xt, 2, 10).getDDRM().data, 0.0);
    }
}
