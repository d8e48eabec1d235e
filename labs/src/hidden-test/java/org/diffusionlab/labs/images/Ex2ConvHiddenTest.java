package org.diffusionlab.labs.images;

import java.util.Map;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hidden grader (instructor only: instructor/release.sh leaves src/hidden-test out of the student
 * release). The convolution on shapes the visible graders never use: a 5×5 kernel with stride 3 and
 * padding 2 on a non-square single-channel image, an even 2×2 kernel, and a 1×1 kernel with stride 2,
 * which never reads some pixels (their gradient must stay 0).
 */
@Lab("images")
@DisplayName("Exercise 2 (hidden): the convolution on unseen shapes")
class Ex2ConvHiddenTest {

    /** {n, C_in, C_out, h, w, k, stride, padding}. */
    private static final int[][] CASES = {{1, 1, 2, 9, 7, 5, 3, 2}, {2, 3, 2, 6, 6, 2, 2, 0}, {2, 2, 3, 5, 6, 1, 2, 0}};

    private static String describe(int[] c) {
        return "n = " + c[0] + ", C_in = " + c[1] + ", C_out = " + c[2] + ", h×w = " + c[3] + "×" + c[4] + ", k = " + c[5]
                + ", stride = " + c[6] + ", padding = " + c[7];
    }

    @Test
    @Graded(exercise = "2.1", points = 1, visibility = "after_due_date")
    @DisplayName("forward matches the reference with a 5×5 kernel (stride 3, padding 2), a 2×2 kernel and a 1×1 kernel with stride 2")
    void forwardUnseenShapes() {
        long seed = 9200;
        for (int[] c : CASES) {
            Maps x = Reference.randn(c[0], c[1], c[3], c[4], seed++);
            double[] w = Reference.randn(c[2] * c[1] * c[5] * c[5], 0.4, seed++), b = Reference.randn(c[2], 0.5, seed++);
            Reference.assertMaps("Conv.forward is wrong (" + describe(c) + "); the output has ⌊(size + 2p − k)/s⌋ + 1 rows and columns",
                    describe(c), Reference.convForward(x, w, b, c[5], c[6], c[7]), Conv.forward(x, w, b, c[5], c[6], c[7]), Map.of());
        }
    }

    @Test
    @Graded(exercise = "2.2", points = 1, visibility = "after_due_date")
    @DisplayName("backward matches the reference on the same shapes; pixels no window reads get a zero gradient")
    void backwardUnseenShapes() {
        long seed = 9300;
        for (int[] c : CASES) {
            Maps x = Reference.randn(c[0], c[1], c[3], c[4], seed++);
            double[] w = Reference.randn(c[2] * c[1] * c[5] * c[5], 0.4, seed++);
            Maps dy = Reference.randn(c[0], c[2], Conv.outputSize(c[3], c[5], c[6], c[7]), Conv.outputSize(c[4], c[5], c[6], c[7]), seed++);
            Conv.Grads expected = Reference.convBackward(x, dy, w, c[5], c[6], c[7]);
            Conv.Grads got = Conv.backward(x, dy, w, c[5], c[6], c[7]);
            if (got == null) throw new AssertionError("Conv.backward returned null");
            Reference.assertMaps("Conv.backward: ∂L/∂x is wrong (" + describe(c) + "); a pixel that no window reads gets 0", describe(c),
                    expected.dx(), got.dx(), Map.of());
            Reference.assertClose("Conv.backward: ∂L/∂W is wrong (" + describe(c) + ")", describe(c), expected.dWeight(), got.dWeight(), Map.of());
            Reference.assertClose("Conv.backward: ∂L/∂b is wrong (" + describe(c) + ")", describe(c), expected.dBias(), got.dBias(), Map.of());
        }
    }
}
