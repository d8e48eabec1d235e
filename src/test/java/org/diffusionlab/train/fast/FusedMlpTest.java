package org.diffusionlab.train.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.model.Losses;
import org.diffusionlab.model.Mlp;
import org.ejml.simple.SimpleMatrix;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FusedMlpTest {

    /** Both kernels when this JVM has the Vector API module (Maven's test run does), else the plain one. */
    static Stream<Arguments> kernels() {
        Stream<Arguments> plain = Stream.of(Arguments.of("plain", FloatKernels.PLAIN));
        return FloatKernels.vectorized()
                ? Stream.concat(plain, Stream.of(Arguments.of("vector", FloatKernels.VECTOR)))
                : plain;
    }

    @Test
    @DisplayName("the Vector API kernel is loaded whenever the JVM has the module (always in Maven's test run)")
    void vectorKernelIsLoadedWithTheModule() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(module, FloatKernels.vectorized(), "module present: " + module);
        if (Boolean.getBoolean("diffusionlab.expectVectorKernels")) {
            assertTrue(module, "src/pom.xml runs the tests with the Vector API module, so both kernels get tested");
        }
        assertTrue(FloatKernels.fastest() == (module ? FloatKernels.VECTOR : FloatKernels.PLAIN));
    }

    /**
     * A network whose weights are exact floats (so the float and double paths start from the same
     * numbers), with weights N(0, 0.5²) and biases N(0, 0.1²) so that both ReLU states occur.
     */
    static Mlp floatExactMlp(int in, int hidden, int out, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Mlp mlp = Mlp.init(in, hidden, out, 0.5, 0.0, rng);
        for (SimpleMatrix p : mlp.parameters()) {
            double[] a = p.getDDRM().data;
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (p.getNumRows() == 1 ? 0.1 * rng.nextGaussian() : a[i]);
            }
        }
        return mlp;
    }

    static SimpleMatrix floatGaussian(int rows, int cols, SplittableRandom rng) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) m.set(i, j, (float) rng.nextGaussian());
        }
        return m;
    }

    /** Runs the fused pass over all rows of x (in blocks) and returns the summed gradients. */
    static FusedMlp.Gradients fusedGradients(FusedMlp net, SimpleMatrix x, SimpleMatrix eps) {
        int n = x.getNumRows(), out = eps.getNumCols();
        float[] target = new float[n * out];
        for (int i = 0; i < target.length; i++) target[i] = (float) eps.getDDRM().data[i];
        FusedMlp.Scratch s = net.newScratch();
        FusedMlp.Gradients g = net.newGradients();
        for (int b0 = 0; b0 < n; b0 += FusedMlp.BLOCK) {
            int rows = Math.min(FusedMlp.BLOCK, n - b0);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < x.getNumCols(); c++) s.x[r][c] = (float) x.get(b0 + r, c);
            }
            net.accumulateBlock(s, rows, target, b0 * out, 2f / n, g);
        }
        return g;
    }

    /** The fused gradients in the reference's shapes and order (W1, b1, W2, b2, W3, b3). */
    static List<double[]> asReferenceLayout(FusedMlp.Gradients g, int hidden, int out) {
        double[] w3 = new double[hidden * out];
        for (int j = 0; j < hidden; j++) {
            for (int o = 0; o < out; o++) w3[j * out + o] = g.w3t[o][j];
        }
        double[] w2 = new double[hidden * hidden];
        for (int j = 0; j < hidden; j++) {
            for (int k = 0; k < hidden; k++) w2[k * hidden + j] = g.w2t[j][k];
        }
        return List.of(flat(g.w1), widen(g.b1), w2, widen(g.b2), w3, widen(g.b3));
    }

    private static double[] flat(float[][] m) {
        double[] a = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[0].length; j++) a[i * m[0].length + j] = m[i][j];
        }
        return a;
    }

    private static double[] widen(float[] v) {
        double[] a = new double[v.length];
        for (int i = 0; i < v.length; i++) a[i] = v[i];
        return a;
    }

    @ParameterizedTest(name = "{0} kernel")
    @MethodSource("kernels")
    @DisplayName("the fused float backward pass equals the reference Mlp.backward to float precision")
    void fusedGradientsMatchReferenceBackward(String name, FloatKernels.RowCombination kernel) {
        int n = 150, in = 3, hidden = 128, out = 2;  // 150 rows: two full blocks and a partial one
        SplittableRandom rng = new SplittableRandom(7);
        Mlp mlp = floatExactMlp(in, hidden, out, 11);
        SimpleMatrix x = floatGaussian(n, in, rng), eps = floatGaussian(n, out, rng);

        Mlp.Output output = mlp.forward(x);
        Losses.Loss loss = Losses.mse(output.out(), eps);
        List<SimpleMatrix> expected = mlp.backward(output.cache(), loss.grad()).asList();
        FusedMlp.Gradients g = fusedGradients(FusedMlp.from(mlp, kernel), x, eps);
        List<double[]> actual = asReferenceLayout(g, hidden, out);

        // Each gradient element is a sum of at most n·hidden = 19200 float products; float rounding
        // (2^-24 ≈ 6e-8 per operation) grows like its square root for random signs, ≈1e-5 of the
        // largest element, and at worst linearly (1e-3). 1e-4 of the largest element sits between.
        for (int p = 0; p < expected.size(); p++) {
            double[] e = expected.get(p).getDDRM().data, a = actual.get(p);
            double scale = 0;
            for (double v : e) scale = Math.max(scale, Math.abs(v));
            assertTrue(scale > 0, "gradient " + Mlp.parameterNames().get(p) + " is all zero: the test would be empty");
            for (int i = 0; i < e.length; i++) {
                assertEquals(e[i], a[i], 1e-4 * scale, Mlp.parameterNames().get(p) + "[" + i + "]");
            }
        }
        assertEquals(loss.value(), g.squaredError / (n * out), 1e-6 * loss.value(), "loss");
    }

    @ParameterizedTest(name = "{0} kernel")
    @MethodSource("kernels")
    @DisplayName("the fused backward pass equals central finite differences of the loss")
    void fusedGradientsMatchFiniteDifferences(String name, FloatKernels.RowCombination kernel) {
        int n = 40, in = 3, hidden = 16, out = 2;
        SplittableRandom rng = new SplittableRandom(3);
        Mlp mlp = floatExactMlp(in, hidden, out, 5);
        SimpleMatrix x = floatGaussian(n, in, rng), eps = floatGaussian(n, out, rng);
        List<double[]> fused = asReferenceLayout(fusedGradients(FusedMlp.from(mlp, kernel), x, eps), hidden, out);

        // The lab's gradient 2(out − ε)/n is that of L = Σ_i ‖out_i − ε_i‖² / n = out·MSE. The
        // differences are taken in double (h = 1e-6: truncation ~h² and rounding ~1e-16/h are both
        // far below float precision), so the tolerance only has to cover the fused pass's float
        // rounding: 1e-4 of the largest element, as above.
        double h = 1e-6;
        for (int p = 0; p < 6; p++) {
            double[] w = mlp.parameters().get(p).getDDRM().data, a = fused.get(p);
            double scale = 0;
            for (double v : a) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < w.length; i++) {
                double saved = w[i];
                w[i] = saved + h;
                double up = out * Losses.mse(mlp.forward(x).out(), eps).value();
                w[i] = saved - h;
                double down = out * Losses.mse(mlp.forward(x).out(), eps).value();
                w[i] = saved;
                assertEquals((up - down) / (2 * h), a[i], 1e-4 * scale + 1e-7,
                        Mlp.parameterNames().get(p) + "[" + i + "]");
            }
        }
    }

    @Test
    @DisplayName("from() then writeTo() returns every parameter of an Mlp rounded to float")
    void roundTripThroughFloat() {
        Mlp mlp = Mlp.init(3, 8, 2, 0.3, 0.25, new SplittableRandom(1));
        Mlp copy = mlp.copy();
        FusedMlp.from(mlp).writeTo(copy);
        for (int p = 0; p < 6; p++) {
            double[] e = mlp.parameters().get(p).getDDRM().data, a = copy.parameters().get(p).getDDRM().data;
            for (int i = 0; i < e.length; i++) assertEquals((float) e[i], a[i], 0.0);
        }
    }

    @ParameterizedTest(name = "{0} kernel")
    @MethodSource("kernels")
    @DisplayName("ReLU compaction lists exactly the positive entries in order, and zeroes the others, for every length 0..40")
    void reluCompactListsActiveUnits(String name, FloatKernels.RowCombination kernel) {
        SplittableRandom rng = new SplittableRandom(4);
        float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE};
        for (int len = 0; len <= 40; len++) {
            float[] z = new float[len];
            for (int k = 0; k < len; k++) z[k] = k % 5 == 4 ? special[k % 4] : (float) rng.nextGaussian();
            float[] before = z.clone();
            int[] active = new int[len];
            int count = kernel.reluCompact(z, active, len);
            List<Integer> expected = new java.util.ArrayList<>();
            for (int k = 0; k < len; k++) {
                if (before[k] > 0) expected.add(k);
                assertEquals(before[k] > 0 ? before[k] : 0f, z[k], 0f, "len " + len + ", z[" + k + "]");
            }
            List<Integer> actual = new java.util.ArrayList<>();
            for (int q = 0; q < count; q++) actual.add(active[q]);
            assertEquals(expected, actual, "len " + len);
        }
        // every unit active, with the list exactly len long: its end is reached inside vector tiles
        for (int len = 0; len <= 140; len++) {
            float[] z = new float[len];
            for (int k = 0; k < len; k++) z[k] = 1f + k;
            int[] active = new int[len];
            assertEquals(len, kernel.reluCompact(z, active, len), "len " + len + ", all active");
            for (int k = 0; k < len; k++) assertEquals(k, active[k], "len " + len + ", all active, entry " + k);
        }
        // NaN at 0 (inside a 16-lane vector tile) and at 17 (in the scalar tail), among −1, 1, 0
        float[] nan = new float[20];
        for (int k = 0; k < nan.length; k++) nan[k] = k % 3 - 1f;
        nan[0] = Float.NaN;
        nan[17] = Float.NaN;
        int[] active = new int[20];
        int count = kernel.reluCompact(nan, active, 20);
        assertEquals(List.of(0, 2, 5, 8, 11, 14, 17), java.util.Arrays.stream(active, 0, count).boxed().toList(), "NaN counts as active");
        assertTrue(Float.isNaN(nan[0]) && Float.isNaN(nan[17]), "NaN stays NaN");
    }

    @ParameterizedTest(name = "{0} kernel")
    @MethodSource("kernels")
    @DisplayName("a sparse row combination equals the dense sum, for 0 to 9 active rows and row lengths that use every loop of the kernels")
    void rowCombinationMatchesDenseSum(String name, FloatKernels.RowCombination kernel) {
        SplittableRandom rng = new SplittableRandom(2);
        // 213 = 8·16 + 4·16 + 16 + 5: the vector kernel's 8-, 4- and 1-vector tiles and scalar tail (16 lanes)
        for (int len : new int[] {1, 37, 128, 213}) {
            float[][] rows = new float[9][len];
            float[] coef = new float[9];
            for (int k = 0; k < 9; k++) {
                coef[k] = (float) rng.nextGaussian();
                for (int i = 0; i < len; i++) rows[k][i] = (float) rng.nextGaussian();
            }
            int[] active = {0, 2, 3, 4, 5, 6, 7, 8, 1};
            for (int count = 0; count <= 9; count++) {
                float[] y = new float[len];
                for (int i = 0; i < len; i++) y[i] = i;
                kernel.addRowCombination(y, rows, coef, active, count, len);
                for (int i = 0; i < len; i++) {
                    double expected = i;
                    for (int q = 0; q < count; q++) expected += (double) coef[active[q]] * rows[active[q]][i];
                    assertEquals(expected, y[i], 1e-5 * Math.max(1, i), "len " + len + ", count " + count + ", element " + i);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} kernel")
    @MethodSource("kernels")
    @DisplayName("affineRelu and maskedCombination give the same bits as the steps they fuse, for lengths that take and skip the fused tiles")
    void fusedLayersEqualTheirSteps(String name, FloatKernels.RowCombination kernel) {
        SplittableRandom rng = new SplittableRandom(6);
        // 128 and 256: one and two tiles of eight 16-float vectors; 8, 37 and 200: the unfused default
        for (int len : new int[] {8, 37, 128, 200, 256}) {
            float[][] rows = new float[9][len];
            float[] coef = new float[9], bias = new float[len], h = new float[len];
            for (int k = 0; k < 9; k++) {
                coef[k] = (float) rng.nextGaussian();
                for (int i = 0; i < len; i++) rows[k][i] = (float) rng.nextGaussian();
            }
            for (int i = 0; i < len; i++) {
                bias[i] = (float) rng.nextGaussian();
                h[i] = i % 7 == 3 ? Float.NaN : i % 3 == 0 ? 0f : Math.abs((float) rng.nextGaussian());
            }
            int[] hActive = new int[len];
            int hCount = FloatKernels.listActive(h, hActive, len);
            int[] active = {0, 2, 3, 4, 5, 6, 7, 8, 1};
            for (int count = 0; count <= 9; count++) {
                String where = "len " + len + ", count " + count;
                float[] expected = bias.clone();
                kernel.addRowCombination(expected, rows, coef, active, count, len);
                int[] expectedList = new int[len];
                int expectedCount = kernel.reluCompact(expected, expectedList, len);
                float[] actual = new float[len];
                java.util.Arrays.fill(actual, Float.NaN);
                int[] actualList = new int[len];
                assertEquals(expectedCount, kernel.affineRelu(actual, bias, rows, coef, active, count, actualList, len), where);
                assertArrayEquals(expected, actual, where + ": affineRelu's h");
                assertArrayEquals(java.util.Arrays.copyOf(expectedList, expectedCount), java.util.Arrays.copyOf(actualList, expectedCount), where + ": its list");

                float[] sum = new float[len];
                kernel.addRowCombination(sum, rows, coef, active, count, len);
                float[] masked = new float[len];
                kernel.keepActive(masked, sum, h, hActive, hCount, len);
                float[] fused = new float[len];
                java.util.Arrays.fill(fused, Float.NaN);  // every element must be overwritten
                kernel.maskedCombination(fused, rows, coef, active, count, h, hActive, hCount, new float[len], len);
                assertArrayEquals(masked, fused, where + ": maskedCombination");
            }
        }
    }

    @ParameterizedTest(name = "{0} kernel")
    @MethodSource("kernels")
    @DisplayName("dotActive and keepActive after reluCompact equal their sparse definitions, NaN counting as active, for lengths 0..40")
    void elementwiseKernelsFollowTheActiveList(String name, FloatKernels.RowCombination kernel) {
        SplittableRandom rng = new SplittableRandom(5);
        for (int len = 0; len <= 40; len++) {
            float[] h = new float[len], b = new float[len], src = new float[len], dst = new float[len];
            for (int k = 0; k < len; k++) {
                h[k] = k == 17 ? Float.NaN : (float) rng.nextGaussian();
                b[k] = (float) rng.nextGaussian();
                src[k] = (float) rng.nextGaussian();
                dst[k] = Float.NaN;  // every element must be overwritten
            }
            int[] active = new int[len];
            int count = kernel.reluCompact(h, active, len);
            kernel.keepActive(dst, src, h, active, count, len);
            double expected = 0, bound = 0;
            for (int k = 0, q = 0; k < len; k++) {
                boolean listed = q < count && active[q] == k;
                if (listed) q++;
                assertEquals(listed ? src[k] : 0f, dst[k], 0f, "len " + len + ", keepActive at " + k);
                if (listed && k != 17) {
                    expected += (double) h[k] * b[k];
                    bound += Math.abs((double) h[k] * b[k]);
                }
            }
            float dot = kernel.dotActive(h, b, active, count, len);
            if (len > 17) {
                assertTrue(Float.isNaN(dot), "len " + len + ": the NaN unit reaches the dot product");
            } else {
                // float summation of ≤ 40 terms: |error| ≤ 40 · 2⁻²⁴ · Σ|terms|
                assertEquals(expected, dot, 40 * 0x1p-24 * bound, "len " + len + ", dotActive");
            }
        }
    }
}
