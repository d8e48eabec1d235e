package org.diffusionlab.model.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class UNetTest {

    /** A tiny conditional U-Net: 4x4 grey images, two levels (4 -> 2 -> 1), 3 labels. */
    static UNet tiny(int classes, SplittableRandom rng) {
        return new UNet(new UNet.Config(1, 4, 4, 2, new int[] {1, 2}, 2, 4, 6, classes, 10), rng);
    }

    @Test
    @DisplayName("the whole U-Net (conditional, two levels): backward matches finite differences for the input and sampled entries of every parameter")
    void wholeNetworkGradient() {
        SplittableRandom rng = new SplittableRandom(7);
        UNet net = tiny(3, rng);
        Tensor x = GradientCheck.random(2, 1, 4, 4, rng);
        int[] t = {3, 9};
        int[] y = {2, LabelEmbedding.NO_LABEL};
        Tensor out = net.forward(x, t, y);
        assertEquals(x.shape(), out.shape());
        Tensor r = GradientCheck.random(2, 1, 4, 4, rng);
        net.zeroGradients();
        net.backward(r);
        double err = GradientCheck.maxError(() -> net.forward(x, t, y), r, null, null, net.parameters(), 6, rng);
        System.out.printf("gradient check %-40s max relative error %.2e (%d parameter arrays, %d numbers)%n",
                "whole U-Net", err, net.parameters().size(), net.parameterCount());
        assertTrue(err < 1e-5, "error " + err);
    }

    @Test
    @DisplayName("the default digits U-Net maps 8x8 to 8x8 and checks labels against the conditioning")
    void defaultShapes() {
        SplittableRandom rng = new SplittableRandom(8);
        UNet net = new UNet(UNet.Config.digits(10, 100), rng);
        Tensor x = GradientCheck.random(3, 1, 8, 8, rng);
        assertEquals("3x1x8x8", net.forward(x, new int[] {1, 50, 100}, new int[] {0, 9, -1}).shape());
        assertTrue(net.describe().contains("8x8x16 -> 4x4x32 -> mid 2x2x32"), net.describe());
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, new int[] {1, 2, 3}, null));
        UNet plain = new UNet(UNet.Config.digits(0, 100), rng);
        assertThrows(IllegalArgumentException.class, () -> plain.forward(x, new int[] {1, 2, 3}, new int[] {0, 0, 0}));
        assertEquals(1, UNet.Config.grey(14, 16, 0, 10).multipliers().length);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> UNet.Config.grey(9, 16, 0, 10));
        assertTrue(e.getMessage().contains("divisible by 2"), e.getMessage());
        IllegalArgumentException f = assertThrows(IllegalArgumentException.class,
                () -> new UNet.Config(1, 14, 14, 16, new int[] {1, 2}, 8, 32, 64, 0, 10));
        assertTrue(f.getMessage().contains("divisible by 4"), f.getMessage());
        assertEquals("2x1x28x28", new UNet(UNet.Config.grey(28, 8, 0, 10), rng).forward(GradientCheck.random(2, 1, 28, 28, rng), new int[] {1, 2}, null).shape());
    }
}
