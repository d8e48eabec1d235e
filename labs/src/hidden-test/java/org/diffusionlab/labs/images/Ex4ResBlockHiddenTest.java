package org.diffusionlab.labs.images;

import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Hidden grader (instructor only). The residual block on shapes the visible graders never use: one
 * image with 1×1 maps and one channel per group (GroupNorm then outputs β, so only the skip path
 * carries a gradient to x, and the shift none at all), a D = 1 embedding, and a wide non-square batch.
 */
@Lab("images")
@DisplayName("Exercise 4 (hidden): the residual block on unseen shapes")
class Ex4ResBlockHiddenTest {

    /** {n, C_in, C_out, h, w, D, G}. */
    private static final int[][] CASES = {{1, 4, 4, 1, 1, 1, 4}, {4, 2, 4, 2, 6, 3, 2}};

    private static String describe(int[] c) {
        return "n = " + c[0] + ", C_in = " + c[1] + ", C_out = " + c[2] + ", h×w = " + c[3] + "×" + c[4] + ", D = " + c[5] + ", groups = " + c[6];
    }

    private static Maps x(int[] c, long seed) {
        return Reference.randn(c[0], c[1], c[3], c[4], seed);
    }

    private static Maps e(int[] c, long seed) {
        return Reference.randn(c[0], c[5], 1, 1, seed);
    }

    @Test
    @Graded(exercise = "4.1", points = 1, visibility = "after_due_date")
    @DisplayName("forward matches the reference on 1×1 maps with one channel per group, and on a wide non-square batch")
    void forwardUnseenShapes() {
        long seed = 9500;
        for (int[] c : CASES) {
            Maps x = x(c, seed), e = e(c, seed + 1);
            ResBlock.Params p = ResBlock.Params.random(c[1], c[2], c[5], c[6], new SplittableRandom(seed + 2));
            seed += 10;
            Reference.assertMaps("ResBlock.forward is wrong (" + describe(c) + ")", describe(c), Reference.resBlockForward(x, e, p),
                    ResBlock.forward(x, e, p, Reference.layers()), Map.of());
        }
    }

    @Test
    @Graded(exercise = "4.2", points = 1, visibility = "after_due_date")
    @DisplayName("backward matches the reference on the same shapes (on 1×1 maps only the skip path reaches x)")
    void backwardUnseenShapes() {
        long seed = 9600;
        for (int[] c : CASES) {
            Maps x = x(c, seed), e = e(c, seed + 1), dy = Reference.randn(c[0], c[2], c[3], c[4], seed + 3);
            ResBlock.Params p = ResBlock.Params.random(c[1], c[2], c[5], c[6], new SplittableRandom(seed + 2));
            seed += 10;
            ResBlock.Grads expected = Reference.resBlockBackward(x, e, p, dy);
            ResBlock.Grads got = ResBlock.backward(x, e, p, dy, Reference.layers());
            if (got == null || got.dx() == null || got.de() == null || got.dParams() == null) {
                throw new AssertionError("ResBlock.backward returned null or a Grads with a null part");
            }
            Reference.assertMaps("ResBlock.backward: ∂L/∂x is wrong (" + describe(c) + ")", describe(c), expected.dx(), got.dx(), Map.of());
            Reference.assertMaps("ResBlock.backward: ∂L/∂e is wrong (" + describe(c) + ")", describe(c), expected.de(), got.de(), Map.of());
            Reference.assertClose("ResBlock.backward: ∂L/∂A is wrong (" + describe(c) + ")", describe(c), expected.dParams().shiftWeight(),
                    got.dParams().shiftWeight(), Map.of());
            Reference.assertClose("ResBlock.backward: ∂L/∂W₁ is wrong (" + describe(c) + ")", describe(c), expected.dParams().conv1Weight(),
                    got.dParams().conv1Weight(), Map.of());
        }
    }
}
