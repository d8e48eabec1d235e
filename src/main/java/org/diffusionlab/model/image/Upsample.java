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
        return nearest2x(x, u, 0, x.n);
    }

    /** {@link #nearest2x(Tensor, Tensor)} for the images [n0, n1) only. */
    private static Tensor nearest2x(Tensor x, Tensor u, int n0, int n1) {
        for (int n = n0; n < n1; n++) {
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
        return nearest2xBackward(du, dx, 0, du.n);
    }

    /** {@link #nearest2xBackward(Tensor, Tensor)} for the images [n0, n1) only. */
    private static Tensor nearest2xBackward(Tensor du, Tensor dx, int n0, int n1) {
        for (int n = n0; n < n1; n++) {
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
        Tensor u = upsampled = FastConv2d.reuse(upsampled, x.n, x.c, 2 * x.h, 2 * x.w);
        // images are independent: split over the fast path's two threads, same values
        FastConv2d.parallel(x.n, FastConv2d.THREADS, (n0, n1) -> nearest2x(x, u, n0, n1));
        return conv.forward(u);
    }

    @Override
    public Tensor backward(Tensor dy) {
        Tensor du = conv.backward(dy), dx;
        if (conv.usesFastPath()) {
            Tensor d = dx = inputGradient = FastConv2d.reuse(inputGradient, du.n, du.c, du.h / 2, du.w / 2);
            Arrays.fill(d.data, 0);  // the blocks add into it
            FastConv2d.parallel(du.n, FastConv2d.THREADS, (n0, n1) -> nearest2xBackward(du, d, n0, n1));
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
