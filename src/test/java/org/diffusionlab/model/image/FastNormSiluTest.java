package org.diffusionlab.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fused GroupNorm+SiLU fast path computes what the two readable layers compute, on any number of threads. */
class FastNormSiluTest {

    /** A GroupNorm with γ and β away from their 1 / 0 start, so that both enter the formulas. */
    private static GroupNorm norm(SplittableRandom rng) {
        GroupNorm norm = new GroupNorm("gn", 4, 8);
        for (int c = 0; c < 8; c++) {
            norm.gamma().w()[c] = 0.5 + rng.nextDouble();
            norm.beta().w()[c] = rng.nextDouble() - 0.5;
        }
        return norm;
    }

    private static void zero(GroupNorm norm) {
        for (Parameter p : norm.parameters()) p.zeroGradient();
    }

    @Test
    @DisplayName("plain: forward and dL/dx equal the readable GroupNorm + SiLU bit for bit; dL/dγ, dL/dβ within summation rounding")
    void agreesWithReadableLayers() {
        SplittableRandom rng = new SplittableRandom(3);
        GroupNorm norm = norm(rng);
        Silu silu = new Silu();
        Tensor x = GradientCheck.random(5, 8, 4, 4, rng);
        Tensor r = GradientCheck.random(5, 8, 4, 4, rng);
        Tensor y = silu.forward(norm.forward(x));
        zero(norm);
        Tensor dx = norm.backward(silu.backward(r));
        double[] dGamma = norm.gamma().g().clone(), dBeta = norm.beta().g().clone();

        FastNormSilu fast = new FastNormSilu(norm, 2, FastNormSilu.PLAIN);
        Tensor yf = fast.forward(x);
        zero(norm);
        Tensor dxf = fast.backward(r);
        assertArrayEquals(y.data, yf.data, 0.0);
        assertArrayEquals(dx.data, dxf.data, 0.0);
        // the sums over 5 images × 16 pixels are only reordered: a few ulps of their magnitude (≤ 80 terms of |·| ≤ ~10)
        assertArrayEquals(dGamma, norm.gamma().g(), 1e-12);
        assertArrayEquals(dBeta, norm.beta().g(), 1e-12);
        assertTrue(FastConv2dTest.difference(norm.gamma().g(), new double[8]) > 1e-3, "γ's gradient is not trivially zero");
    }

    @Test
    @DisplayName("Vector API: output and gradients equal the readable GroupNorm + SiLU within 1e-12 (its exponential may differ in the last bits)")
    void vectorAgreesWithReadableLayers() {
        assumeTrue(FastNormSilu.VECTOR != null, "this JVM has no Vector API module (Maven's test run has it)");
        SplittableRandom rng = new SplittableRandom(4);
        GroupNorm norm = norm(rng);
        Silu silu = new Silu();
        // 8×8 and 3×3 pixels: whole vectors, and a channel shorter than one vector (the scalar tail alone)
        for (int side : new int[] {8, 3}) {
            Tensor x = GradientCheck.random(5, 8, side, side, rng);
            Tensor r = GradientCheck.random(5, 8, side, side, rng);
            Tensor y = silu.forward(norm.forward(x));
            zero(norm);
            Tensor dx = norm.backward(silu.backward(r));
            double[] dGamma = norm.gamma().g().clone(), dBeta = norm.beta().g().clone();
            FastNormSilu fast = new FastNormSilu(norm, 2, FastNormSilu.VECTOR);
            Tensor yf = fast.forward(x);
            zero(norm);
            Tensor dxf = fast.backward(r);
            // e^{-z} within a few ulps (2^-52 ≈ 2.2e-16 relative) moves σ, y and, through the group means of ≤ 320
            // terms, dL/dx and the parameter sums by ≲ 1e-13 of their scale; 1e-12 leaves a margin and is still far
            // below the float rounding (≈ 1e-7) that the convolutions around this layer add
            double worst = Math.max(Math.max(FastConv2dTest.difference(yf.data, y.data), FastConv2dTest.difference(dxf.data, dx.data)),
                    Math.max(FastConv2dTest.difference(norm.gamma().g(), dGamma), FastConv2dTest.difference(norm.beta().g(), dBeta)));
            System.out.printf("fast GroupNorm+SiLU (vector), %dx%d: largest difference from the readable layers %.1e%n", side, side, worst);
            assertTrue(worst < 1e-12, "difference " + worst);
        }
    }

    @Test
    @DisplayName("1, 2 and 3 threads give the same output and gradients bit for bit, also on a second call (the fastest activation of this JVM)")
    void independentOfThreadCount() {
        SplittableRandom rng = new SplittableRandom(5);
        GroupNorm norm = norm(rng);
        Tensor x = GradientCheck.random(7, 8, 3, 3, rng);
        Tensor r = GradientCheck.random(7, 8, 3, 3, rng);
        double[][] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            FastNormSilu fast = new FastNormSilu(norm, threads, FastNormSilu.fastest());
            // twice on one instance: the second call writes into the tensors and buffers the first returned
            for (int call = 1; call <= 2; call++) {
                Tensor y = fast.forward(x);
                zero(norm);
                Tensor dx = fast.backward(r);
                double[][] now = {y.data.clone(), dx.data.clone(), norm.gamma().g().clone(), norm.beta().g().clone()};
                if (first == null) first = now;
                for (int i = 0; i < now.length; i++) assertArrayEquals(first[i], now[i], 0.0, "threads = " + threads + ", call " + call + ", result " + i);
            }
        }
    }

    @Test
    @DisplayName("bad input is rejected early with its value")
    void rejectsBadInput() {
        GroupNorm norm = new GroupNorm("gn", 2, 4);
        assertThrows(IllegalArgumentException.class, () -> new FastNormSilu(norm, 0));
        FastNormSilu fast = new FastNormSilu(norm, 2);
        assertThrows(IllegalStateException.class, () -> fast.backward(new Tensor(1, 4, 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> fast.forward(new Tensor(1, 3, 2, 2)));
        fast.forward(new Tensor(1, 4, 2, 2));
        assertThrows(IllegalArgumentException.class, () -> fast.backward(new Tensor(2, 4, 2, 2)));
    }
}
