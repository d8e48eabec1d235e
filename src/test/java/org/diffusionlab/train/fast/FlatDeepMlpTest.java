package org.diffusionlab.train.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.model.TimeEmbedding;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FlatDeepMlpTest {

    /** A net whose ReLUs are partly on and partly off: large weights, non-zero biases. */
    private static DeepMlp net(int hiddenLayers, int width, TimeEmbedding embedding, long seed) {
        DeepMlp net = DeepMlp.init(2, embedding, hiddenLayers, width, 0.7, 0.0, new SplittableRandom(seed));
        SplittableRandom rng = new SplittableRandom(seed + 1);
        for (int l = 1; l < net.parameters().size(); l += 2) {
            double[] b = net.parameters().get(l).getDDRM().data;
            for (int i = 0; i < b.length; i++) b[i] = 0.3 * rng.nextGaussian();
        }
        return net;
    }

    /** Copies the rows of x into the flat net's input buffer. */
    private static void load(FlatDeepMlp flat, SimpleMatrix x) {
        for (int i = 0; i < x.getNumRows(); i++) {
            for (int j = 0; j < x.getNumCols(); j++) flat.input()[i][j] = x.get(i, j);
        }
    }

    /** L(out) = Σ out ⊙ R over the first n rows, computed by the flat forward pass; ∂L/∂out = R. */
    private static double loss(FlatDeepMlp flat, int n, double[][] r) {
        flat.forward(n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < r[i].length; j++) sum += flat.output()[i][j] * r[i][j];
        }
        return sum;
    }

    private static double[][] rows(SimpleMatrix m) {
        double[][] a = new double[m.getNumRows()][m.getNumCols()];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) a[i][j] = m.get(i, j);
        }
        return a;
    }

    @Test
    @DisplayName("forward and backward agree with DeepMlp (scalar and sinusoidal embeddings, 1 to 4 hidden layers, fewer rows than the buffers)")
    void matchesDeepMlp() {
        Object[][] cases = {{1, ScalarTimeEmbedding.INSTANCE}, {2, new SinusoidalTimeEmbedding(8)}, {4, new SinusoidalTimeEmbedding(32)}};
        for (Object[] c : cases) {
            int layers = (Integer) c[0];
            DeepMlp net = net(layers, 24, (TimeEmbedding) c[1], 3 + layers);
            SplittableRandom rng = new SplittableRandom(7);
            int n = 37;
            SimpleMatrix x = net.input(ForwardProcess.gaussian(n, 2, rng), rng.ints(n, 1, 51).toArray(), 50);
            SimpleMatrix g = ForwardProcess.gaussian(n, 2, rng);
            DeepMlp.Output ref = net.forward(x);
            List<SimpleMatrix> refGrads = net.backward(ref.cache(), g).asList();

            FlatDeepMlp flat = new FlatDeepMlp(net, 50);
            load(flat, x);
            flat.forward(n);
            flat.backward(n, rows(g));
            // same sums in the same order: equal to round-off (observed: bit for bit)
            for (int i = 0; i < n; i++) {
                assertArrayEquals(rows(ref.out())[i], java.util.Arrays.copyOf(flat.output()[i], 2), 1e-12, "out row " + i);
            }
            for (int p = 0; p < refGrads.size(); p++) {
                assertArrayEquals(refGrads.get(p).getDDRM().data, flat.gradients().get(p).getDDRM().data, 1e-12,
                        net.parameterNames().get(p) + " with " + layers + " hidden layers");
            }
        }
    }

    @Test
    @DisplayName("backward matches central finite differences for every parameter element")
    void gradientCheck() {
        DeepMlp net = net(3, 6, new SinusoidalTimeEmbedding(4), 21);
        SplittableRandom rng = new SplittableRandom(5);
        int n = 5;
        SimpleMatrix x = net.input(ForwardProcess.gaussian(n, 2, rng), new int[] {1, 4, 9, 20, 13}, 20);
        double[][] r = rows(ForwardProcess.gaussian(n, 2, rng));
        FlatDeepMlp flat = new FlatDeepMlp(net, 8);
        load(flat, x);
        flat.forward(n);
        flat.backward(n, r);
        List<SimpleMatrix> params = net.parameters();
        // central differences: truncation ~h² and round-off ~1e-16·|L|/h, both far below 1e-7
        double h = 1e-6, tol = 1e-7;
        int active = 0;
        for (int p = 0; p < params.size(); p++) {
            double[] w = params.get(p).getDDRM().data, grad = flat.gradients().get(p).getDDRM().data.clone();
            for (int i = 0; i < w.length; i++) {
                double saved = w[i];
                w[i] = saved + h;
                double up = loss(flat, n, r);
                w[i] = saved - h;
                double down = loss(flat, n, r);
                w[i] = saved;
                double numeric = (up - down) / (2 * h);
                assertEquals(numeric, grad[i], tol, net.parameterNames().get(p) + "[" + i + "]: numeric " + numeric + ", backward " + grad[i]);
                if (grad[i] != 0) active++;
            }
        }
        assertTrue(active > 50, "most gradient elements are non-zero (ReLUs partly on), got " + active);
    }

    @Test
    @DisplayName("a batch of 0 rows or more rows than the buffers is rejected, naming the valid range")
    void badRows() {
        FlatDeepMlp flat = new FlatDeepMlp(net(1, 4, ScalarTimeEmbedding.INSTANCE, 1), 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> flat.forward(4));
        assertTrue(e.getMessage().contains("rows = 4") && e.getMessage().contains("[1, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> flat.forward(0));
        assertThrows(IllegalArgumentException.class, () -> new FlatDeepMlp(net(1, 4, ScalarTimeEmbedding.INSTANCE, 1), 0));
    }
}
