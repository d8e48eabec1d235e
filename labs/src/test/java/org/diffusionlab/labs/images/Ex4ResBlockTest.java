package org.diffusionlab.labs.images;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graded against the core's {@code model.image.ResBlock} holding the same parameters, on random inputs;
 * the backward also against central finite differences of the core's forward. Both exercises get the
 * reference's layers ({@link Reference#layers()}), so a bug in exercise 2 or 3 does not cost 4.
 */
@Lab("images")
@DisplayName("Exercise 4: the residual block conditioned on the time embedding")
class Ex4ResBlockTest {

    /** {n, C_in, C_out, h, w, D, G}: 1×1-conv skip, identity skip on a non-square map, one group. */
    private static final int[][] CASES = {{2, 4, 8, 4, 4, 6, 4}, {3, 8, 8, 5, 3, 5, 2}, {2, 3, 6, 3, 3, 4, 1}};

    private static String describe(int[] c) {
        return "n = " + c[0] + ", C_in = " + c[1] + ", C_out = " + c[2] + ", h×w = " + c[3] + "×" + c[4] + ", D = " + c[5] + ", groups = " + c[6]
                + (c[1] == c[2] ? " (identity skip)" : " (1×1 convolution skip)");
    }

    /** Input x, embedding e, parameters and an output gradient of one case, all from one seed. */
    record Draw(Maps x, Maps e, ResBlock.Params p, Maps dy) {
        static Draw of(int[] c, long seed) {
            Maps x = Reference.randn(c[0], c[1], c[3], c[4], seed);
            Maps e = Reference.randn(c[0], c[5], 1, 1, seed + 1);
            ResBlock.Params p = ResBlock.Params.random(c[1], c[2], c[5], c[6], new SplittableRandom(seed + 2));
            return new Draw(x, e, p, Reference.randn(c[0], c[2], c[3], c[4], seed + 3));
        }
    }

    /** Plausible wrong blocks, composed from the reference's layers. */
    enum Mistake { NO_SHIFT, SHIFT_FIRST_PIXEL_ONLY, SHIFT_OF_FIRST_IMAGE, NO_SKIP, NO_SHIFT_BIAS, SHIFT_WEIGHT_TRANSPOSED, NO_FIRST_SILU }

    private static Maps wrongForward(Draw d, Mistake m) {
        ResBlock.Layers r = Reference.layers();
        ResBlock.Params p = d.p();
        Maps n1 = r.groupNorm(r.convForward(d.x(), p.conv1Weight(), p.conv1Bias(), 3, 1, 1), p.groups(), p.gamma1(), p.beta1());
        Maps h = m == Mistake.NO_FIRST_SILU ? n1 : r.silu(n1);
        int dim = p.embedding(), hw = h.h() * h.w();
        for (int n = 0; n < h.n() && m != Mistake.NO_SHIFT; n++) {
            int from = m == Mistake.SHIFT_OF_FIRST_IMAGE ? 0 : n;
            for (int c = 0; c < p.out(); c++) {
                double s = m == Mistake.NO_SHIFT_BIAS ? 0 : p.shiftBias()[c];
                for (int i = 0; i < dim; i++) {
                    int a = m == Mistake.SHIFT_WEIGHT_TRANSPOSED ? i * p.out() + c : c * dim + i;
                    s += p.shiftWeight()[a] * d.e().data()[from * dim + i];
                }
                int pixels = m == Mistake.SHIFT_FIRST_PIXEL_ONLY ? 1 : hw;
                for (int q = 0; q < pixels; q++) h.data()[h.index(n, c, 0, 0) + q] += s;
            }
        }
        Maps y = r.silu(r.groupNorm(r.convForward(h, p.conv2Weight(), p.conv2Bias(), 3, 1, 1), p.groups(), p.gamma2(), p.beta2()));
        if (m != Mistake.NO_SKIP) {
            Maps skip = p.convolutionalSkip() ? r.convForward(d.x(), p.skipWeight(), p.skipBias(), 1, 1, 0) : d.x();
            for (int i = 0; i < y.data().length; i++) y.data()[i] += skip.data()[i];
        }
        return y;
    }

    private static Maps copy(Maps m) {
        return new Maps(m.n(), m.c(), m.h(), m.w(), m.data().clone());
    }

    @Test
    @Graded(exercise = "4.1", points = 2)
    @DisplayName("forward matches the reference: 1×1-conv skip, identity skip on a non-square map, one group")
    void forward() {
        long seed = 4100;
        for (int[] c : CASES) {
            Draw d = Draw.of(c, seed);
            seed += 10;
            Maps xCopy = copy(d.x()), eCopy = copy(d.e());
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            mistakes.put("the time embedding's shift is missing: h = a₁ + (A·e + b_s)[n, c]", wrongForward(d, Mistake.NO_SHIFT).data());
            mistakes.put("the time embedding must be added to every pixel of its channel, not only the first", wrongForward(d, Mistake.SHIFT_FIRST_PIXEL_ONLY).data());
            mistakes.put("every image uses the embedding of image 0: image n's shift comes from e[n]", wrongForward(d, Mistake.SHIFT_OF_FIRST_IMAGE).data());
            mistakes.put("the skip path is missing: y = … + x, or + the 1×1 convolution of x when the channels change", wrongForward(d, Mistake.NO_SKIP).data());
            mistakes.put("the shift's bias b_s is missing: s[n, c] = b_s[c] + Σ_i A[c, i]·e[n, i]", wrongForward(d, Mistake.NO_SHIFT_BIAS).data());
            if (c[2] != c[5]) mistakes.put("A is indexed (i, c): A[c, i] is shiftWeight[c·D + i]", wrongForward(d, Mistake.SHIFT_WEIGHT_TRANSPOSED).data());
            mistakes.put("the first SiLU is missing: a₁ = SiLU(GN₁(conv₁(x)))", wrongForward(d, Mistake.NO_FIRST_SILU).data());
            Reference.assertMaps("ResBlock.forward is wrong (" + describe(c) + ")", describe(c) + ", x = " + Reference.show(d.x()),
                    Reference.resBlockForward(d.x(), d.e(), d.p()), ResBlock.forward(d.x(), d.e(), d.p(), Reference.layers()), mistakes);
            Reference.assertClose("ResBlock.forward changed its input x", "", xCopy.data(), d.x().data(), Map.of());
            Reference.assertClose("ResBlock.forward changed its input e", "", eCopy.data(), d.e().data(), Map.of());
        }
    }

    @Test
    @Graded(exercise = "4.1", points = 1)
    @DisplayName("each image is shifted by its own embedding: changing e of image 1 changes image 1's output only")
    void ownEmbedding() {
        int[] c = CASES[0];
        Draw d = Draw.of(c, 4150);
        double[] changed = d.e().data().clone();
        for (int i = c[5]; i < 2 * c[5]; i++) changed[i] += 1.5;
        Maps e2 = new Maps(d.e().n(), d.e().c(), 1, 1, changed);
        Maps before = ResBlock.forward(d.x(), d.e(), d.p(), Reference.layers());
        Maps after = ResBlock.forward(d.x(), e2, d.p(), Reference.layers());
        if (before == null || after == null) throw new AssertionError("ResBlock.forward returned null");
        int per = c[2] * c[3] * c[4];
        Reference.assertClose("ResBlock.forward: changing the embedding of image 1 changed the output of image 0; each image's shift comes "
                + "from its own e[n]", describe(c), Arrays.copyOf(before.data(), per), Arrays.copyOf(after.data(), per), Map.of());
        Reference.assertMaps("ResBlock.forward with image 1's embedding changed is wrong", describe(c),
                Reference.resBlockForward(d.x(), e2, d.p()), after, Map.of());
    }

    private static ResBlock.Grads backward(Draw d) {
        ResBlock.Grads got = ResBlock.backward(d.x(), d.e(), d.p(), d.dy(), Reference.layers());
        if (got == null || got.dx() == null || got.de() == null || got.dParams() == null) {
            throw new AssertionError("ResBlock.backward returned null or a Grads with a null part");
        }
        return got;
    }

    private static Maps firstImage(Maps m) {
        int per = m.c() * m.h() * m.w();
        return new Maps(1, m.c(), m.h(), m.w(), Arrays.copyOf(m.data(), per));
    }

    /** The reference's gradients for image 0 alone: what a backward that forgets the rest of the batch returns. */
    private static ResBlock.Params firstImageGrads(Draw d) {
        return Reference.resBlockBackward(firstImage(d.x()), firstImage(d.e()), d.p(), firstImage(d.dy())).dParams();
    }

    @Test
    @Graded(exercise = "4.2", points = 1.5)
    @DisplayName("backward: ∂L/∂x matches the reference, through both the main path and the skip path")
    void inputGradient() {
        long seed = 4200;
        for (int[] c : CASES) {
            Draw d = Draw.of(c, seed);
            seed += 10;
            ResBlock.Grads expected = Reference.resBlockBackward(d.x(), d.e(), d.p(), d.dy());
            double[] noSkip = expected.dx().data().clone();
            double[] skip = d.p().convolutionalSkip() ? Reference.convBackward(d.x(), d.dy(), d.p().skipWeight(), 1, 1, 0).dx().data() : d.dy().data();
            for (int i = 0; i < noSkip.length; i++) noSkip[i] -= skip[i];
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            mistakes.put("the skip path's gradient is missing: add δ (identity skip) or the 1×1 convolution's ∂L/∂x", noSkip);
            mistakes.put("siluBackward was given SiLU's output: a backward takes its layer's forward input (siluBackward(n₂, δ), not y)",
                    siluOnOutputDx(d));
            Reference.assertMaps("ResBlock.backward: ∂L/∂x is wrong (" + describe(c) + ")", describe(c), expected.dx(), backward(d).dx(), mistakes);
        }
    }

    /** ∂L/∂x of a backward that hands each siluBackward SiLU's output instead of its input, from the reference's layers. */
    private static double[] siluOnOutputDx(Draw d) {
        ResBlock.Layers r = Reference.layers();
        ResBlock.Params p = d.p();
        Maps c1 = r.convForward(d.x(), p.conv1Weight(), p.conv1Bias(), 3, 1, 1), n1 = r.groupNorm(c1, p.groups(), p.gamma1(), p.beta1());
        Maps a1 = r.silu(n1), h = copy(a1);
        int dim = p.embedding(), hw = h.h() * h.w();
        for (int n = 0; n < h.n(); n++) {
            for (int c = 0; c < p.out(); c++) {
                double s = p.shiftBias()[c];
                for (int i = 0; i < dim; i++) s += p.shiftWeight()[c * dim + i] * d.e().data()[n * dim + i];
                for (int q = 0; q < hw; q++) h.data()[h.index(n, c, 0, 0) + q] += s;
            }
        }
        Maps c2 = r.convForward(h, p.conv2Weight(), p.conv2Bias(), 3, 1, 1), n2 = r.groupNorm(c2, p.groups(), p.gamma2(), p.beta2());
        Maps dh = r.convBackward(h, r.groupNormBackward(c2, r.siluBackward(r.silu(n2), d.dy()), p.groups(), p.gamma2()).dx(), p.conv2Weight(), 3, 1, 1).dx();
        double[] dx = r.convBackward(d.x(), r.groupNormBackward(c1, r.siluBackward(a1, dh), p.groups(), p.gamma1()).dx(), p.conv1Weight(), 3, 1, 1).dx().data();
        double[] skip = p.convolutionalSkip() ? r.convBackward(d.x(), d.dy(), p.skipWeight(), 1, 1, 0).dx().data() : d.dy().data();
        for (int i = 0; i < dx.length; i++) dx[i] += skip[i];
        return dx;
    }

    @Test
    @Graded(exercise = "4.2", points = 1)
    @DisplayName("backward: ∂L/∂e, ∂L/∂A and ∂L/∂b_s (the shift) match the reference, summed over every pixel and image")
    void embeddingGradient() {
        long seed = 4300;
        for (int[] c : CASES) {
            Draw d = Draw.of(c, seed);
            seed += 10;
            ResBlock.Grads expected = Reference.resBlockBackward(d.x(), d.e(), d.p(), d.dy());
            ResBlock.Grads got = backward(d);
            double[] mean = expected.de().data().clone();
            for (int i = 0; i < mean.length; i++) mean[i] /= c[3] * c[4];
            Map<String, double[]> md = new LinkedHashMap<>();
            md.put("the shift is added to every pixel of its channel, so ∂L/∂s[n, c] is the sum of ∂L/∂h over those pixels, not their mean", mean);
            Reference.assertMaps("ResBlock.backward: ∂L/∂e is wrong (" + describe(c) + "); ∂L/∂e[n, i] = Σ_c A[c, i]·∂L/∂s[n, c]", describe(c),
                    expected.de(), got.de(), md);
            ResBlock.Params one = firstImageGrads(d);
            Reference.assertClose("ResBlock.backward: ∂L/∂A (shiftWeight) is wrong (" + describe(c) + "); Σ_n ∂L/∂s[n, c]·e[n, i]", describe(c),
                    expected.dParams().shiftWeight(), got.dParams().shiftWeight(),
                    Map.of("the shift's gradient sums over every image of the batch: did you forget the batch?", one.shiftWeight()));
            Reference.assertClose("ResBlock.backward: ∂L/∂b_s (shiftBias) is wrong (" + describe(c) + "); Σ_n ∂L/∂s[n, c]", describe(c),
                    expected.dParams().shiftBias(), got.dParams().shiftBias(),
                    Map.of("the shift's gradient sums over every image of the batch: did you forget the batch?", one.shiftBias()));
        }
    }

    @Test
    @Graded(exercise = "4.2", points = 1)
    @DisplayName("backward: the gradients of both convolutions, both GroupNorms and the 1×1 skip match the reference")
    void layerGradients() {
        long seed = 4400;
        for (int[] c : CASES) {
            Draw d = Draw.of(c, seed);
            seed += 10;
            ResBlock.Params want = Reference.resBlockBackward(d.x(), d.e(), d.p(), d.dy()).dParams(), got = backward(d).dParams();
            String[] names = {"conv1Weight", "conv1Bias", "gamma1", "beta1", "conv2Weight", "conv2Bias", "gamma2", "beta2", "skipWeight", "skipBias"};
            double[][] expected = {want.conv1Weight(), want.conv1Bias(), want.gamma1(), want.beta1(), want.conv2Weight(), want.conv2Bias(),
                want.gamma2(), want.beta2(), want.skipWeight(), want.skipBias()};
            double[][] actual = {got.conv1Weight(), got.conv1Bias(), got.gamma1(), got.beta1(), got.conv2Weight(), got.conv2Bias(),
                got.gamma2(), got.beta2(), got.skipWeight(), got.skipBias()};
            for (int i = 0; i < names.length; i++) {
                if (expected[i] == null) continue;  // identity skip: no skip parameters
                Reference.assertClose("ResBlock.backward: ∂L/∂" + names[i] + " is wrong (" + describe(c) + "); it is what that layer's backward "
                        + "returns when given the gradient that reaches it", describe(c), expected[i], actual[i], Map.of());
            }
        }
    }

    @Test
    @Graded(exercise = "4.2", points = 0.5)
    @DisplayName("backward agrees with central finite differences of the reference's forward (L = Σ dy·y): x, e, A, W₁")
    void finiteDifferences() {
        int[] c = CASES[0];
        Draw d = Draw.of(c, 4500);
        ResBlock.Grads got = backward(d);
        double step = 1e-5;
        double[] x = d.x().data(), e = d.e().data(), a = d.p().shiftWeight(), w1 = d.p().conv1Weight();
        double[][] targets = {x, e, a, w1};
        double[][] analytic = {got.dx().data(), got.de().data(), got.dParams().shiftWeight(), got.dParams().conv1Weight()};
        String[] names = {"∂L/∂x (every 5th value)", "∂L/∂e", "∂L/∂A", "∂L/∂W₁ (every 7th value)"};
        int[] stride = {5, 1, 1, 7};
        for (int k = 0; k < targets.length; k++) {
            double[] fd = new double[targets[k].length], sampled = new double[fd.length];
            for (int i = 0; i < fd.length; i += stride[k]) {
                double keep = targets[k][i];
                targets[k][i] = keep + step;
                double plus = loss(d);
                targets[k][i] = keep - step;
                double minus = loss(d);
                targets[k][i] = keep;
                fd[i] = (plus - minus) / (2 * step);
                sampled[i] = analytic[k] == null || analytic[k].length != fd.length ? Double.NaN : analytic[k][i];
            }
            Reference.assertFiniteDifferences("ResBlock.backward: " + names[k] + " disagrees with finite differences", describe(c), fd, sampled);
        }
    }

    private static double loss(Draw d) {
        Maps y = Reference.resBlockForward(d.x(), d.e(), d.p());
        double l = 0;
        for (int i = 0; i < y.data().length; i++) l += y.data()[i] * d.dy().data()[i];
        return l;
    }
}
