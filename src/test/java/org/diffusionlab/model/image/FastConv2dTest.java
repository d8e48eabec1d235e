package org.diffusionlab.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast path (im2col, float, two threads) agrees with the readable loops to float tolerance. */
class FastConv2dTest {

    /** max |a − b| / max(max |b|, 1). */
    static double difference(double[] a, double[] b) {
        double worst = 0, scale = 1;
        for (double v : b) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        return worst / scale;
    }

    /** Both products when this JVM has the Vector API module (Maven's test run does), else the plain ones. */
    static Stream<Arguments> products() {
        Stream<Arguments> plain = Stream.of(Arguments.of("plain", FastConv2d.PLAIN));
        return FastConv2d.VECTOR != null ? Stream.concat(plain, Stream.of(Arguments.of("vector", FastConv2d.VECTOR))) : plain;
    }

    @Test
    @DisplayName("the Vector API products are loaded whenever the JVM has the module (always in Maven's test run)")
    void vectorProductsLoaded() {
        boolean module = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        if (Boolean.getBoolean("diffusionlab.expectVectorKernels")) {
            assertTrue(module, "src/pom.xml runs the tests with the Vector API module, so both products get tested");
        }
        assertTrue(FastConv2d.fastest() == (module ? FastConv2d.VECTOR : FastConv2d.PLAIN));
    }

    @ParameterizedTest(name = "{0} products")
    @MethodSource("products")
    @DisplayName("FastConv2d: output, input gradient and parameter gradients equal the readable Conv2d's within 1e-5 (3x3 p1 s1, 3x3 p1 s2, 1x1, "
            + "batches over several chunks; row, column and depth counts that leave every tail of the vector blocks)")
    void agreesWithReference(String name, FastConv2d.Products products) {
        // in, out, k, stride, padding, side, batch (the last two cases span several chunks of 2048 columns)
        int[][] cases = {{5, 7, 3, 1, 1, 8, 5}, {6, 4, 3, 2, 1, 8, 5}, {9, 5, 1, 1, 0, 4, 5}, {3, 3, 3, 1, 1, 7, 5},
            {2, 3, 3, 1, 1, 8, 70}, {2, 2, 3, 2, 1, 14, 45}};
        for (int[] c : cases) {
            SplittableRandom rng = new SplittableRandom(c[0] * 31 + c[1]);
            Conv2d conv = new Conv2d("c", c[0], c[1], c[2], c[3], c[4], rng);
            Tensor x = GradientCheck.random(c[6], c[0], c[5], c[5], rng);
            Tensor y = conv.forward(x);
            Tensor r = GradientCheck.random(y.n, y.c, y.h, y.w, rng);
            for (Parameter p : conv.parameters()) p.zeroGradient();
            Tensor dx = conv.backward(r);
            double[] dW = conv.weight.g().clone(), dB = conv.bias.g().clone();

            FastConv2d fast = new FastConv2d(conv, products);
            Tensor yf = fast.forward(x);
            for (Parameter p : conv.parameters()) p.zeroGradient();
            Tensor dxf = fast.backward(r);
            double worst = Math.max(Math.max(difference(yf.data, y.data), difference(dxf.data, dx.data)),
                    Math.max(difference(conv.weight.g(), dW), difference(conv.bias.g(), dB)));
            System.out.printf("fast conv (" + name + ") %s: largest difference from the readable path %.1e%n", java.util.Arrays.toString(c), worst);
            assertTrue(worst < 1e-5, "difference " + worst);
        }
    }

    @ParameterizedTest(name = "{0} products")
    @MethodSource("products")
    @DisplayName("FastConv2d: 1, 2 and 3 threads give the same output and gradients bit for bit, also when backward rebuilds X_col and on a second call")
    void independentOfThreadCount(String name, FastConv2d.Products products) {
        // in, out, k, stride, padding, side, batch: one chunk per half (X_col kept), several chunks per half, stride 2, odd batch
        int[][] cases = {{5, 7, 3, 1, 1, 8, 9}, {2, 3, 3, 1, 1, 8, 70}, {6, 4, 3, 2, 1, 8, 5}, {3, 2, 1, 1, 0, 4, 1}};
        for (int[] c : cases) {
            SplittableRandom rng = new SplittableRandom(c[0] * 17 + c[6]);
            Conv2d conv = new Conv2d("c", c[0], c[1], c[2], c[3], c[4], rng);
            Tensor x = GradientCheck.random(c[6], c[0], c[5], c[5], rng);
            Tensor r = GradientCheck.random(c[6], c[1], conv.outputSize(c[5]), conv.outputSize(c[5]), rng);
            double[][] first = null;
            for (int threads = 1; threads <= 3; threads++) {
                FastConv2d fast = new FastConv2d(conv, products, threads);
                // twice on one instance: the second call writes into the tensors and buffers the first returned
                for (int call = 1; call <= 2; call++) {
                    Tensor y = fast.forward(x);
                    for (Parameter p : conv.parameters()) p.zeroGradient();
                    Tensor dx = fast.backward(r);
                    double[][] now = {y.data.clone(), dx.data.clone(), conv.weight.g().clone(), conv.bias.g().clone()};
                    if (first == null) first = now;
                    for (int i = 0; i < now.length; i++) {
                        assertArrayEquals(first[i], now[i], 0.0, java.util.Arrays.toString(c) + ", threads = " + threads + ", call " + call + ", result " + i);
                    }
                }
            }
        }
    }

    @Test
    @DisplayName("FastConv2d rejects a thread count below 1 with its value")
    void rejectsBadThreadCount() {
        Conv2d conv = new Conv2d("c", 1, 1, 3, 1, 1, new SplittableRandom(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new FastConv2d(conv, FastConv2d.PLAIN, 0));
        assertTrue(e.getMessage().contains("threads = 0"), e.getMessage());
    }

    @Test
    @DisplayName("a U-Net on the fast path gives the readable U-Net's output and gradients within 1e-4, and repeats a step bit for bit while reusing its tensors")
    void wholeNetwork() {
        SplittableRandom rng = new SplittableRandom(11);
        UNet net = new UNet(UNet.Config.digits(10, 50), rng);
        Tensor x = GradientCheck.random(6, 1, 8, 8, rng);
        int[] t = {1, 5, 10, 20, 40, 50};
        int[] y = {0, 1, 2, 3, -1, 9};
        Tensor out = net.forward(x, t, y);
        Tensor r = GradientCheck.random(6, 1, 8, 8, rng);
        net.zeroGradients();
        net.backward(r);
        List<double[]> grads = net.parameters().stream().map(p -> p.g().clone()).toList();
        net.useFastPath(true);
        Tensor outFast = net.forward(x, t, y);
        net.zeroGradients();
        net.backward(r);
        double worst = difference(outFast.data, out.data);
        for (int i = 0; i < grads.size(); i++) worst = Math.max(worst, difference(net.parameters().get(i).g(), grads.get(i)));
        System.out.printf("fast U-Net: largest difference from the readable path %.1e%n", worst);
        assertTrue(worst < 1e-4, "difference " + worst);

        // the fast layers reuse their tensors between steps: a second step with other inputs must not change the
        // first output (the caller keeps it), and a third with the first inputs must repeat the first step bit for bit
        double[] kept = outFast.data.clone();
        List<double[]> fastGrads = net.parameters().stream().map(p -> p.g().clone()).toList();
        Tensor other = net.forward(GradientCheck.random(6, 1, 8, 8, rng), new int[] {2, 3, 4, 5, 6, 7}, new int[] {-1, 0, 1, 2, 3, 4});
        net.zeroGradients();
        net.backward(GradientCheck.random(6, 1, 8, 8, rng));
        assertArrayEquals(kept, outFast.data, 0.0, "the first output after a second forward");
        assertTrue(difference(other.data, kept) > 1e-3, "the second input gives another output");
        Tensor again = net.forward(x, t, y);
        net.zeroGradients();
        net.backward(r);
        assertArrayEquals(kept, again.data, 0.0, "output of the repeated step");
        for (int i = 0; i < fastGrads.size(); i++) assertArrayEquals(fastGrads.get(i), net.parameters().get(i).g(), 0.0, "gradient " + i + " of the repeated step");
    }
}
