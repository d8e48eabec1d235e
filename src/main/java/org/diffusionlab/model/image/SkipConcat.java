package org.diffusionlab.model.image;

/**
 * The U-Net's skip connection: the decoder's feature maps a (N×C_a×H×W) and the encoder's saved
 * maps b (N×C_b×H×W) stacked along the channels into N×(C_a + C_b)×H×W, a's channels first. Its
 * backward just splits dL/dy back into the two parts: concatenation copies, so each input
 * receives exactly the gradient of its own channels.
 */
public final class SkipConcat {

    private SkipConcat() {}

    /** [a, b] along the channels. */
    public static Tensor concat(Tensor a, Tensor b) {
        return concat(a, b, null);
    }

    /**
     * [a, b] along the channels, written into {@code into} when it has the result's shape (the fast
     * path keeps it between steps), else into a new tensor.
     */
    static Tensor concat(Tensor a, Tensor b, Tensor into) {
        if (a.n != b.n || a.h != b.h || a.w != b.w) {
            throw new IllegalArgumentException("b has shape " + b.shape() + ", invalid: must match a = " + a.shape() + " except in channels");
        }
        Tensor y = FastConv2d.reuse(into, a.n, a.c + b.c, a.h, a.w);  // every element written below
        int hw = a.h * a.w;
        for (int n = 0; n < a.n; n++) {
            System.arraycopy(a.data, n * a.c * hw, y.data, n * y.c * hw, a.c * hw);
            System.arraycopy(b.data, n * b.c * hw, y.data, (n * y.c + a.c) * hw, b.c * hw);
        }
        return y;
    }

    /**
     * The backward of {@link #concat}: dL/dy split into {dL/da, dL/db}.
     *
     * @param aChannels C_a, in 1..C−1
     */
    public static Tensor[] split(Tensor dy, int aChannels) {
        return split(dy, aChannels, new Tensor[2]);
    }

    /**
     * {@link #split(Tensor, int)} into {@code into[0]} and {@code into[1]} when they have the parts'
     * shapes (the fast path keeps them between steps), else into new tensors stored there.
     *
     * @return {@code into}
     */
    static Tensor[] split(Tensor dy, int aChannels, Tensor[] into) {
        if (aChannels < 1 || aChannels >= dy.c) {
            throw new IllegalArgumentException("aChannels = " + aChannels + " is invalid: must lie in [1, " + (dy.c - 1) + "]");
        }
        int bChannels = dy.c - aChannels, hw = dy.h * dy.w;
        Tensor da = into[0] = FastConv2d.reuse(into[0], dy.n, aChannels, dy.h, dy.w);  // every element written below
        Tensor db = into[1] = FastConv2d.reuse(into[1], dy.n, bChannels, dy.h, dy.w);
        for (int n = 0; n < dy.n; n++) {
            System.arraycopy(dy.data, n * dy.c * hw, da.data, n * aChannels * hw, aChannels * hw);
            System.arraycopy(dy.data, (n * dy.c + aChannels) * hw, db.data, n * bChannels * hw, bChannels * hw);
        }
        return into;
    }
}
