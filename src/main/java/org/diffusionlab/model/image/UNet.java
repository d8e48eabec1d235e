package org.diffusionlab.model.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * A small U-Net that predicts, from a noisy image x_t, the step t and optionally a label y, the
 * network output of the chosen parametrization (ε by default). With L levels of channels
 * c_l = base·m_l (multipliers m_0..m_{L−1}) and an image of H×W, the shapes are (N images):
 * <pre>
 *   input x                          N × C_img × H × W
 *   in-conv 3×3                      N × c_0 × H × W
 *   level l = 0..L−1 (size H/2^l):
 *     enc_l  ResBlock c_{l−1} → c_l  N × c_l × H/2^l × W/2^l   (c_{−1} = c_0)  saved as skip_l
 *     down_l stride-2 conv           N × c_l × H/2^{l+1} × W/2^{l+1}
 *   mid     ResBlock c_{L−1} → c_{L−1}  at H/2^L
 *   level l = L−1..0:
 *     up_l   nearest ×2 + conv 3×3   N × c' × H/2^l × W/2^l      (c' = channels coming up)
 *     concat skip_l                  N × (c' + c_l) × H/2^l × W/2^l
 *     dec_l  ResBlock c' + c_l → c_l N × c_l × H/2^l × W/2^l
 *   out: GroupNorm, SiLU, conv 3×3  N × C_img × H × W
 * </pre>
 * The default for 8×8 digits is base 16, multipliers (1, 2): 8×8×16 → 4×4×32 → 2×2×32 (mid) →
 * 4×4×32 → 8×8×16 → 8×8×1. For 28×28 the same two levels give 28 → 14 → 7. H and W must be
 * divisible by 2^L.
 *
 * <p>Every ResBlock receives the same embedding SiLU(e), where e = TimeMlp(t) (+ LabelEmbedding(y)
 * when the network is conditional).
 */
public final class UNet implements ImageDenoiser {

    /**
     * The architecture.
     *
     * @param imageChannels C_img (1 for grey images)
     * @param height H
     * @param width W
     * @param base channels of the first level
     * @param multipliers m_0..m_{L−1}, each ≥ 1
     * @param groups GroupNorm groups; must divide every c_l and every concatenation width
     * @param timeFeatures sinusoidal features k of t (even)
     * @param embedding D, the width of the time (and label) embedding
     * @param classes number of labels, or 0 for an unconditional network
     * @param T the number of diffusion steps (t in 1..T)
     */
    public record Config(int imageChannels, int height, int width, int base, int[] multipliers, int groups,
                         int timeFeatures, int embedding, int classes, int T) {

        public Config {
            multipliers = multipliers.clone();
            if (imageChannels < 1) throw new IllegalArgumentException("imageChannels = " + imageChannels + " is invalid: must be >= 1");
            if (base < 1) throw new IllegalArgumentException("base = " + base + " is invalid: must be >= 1");
            if (multipliers.length < 1) throw new IllegalArgumentException("multipliers = [] is invalid: need at least one level");
            int scale = 1 << multipliers.length;
            if (height % scale != 0 || width % scale != 0) {
                throw new IllegalArgumentException("height x width = " + height + "x" + width + " is invalid: "
                        + multipliers.length + " levels need both divisible by " + scale);
            }
            for (int m : multipliers) {
                if (m < 1 || (base * m) % groups != 0) {
                    throw new IllegalArgumentException("multipliers = " + Arrays.toString(multipliers) + " is invalid with base "
                            + base + " and groups " + groups + ": every base*m must be >= 1 and divisible by groups");
                }
            }
            if (classes < 0) throw new IllegalArgumentException("classes = " + classes + " is invalid: must be >= 0 (0 = unconditional)");
            if (T < 1) throw new IllegalArgumentException("T = " + T + " is invalid: must be >= 1");
        }

        /** The default for 8×8 grey digits: base 16, multipliers (1, 2), 8 groups, k = 32, D = 64. */
        public static Config digits(int classes, int T) {
            return new Config(1, 8, 8, 16, new int[] {1, 2}, 8, 32, 64, classes, T);
        }

        /**
         * A square grey image of side H at a given base width: two levels (1, 2) when H is divisible
         * by 4 (8 → 4 → 2, 28 → 14 → 7), else one level (14 → 7); H must be even.
         */
        public static Config grey(int side, int base, int classes, int T) {
            int[] levels = side % 4 == 0 ? new int[] {1, 2} : new int[] {1};
            return new Config(1, side, side, base, levels, 8, 32, 4 * base, classes, T);
        }

        @Override
        public int[] multipliers() {
            return multipliers.clone();
        }

        public boolean conditional() {
            return classes > 0;
        }
    }

    private final Config config;
    private final Conv2d inConv;
    private final TimeMlp time;
    private final LabelEmbedding label;
    private final Silu embeddingAct = new Silu();
    private final List<ResBlock> encoders = new ArrayList<>();
    private final List<Downsample> downs = new ArrayList<>();
    private final ResBlock mid;
    private final List<Upsample> ups = new ArrayList<>();
    private final List<ResBlock> decoders = new ArrayList<>();
    private final GroupNorm outNorm;
    private final Silu outAct = new Silu();
    private final Conv2d outConv;
    /** The fast path of outNorm + outAct, or null for the readable layers. */
    private FastNormSilu outFast;
    private int[] upChannels;
    /** On the fast path: per decoder the concatenated input and the two parts of its gradient, and dL/de; reused between steps. */
    private final List<Tensor> concatenated = new ArrayList<>();
    private final List<Tensor[]> splitGradients = new ArrayList<>();
    private Tensor embeddingGradient;

    public UNet(Config config, RandomGenerator rng) {
        this.config = config;
        int[] m = config.multipliers();
        int L = m.length, G = config.groups(), D = config.embedding();
        int c0 = config.base() * m[0];
        inConv = new Conv2d("in", config.imageChannels(), c0, 3, 1, 1, rng);
        time = new TimeMlp("time", config.timeFeatures(), D, rng);
        label = config.conditional() ? new LabelEmbedding("label", config.classes(), D, rng) : null;
        int previous = c0;
        for (int l = 0; l < L; l++) {
            int c = config.base() * m[l];
            encoders.add(new ResBlock("enc" + l, previous, c, D, G, rng));
            downs.add(new Downsample("down" + l, c, rng));
            previous = c;
        }
        mid = new ResBlock("mid", previous, previous, D, G, rng);
        upChannels = new int[L];
        for (int l = L - 1; l >= 0; l--) {
            int c = config.base() * m[l];
            ups.add(new Upsample("up" + l, previous, rng));
            upChannels[l] = previous;
            if ((previous + c) % G != 0) throw new IllegalArgumentException("groups = " + G + " is invalid: must divide " + (previous + c));
            decoders.add(new ResBlock("dec" + l, previous + c, c, D, G, rng));
            previous = c;
        }
        outNorm = new GroupNorm("out.norm", G, previous);
        outConv = new Conv2d("out.conv", previous, config.imageChannels(), 3, 1, 1, rng);
    }

    @Override
    public Config config() {
        return config;
    }

    /**
     * The network output for a batch.
     *
     * @param x N × C_img × H × W
     * @param t N steps in 1..T
     * @param labels N labels (0..classes−1 or {@link LabelEmbedding#NO_LABEL}), or null for an unconditional network
     * @return N × C_img × H × W
     */
    @Override
    public Tensor forward(Tensor x, int[] t, int[] labels) {
        Tensor.requireShape("x", x, config.imageChannels(), config.height(), config.width());
        if (t.length != x.n) throw new IllegalArgumentException("t.length = " + t.length + " is invalid: need one step per image (" + x.n + ")");
        Tensor e = time.forward(t, config.T());
        if (label != null) {
            if (labels == null || labels.length != x.n) {
                throw new IllegalArgumentException("labels is invalid: a conditional network needs one label per image (" + x.n
                        + "); use NO_LABEL (-1) for none");
            }
            Tensor le = label.forward(labels);
            for (int i = 0; i < e.size(); i++) e.data[i] += le.data[i];
        } else if (labels != null) {
            throw new IllegalArgumentException("labels is invalid: this network is unconditional (classes = 0); pass null");
        }
        Tensor emb = embeddingAct.forward(e);
        Tensor h = inConv.forward(x);
        List<Tensor> skips = new ArrayList<>();
        for (int l = 0; l < encoders.size(); l++) {
            h = encoders.get(l).forward(h, emb);
            skips.add(h);
            h = downs.get(l).forward(h);
        }
        h = mid.forward(h, emb);
        for (int i = 0; i < ups.size(); i++) {
            int l = encoders.size() - 1 - i;
            h = ups.get(i).forward(h);
            if (outFast == null) {
                h = SkipConcat.concat(h, skips.get(l));
            } else {
                h = SkipConcat.concat(h, skips.get(l), concatenated.get(i));
                concatenated.set(i, h);
            }
            h = decoders.get(i).forward(h, emb);
        }
        if (outFast == null) return outConv.forward(outAct.forward(outNorm.forward(h)));
        return outConv.forward(outFast.forward(h)).copy();  // the fast layers' outputs are reused; the caller keeps this one
    }

    /** Adds dL/dθ into every parameter's gradient, for dL/d(output) of the last forward. */
    public void backward(Tensor dOut) {
        Tensor dh = outConv.backward(dOut);
        Tensor d = outFast != null ? outFast.backward(dh) : outNorm.backward(outAct.backward(dh));
        Tensor de;
        if (outFast == null) {
            de = new Tensor(dOut.n, config.embedding(), 1, 1);
        } else {
            de = embeddingGradient = FastConv2d.reuse(embeddingGradient, dOut.n, config.embedding(), 1, 1);
            Arrays.fill(de.data, 0);  // the blocks add into it
        }
        Tensor[] dSkips = new Tensor[encoders.size()];
        for (int i = ups.size() - 1; i >= 0; i--) {
            int l = encoders.size() - 1 - i;
            Tensor dIn = decoders.get(i).backward(d, de);
            Tensor[] parts = outFast == null ? SkipConcat.split(dIn, upChannels[l]) : SkipConcat.split(dIn, upChannels[l], splitGradients.get(i));
            dSkips[l] = parts[1];
            d = ups.get(i).backward(parts[0]);
        }
        d = mid.backward(d, de);
        for (int l = encoders.size() - 1; l >= 0; l--) {
            d = downs.get(l).backward(d);
            for (int i = 0; i < d.size(); i++) d.data[i] += dSkips[l].data[i];
            d = encoders.get(l).backward(d, de);
        }
        inConv.backward(d);
        Tensor dPre = embeddingAct.backward(de);
        time.backward(dPre);
        if (label != null) label.backward(dPre);
    }

    /** Every parameter, in a fixed order. */
    public List<Parameter> parameters() {
        List<Parameter> p = new ArrayList<>(inConv.parameters());
        p.addAll(time.parameters());
        if (label != null) p.addAll(label.parameters());
        for (int l = 0; l < encoders.size(); l++) {
            p.addAll(encoders.get(l).parameters());
            p.addAll(downs.get(l).parameters());
        }
        p.addAll(mid.parameters());
        for (int i = 0; i < ups.size(); i++) {
            p.addAll(ups.get(i).parameters());
            p.addAll(decoders.get(i).parameters());
        }
        p.addAll(outNorm.parameters());
        p.addAll(outConv.parameters());
        return p;
    }

    /** The number of learnable numbers. */
    public int parameterCount() {
        return parameters().stream().mapToInt(Parameter::size).sum();
    }

    public void zeroGradients() {
        for (Parameter p : parameters()) p.zeroGradient();
    }

    /**
     * Switches the fast paths on (true) or back to the readable layers (false): every convolution
     * to {@link FastConv2d}, every GroupNorm followed by SiLU to {@link FastNormSilu} and every
     * Linear to {@link FastLinear}. The fast path keeps its layers' outputs and gradients, the
     * concatenated decoder inputs and their split gradients between steps (see the package comment).
     */
    public void useFastPath(boolean on) {
        for (Conv2d c : convolutions()) c.useFastPath(on);
        for (Linear l : time.linears()) l.useFastPath(on);
        for (ResBlock b : encoders) b.shift().useFastPath(on);
        mid.shift().useFastPath(on);
        for (ResBlock b : decoders) b.shift().useFastPath(on);
        for (ResBlock b : encoders) b.useFastNormalization(on);
        mid.useFastNormalization(on);
        for (ResBlock b : decoders) b.useFastNormalization(on);
        outFast = on ? new FastNormSilu(outNorm) : null;
        concatenated.clear();
        splitGradients.clear();
        for (int i = 0; on && i < ups.size(); i++) {
            concatenated.add(null);
            splitGradients.add(new Tensor[2]);
        }
        embeddingGradient = null;
    }

    private List<Conv2d> convolutions() {
        List<Conv2d> c = new ArrayList<>(List.of(inConv, outConv));
        for (ResBlock b : encoders) c.addAll(b.convolutions());
        for (Downsample d : downs) c.add(d.conv());
        c.addAll(mid.convolutions());
        for (Upsample u : ups) c.add(u.conv());
        for (ResBlock b : decoders) c.addAll(b.convolutions());
        return c;
    }

    /** The shapes of each level in words (for the CLI's header). */
    public String describe() {
        int[] m = config.multipliers();
        StringBuilder s = new StringBuilder("U-Net " + config.height() + "x" + config.width());
        for (int l = 0; l < m.length; l++) {
            s.append(l == 0 ? ": " : " -> ").append(config.height() >> l).append("x").append(config.width() >> l).append("x").append(config.base() * m[l]);
        }
        s.append(" -> mid ").append(config.height() >> m.length).append("x").append(config.width() >> m.length).append("x").append(config.base() * m[m.length - 1]);
        s.append(", ").append(parameterCount()).append(" parameters").append(config.conditional() ? ", " + config.classes() + " labels + no-label" : "");
        return s.toString();
    }
}
