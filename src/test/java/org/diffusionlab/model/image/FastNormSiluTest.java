package org.diffusionlab.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    @DisplayName("forward and dL/dx equal the readable GroupNorm + SiLU bit for bit; dL/dγ, dL/dβ within summation rounding")
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

        FastNormSilu fast = new FastNormSilu(norm, 2);
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
    @DisplayName("1, 2 and 3 threads give the same output and gradients bit for bit")
    void independentOfThreadCount() {
        SplittableRandom rng = new SplittableRandom(5);
        GroupNorm norm = norm(rng);
        Tensor x = GradientCheck.random(7, 8, 3, 3, rng);
        Tensor r = GradientCheck.random(7, 8, 3, 3, rng);
        double[][] first = null;
        for (int threads = 1; threads <= 3; threads++) {
            FastNormSilu fast = new FastNormSilu(norm, threads);
            Tensor y = fast.forward(x);
            zero(norm);
            Tensor dx = fast.backward(r);
            double[][] now = {y.data, dx.data, norm.gamma().g().clone(), norm.beta().g().clone()};
            if (first == null) first = now;
            for (int i = 0; i < now.length; i++) assertArrayEquals(first[i], now[i], 0.0, "threads = " + threads + ", result " + i);
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
