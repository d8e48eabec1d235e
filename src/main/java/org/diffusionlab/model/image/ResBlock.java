package org.diffusionlab.model.image;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A residual block conditioned on the (time and label) embedding, as in the DDPM U-Net and the
 * reference notebook: for x (N×C_in×H×W) and the embedding e (N×D×1×1, already through SiLU),
 * <pre>
 *   h = SiLU(GN₁(conv₁(x))) + (A·e + a)[n, c]          (a per-channel shift, the same at every pixel)
 *   y = SiLU(GN₂(conv₂(h))) + skip(x)
 * </pre>
 * with 3×3 convolutions (padding 1, C_in → C_out → C_out), GroupNorm with G groups, and skip the
 * identity when C_in = C_out, else a 1×1 convolution. The shift is how the block learns to behave
 * differently at different noise levels (and, with a label embedding, for different labels).
 * Backward returns dL/dx and adds dL/de into the caller's accumulator, since every block of the
 * U-Net reads the same e.
 */
public final class ResBlock {

    private final int in;
    private final int out;
    private final Conv2d conv1;
    private final GroupNorm norm1;
    private final Silu act1 = new Silu();
    private final Linear shift;
    private final Conv2d conv2;
    private final GroupNorm norm2;
    private final Silu act2 = new Silu();
    private final Conv2d skip;
    /** The fast paths of GN₁+SiLU and GN₂+SiLU, or null for the readable layers. */
    private FastNormSilu fast1;
    private FastNormSilu fast2;

    /**
     * @param in C_in
     * @param out C_out, divisible by {@code groups}
     * @param embedding D, the size of e
     */
    public ResBlock(String name, int in, int out, int embedding, int groups, RandomGenerator rng) {
        this.in = in;
        this.out = out;
        this.conv1 = new Conv2d(name + ".conv1", in, out, 3, 1, 1, rng);
        this.norm1 = new GroupNorm(name + ".norm1", groups, out);
        this.shift = new Linear(name + ".shift", embedding, out, rng);
        this.conv2 = new Conv2d(name + ".conv2", out, out, 3, 1, 1, rng);
        this.norm2 = new GroupNorm(name + ".norm2", groups, out);
        this.skip = in == out ? null : new Conv2d(name + ".skip", in, out, 1, 1, 0, rng);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    /** y (N×C_out×H×W) from x (N×C_in×H×W) and e (N×D×1×1). */
    public Tensor forward(Tensor x, Tensor e) {
        if (e.n != x.n) throw new IllegalArgumentException("e has shape " + e.shape() + ", invalid: need one embedding per image (" + x.n + ")");
        Tensor c1 = conv1.forward(x);
        Tensor h = fast1 != null ? fast1.forward(c1) : act1.forward(norm1.forward(c1));
        Tensor s = shift.forward(e);
        int hw = h.h * h.w;
        images(h.n, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                for (int c = 0; c < out; c++) {
                    double v = s.data[n * out + c];
                    int base = (n * out + c) * hw;
                    for (int q = 0; q < hw; q++) h.data[base + q] += v;
                }
            }
        });
        Tensor c2 = conv2.forward(h);
        Tensor y = fast2 != null ? fast2.forward(c2) : act2.forward(norm2.forward(c2));
        Tensor r = skip == null ? x : skip.forward(x);
        addImages(y, r);
        return y;
    }

    /**
     * @param dy dL/dy
     * @param de dL/de accumulator (N×D×1×1): this block's share is added into it
     * @return dL/dx
     */
    public Tensor backward(Tensor dy, Tensor de) {
        Tensor dh = conv2.backward(fast2 != null ? fast2.backward(dy) : norm2.backward(act2.backward(dy)));
        int hw = dh.h * dh.w;
        Tensor ds = new Tensor(dh.n, out, 1, 1);
        images(dh.n, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                for (int c = 0; c < out; c++) {
                    double sum = 0;
                    int base = (n * out + c) * hw;
                    for (int q = 0; q < hw; q++) sum += dh.data[base + q];
                    ds.data[n * out + c] = sum;
                }
            }
        });
        Tensor dePart = shift.backward(ds);
        for (int i = 0; i < de.size(); i++) de.data[i] += dePart.data[i];
        Tensor dx = conv1.backward(fast1 != null ? fast1.backward(dh) : norm1.backward(act1.backward(dh)));
        Tensor dr = skip == null ? dy : skip.backward(dy);
        addImages(dx, dr);
        return dx;
    }

    /**
     * Runs body over the images [0, n): in one call on the readable path, split over the two
     * threads of {@link FastConv2d#parallel} on the fast path. Every element is computed by the
     * same operations either way, so the split does not change any result.
     */
    private void images(int n, FastConv2d.Range body) {
        if (fast1 == null) {
            body.run(0, n);
        } else {
            FastConv2d.parallel(n, FastConv2d.THREADS, body);
        }
    }

    /** y += r, elementwise (same shapes: the residual connection and its gradient). */
    private void addImages(Tensor y, Tensor r) {
        int per = y.c * y.h * y.w;
        images(y.n, (n0, n1) -> {
            for (int i = n0 * per; i < n1 * per; i++) y.data[i] += r.data[i];
        });
    }

    /** Switches both GroupNorm+SiLU pairs to {@link FastNormSilu} (true) or the readable layers (false); the convolutions are switched by the caller. */
    void useFastNormalization(boolean on) {
        fast1 = on ? new FastNormSilu(norm1) : null;
        fast2 = on ? new FastNormSilu(norm2) : null;
    }

    /** The block's Linear (the embedding's shift), to switch its fast path. */
    Linear shift() {
        return shift;
    }

    /** Every convolution of the block (to switch their fast path). */
    List<Conv2d> convolutions() {
        List<Conv2d> c = new ArrayList<>(List.of(conv1, conv2));
        if (skip != null) c.add(skip);
        return c;
    }

    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>();
        p.addAll(conv1.parameters());
        p.addAll(norm1.parameters());
        p.addAll(shift.parameters());
        p.addAll(conv2.parameters());
        p.addAll(norm2.parameters());
        if (skip != null) p.addAll(skip.parameters());
        return p;
    }
}
