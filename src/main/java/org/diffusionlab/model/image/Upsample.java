package org.diffusionlab.model.image;

import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Doubles the image: nearest-neighbour ×2 (each pixel copied into a 2×2 block,
 * u[n, c, i, j] = x[n, c, ⌊i/2⌋, ⌊j/2⌋]), then a 3×3 convolution with padding 1 (C → C) that
 * smooths the blocks. Backward of the copy: each input pixel receives the sum of dL/du over its
 * 2×2 block.
 */
public final class Upsample implements Layer {

    private final Conv2d conv;
    private int inputH;
    private int inputW;
    /** On the fast path: the upsampled input and dx, reused as {@link FastConv2d#reuse} describes. */
    private Tensor upsampled;
    private Tensor inputGradient;

    public Upsample(String name, int channels, RandomGenerator rng) {
        this.conv = new Conv2d(name + ".conv", channels, channels, 3, 1, 1, rng);
    }

    Conv2d conv() {
        return conv;
    }

    /** u[n, c, i, j] = x[n, c, ⌊i/2⌋, ⌊j/2⌋] (shape N×C×2H×2W). */
    public static Tensor nearest2x(Tensor x) {
        return nearest2x(x, new Tensor(x.n, x.c, 2 * x.h, 2 * x.w));
    }

    /** {@link #nearest2x(Tensor)} written into u (N×C×2H×2W, every element overwritten). */
    static Tensor nearest2x(Tensor x, Tensor u) {
        for (int n = 0; n < x.n; n++) {
            for (int c = 0; c < x.c; c++) {
                for (int i = 0; i < u.h; i++) {
                    for (int j = 0; j < u.w; j++) u.data[u.index(n, c, i, j)] = x.data[x.index(n, c, i / 2, j / 2)];
                }
            }
        }
        return u;
    }

    /** The backward of {@link #nearest2x}: sums each 2×2 block of du. */
    public static Tensor nearest2xBackward(Tensor du) {
        return nearest2xBackward(du, new Tensor(du.n, du.c, du.h / 2, du.w / 2));
    }

    /** {@link #nearest2xBackward(Tensor)} added into dx (N×C×H/2×W/2, zeros). */
    static Tensor nearest2xBackward(Tensor du, Tensor dx) {
        for (int n = 0; n < du.n; n++) {
            for (int c = 0; c < du.c; c++) {
                for (int i = 0; i < du.h; i++) {
                    for (int j = 0; j < du.w; j++) dx.data[dx.index(n, c, i / 2, j / 2)] += du.data[du.index(n, c, i, j)];
                }
            }
        }
        return dx;
    }

    @Override
    public Tensor forward(Tensor x) {
        inputH = x.h;
        inputW = x.w;
        if (!conv.usesFastPath()) return conv.forward(nearest2x(x));
        upsampled = FastConv2d.reuse(upsampled, x.n, x.c, 2 * x.h, 2 * x.w);
        return conv.forward(nearest2x(x, upsampled));
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor du = conv.backward(dy), dx;
        if (conv.usesFastPath()) {
            dx = inputGradient = FastConv2d.reuse(inputGradient, du.n, du.c, du.h / 2, du.w / 2);
            Arrays.fill(dx.data, 0);  // the blocks add into it
            nearest2xBackward(du, dx);
        } else {
            dx = nearest2xBackward(du);
        }
        if (dx.h != inputH || dx.w != inputW) throw new IllegalStateException("dy does not match the last forward");
        return dx;
    }

    @Override
    public List<Parameter> parameters() {
        return conv.parameters();
    }
}
