package org.diffusionlab.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The fast Linear computes the readable layer's sums in the same order: the same numbers, on any number of threads. */
class FastLinearTest {

    @Test
    @DisplayName("forward, dL/dx, dL/dW and dL/db equal the readable Linear's bit for bit with 1, 2 and 3 threads (odd sizes, gradients accumulated twice)")
    void equalsReadableLayer() {
        SplittableRandom rng = new SplittableRandom(8);
        Linear linear = new Linear("fc", 7, 5, rng);
        Tensor x = GradientCheck.random(9, 7, 1, 1, rng);
        Tensor r = GradientCheck.random(9, 5, 1, 1, rng);
        Tensor y = linear.forward(x);
        for (Parameter p : linear.parameters()) p.zeroGradient();
        linear.backward(r);
        Tensor dx = linear.backward(r);  // twice: the gradients accumulate
        double[] dW = linear.weight.g().clone(), dB = linear.bias.g().clone();
        assertTrue(FastConv2dTest.difference(dW, new double[dW.length]) > 1e-3, "the weight gradient is not trivially zero");
        for (int threads = 1; threads <= 3; threads++) {
            FastLinear fast = new FastLinear(linear, threads);
            for (Parameter p : linear.parameters()) p.zeroGradient();
            Tensor yf = fast.forward(x);
            fast.backward(r);
            Tensor dxf = fast.backward(r);
            assertArrayEquals(y.data, yf.data, 0.0, "y, threads = " + threads);
            assertArrayEquals(dx.data, dxf.data, 0.0, "dx, threads = " + threads);
            assertArrayEquals(dW, linear.weight.g(), 0.0, "dW, threads = " + threads);
            assertArrayEquals(dB, linear.bias.g(), 0.0, "db, threads = " + threads);
        }
    }

    @Test
    @DisplayName("Linear.useFastPath switches to the fast path and back; bad input is rejected early with its value")
    void switchAndBadInput() {
        SplittableRandom rng = new SplittableRandom(9);
        Linear linear = new Linear("fc", 3, 2, rng);
        Tensor x = GradientCheck.random(4, 3, 1, 1, rng);
        Tensor y = linear.forward(x);
        linear.useFastPath(true);
        assertArrayEquals(y.data, linear.forward(x).data, 0.0);
        assertThrows(IllegalArgumentException.class, () -> linear.forward(GradientCheck.random(4, 2, 1, 1, rng)));
        assertThrows(IllegalArgumentException.class, () -> linear.backward(GradientCheck.random(3, 2, 1, 1, rng)));
        assertThrows(IllegalArgumentException.class, () -> new FastLinear(linear, 0));
        assertThrows(IllegalStateException.class, () -> new FastLinear(linear, 1).backward(GradientCheck.random(4, 2, 1, 1, rng)));
        linear.useFastPath(false);
        assertArrayEquals(y.data, linear.forward(x).data, 0.0);
    }
}
