package org.diffusionlab.labs.images;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.model.image.Conv2d;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graded against the core's readable {@link Conv2d} (double precision) on random inputs, and the
 * backward against central finite differences of the reference's forward.
 */
@Lab("images")
@DisplayName("Exercise 2: the 2-D convolution, forward and backward")
class Ex2ConvTest {

    /** {n, C_in, C_out, h, w, k, stride, padding}: 3×3 same, 3×3 stride 2 (down-sampling), no padding, 1×1, non-square. */
    private static final int[][] CASES = {
        {2, 3, 4, 6, 6, 3, 1, 1},
        {2, 2, 3, 8, 8, 3, 2, 1},
        {3, 2, 2, 5, 5, 3, 1, 0},
        {2, 4, 3, 4, 4, 1, 1, 0},
        {2, 2, 3, 5, 7, 3, 2, 1},
    };

    private static String describe(int[] c) {
        return "n = " + c[0] + ", C_in = " + c[1] + ", C_out = " + c[2] + ", h×w = " + c[3] + "×" + c[4] + ", k = " + c[5]
                + ", stride = " + c[6] + ", padding = " + c[7];
    }

    private static Maps first(Maps m) {
        return new Maps(1, m.c(), m.h(), m.w(), Arrays.copyOf(m.data(), m.c() * m.h() * m.w()));
    }

    @Test
    @Graded(exercise = "2.1", points = 2)
    @DisplayName("forward matches the reference: 3×3 with padding 1, stride 2, no padding, 1×1, a non-square image")
    void forward() {
        long seed = 200;
        for (int[] c : CASES) {
            Maps x = Reference.randn(c[0], c[1], c[3], c[4], seed++);
            double[] w = Reference.randn(c[2] * c[1] * c[5] * c[5], 0.4, seed++), b = Reference.randn(c[2], 0.5, seed++);
            Maps xCopy = new Maps(x.n(), x.c(), x.h(), x.w(), x.data().clone());
            Maps expected = Reference.convForward(x, w, b, c[5], c[6], c[7]);
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            mistakes.put("the bias b[o] is missing: start each sum at b[o]", Reference.convForward(x, w, new double[c[2]], c[5], c[6], c[7]).data());
            double[] perInput = b.clone();
            for (int o = 0; o < perInput.length; o++) perInput[o] *= c[1];
            mistakes.put("the bias is added once per output value, not once per input channel", Reference.convForward(x, w, perInput, c[5], c[6], c[7]).data());
            if (c[5] > 1) mistakes.put("the kernel is flipped (a true convolution): y uses W[o, c, a, b]·x[s·i + a − p, s·j + b − p], a cross-correlation",
                    Reference.convForward(x, flipped(w, c[5]), b, c[5], c[6], c[7]).data());
            if (c[1] != c[2]) mistakes.put("the weights are indexed (c, o, a, b): W[o][c][a][b] is weight[((o·C_in + c)·k + a)·k + b]",
                    Reference.convForward(x, swapped(w, c), b, c[5], c[6], c[7]).data());
            Reference.assertMaps("Conv.forward is wrong (" + describe(c) + ")", describe(c) + ", x = " + Reference.show(x), expected,
                    Conv.forward(x, w, b, c[5], c[6], c[7]), mistakes);
            Reference.assertClose("Conv.forward changed its input x", "", xCopy.data(), x.data(), Map.of());
        }
    }

    @Test
    @Graded(exercise = "2.1", points = 1)
    @DisplayName("forward treats the padded border as zeros and steps by the stride (output size ⌊(h + 2p − k)/s⌋ + 1)")
    void border() {
        Maps ones = new Maps(1, 1, 4, 4, filled(16, 1.0));
        double[] w = filled(9, 1.0);
        Maps expected = Reference.convForward(ones, w, new double[1], 3, 2, 1);
        Reference.assertMaps("Conv.forward on a 4×4 image of ones with a 3×3 kernel of ones, stride 2, padding 1: each output counts "
                + "the window's pixels inside the image (4 at the corner, 6 on an edge, 9 inside)", "x = 1, W = 1, b = 0", expected,
                Conv.forward(ones, w, new double[1], 3, 2, 1), Map.of());
    }

    /** The kernels rotated by 180°: W[o, c, k − 1 − a, k − 1 − b]. */
    private static double[] flipped(double[] w, int k) {
        double[] f = new double[w.length];
        for (int base = 0; base < w.length; base += k * k) {
            for (int q = 0; q < k * k; q++) f[base + q] = w[base + k * k - 1 - q];
        }
        return f;
    }

    /** What a convolution reads when it indexes the weights as (c, o, a, b) instead of (o, c, a, b). */
    private static double[] swapped(double[] w, int[] c) {
        int in = c[1], out = c[2], kk = c[5] * c[5];
        double[] s = new double[w.length];
        for (int o = 0; o < out; o++) {
            for (int ch = 0; ch < in; ch++) System.arraycopy(w, (ch * out + o) * kk, s, (o * in + ch) * kk, kk);
        }
        return s;
    }

    private static double[] filled(int n, double v) {
        double[] a = new double[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Input, weights and output gradient of one backward case, drawn from three consecutive seeds. */
    record Backward(Maps x, double[] w, Maps dy) {
        static Backward draw(int[] c, long seed) {
            Maps x = Reference.randn(c[0], c[1], c[3], c[4], seed);
            double[] w = Reference.randn(c[2] * c[1] * c[5] * c[5], 0.4, seed + 1);
            int ho = Conv.outputSize(c[3], c[5], c[6], c[7]), wo = Conv.outputSize(c[4], c[5], c[6], c[7]);
            return new Backward(x, w, Reference.randn(c[0], c[2], ho, wo, seed + 2));
        }
    }

    @Test
    @Graded(exercise = "2.2", points = 1)
    @DisplayName("backward: the input gradient ∂L/∂x matches the reference (every case)")
    void inputGradient() {
        long seed = 300;
        for (int[] c : CASES) {
            Backward in = Backward.draw(c, seed);
            seed += 3;
            Maps x = in.x();
            double[] w = in.w();
            Maps dy = in.dy();
            Conv.Grads expected = Reference.convBackward(x, dy, w, c[5], c[6], c[7]);
            Conv.Grads got = Conv.backward(x, dy, w, c[5], c[6], c[7]);
            if (got == null) throw new AssertionError("Conv.backward returned null");
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            if (c[5] > 1) mistakes.put("∂L/∂x used the flipped kernel: each dy[n, o, i, j] goes back through the same W[o, c, a, b] the forward used",
                    Reference.convBackward(x, dy, flipped(w, c[5]), c[5], c[6], c[7]).dx().data());
            if (c[1] != c[2]) mistakes.put("the weights are indexed (c, o, a, b): W[o][c][a][b] is weight[((o·C_in + c)·k + a)·k + b]",
                    Reference.convBackward(x, dy, swapped(w, c), c[5], c[6], c[7]).dx().data());
            Reference.assertMaps("Conv.backward: ∂L/∂x is wrong (" + describe(c) + "); each dy[n, o, i, j] goes to every input pixel "
                    + "its window multiplied, times the weight it was multiplied by", describe(c), expected.dx(), got.dx(), mistakes);
        }
    }

    @Test
    @Graded(exercise = "2.2", points = 1.5)
    @DisplayName("backward: the weight and bias gradients match the reference, summed over the batch and every position")
    void parameterGradients() {
        long seed = 400;
        for (int[] c : CASES) {
            Backward in = Backward.draw(c, seed);
            seed += 3;
            Maps x = in.x();
            double[] w = in.w();
            Maps dy = in.dy();
            Conv.Grads expected = Reference.convBackward(x, dy, w, c[5], c[6], c[7]);
            Conv.Grads oneImage = Reference.convBackward(first(x), first(dy), w, c[5], c[6], c[7]);
            Conv.Grads got = Conv.backward(x, dy, w, c[5], c[6], c[7]);
            if (got == null) throw new AssertionError("Conv.backward returned null");
            Map<String, double[]> mw = new LinkedHashMap<>();
            mw.put("the weight gradient sums over every output position of every image: did you forget the batch?", oneImage.dWeight());
            mw.put("the weight gradient is a sum over the batch, not a mean: do not divide by n", scaled(expected.dWeight(), 1.0 / c[0]));
            Reference.assertClose("Conv.backward: ∂L/∂W is wrong (" + describe(c) + ")", describe(c), expected.dWeight(), got.dWeight(), mw);
            Map<String, double[]> mb = new LinkedHashMap<>();
            mb.put("the bias gradient sums dy over every output position of every image: did you forget the batch?", oneImage.dBias());
            mb.put("the bias gradient is added once per (n, o, i, j), not once per input channel", scaled(expected.dBias(), c[1]));
            mb.put("the bias gradient is a sum (+=) of dy: you kept only the last value", lastValue(dy));
            Reference.assertClose("Conv.backward: ∂L/∂b is wrong (" + describe(c) + "); ∂L/∂b[o] = Σ_n Σ_i Σ_j dy[n, o, i, j]", describe(c),
                    expected.dBias(), got.dBias(), mb);
        }
    }

    private static double[] scaled(double[] a, double factor) {
        double[] s = a.clone();
        for (int i = 0; i < s.length; i++) s[i] *= factor;
        return s;
    }

    /** dy[n − 1, o, h − 1, w − 1] per output channel: what "=" instead of "+=" leaves in the bias gradient. */
    private static double[] lastValue(Maps dy) {
        double[] last = new double[dy.c()];
        for (int o = 0; o < last.length; o++) last[o] = dy.get(dy.n() - 1, o, dy.h() - 1, dy.w() - 1);
        return last;
    }

    @Test
    @Graded(exercise = "2.2", points = 0.5)
    @DisplayName("backward agrees with central finite differences of the forward (L = Σ dy·y), stride 2 and padding 1")
    void finiteDifferences() {
        int[] c = CASES[1];
        Maps x = Reference.randn(c[0], c[1], c[3], c[4], 501);
        double[] w = Reference.randn(c[2] * c[1] * c[5] * c[5], 0.4, 502), b = Reference.randn(c[2], 0.5, 503);
        int ho = Conv.outputSize(c[3], c[5], c[6], c[7]);
        Maps dy = Reference.randn(c[0], c[2], ho, ho, 504);
        Conv.Grads got = Conv.backward(x, dy, w, c[5], c[6], c[7]);
        if (got == null) throw new AssertionError("Conv.backward returned null");
        double h = 1e-5;
        double[] fdW = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double[] plus = w.clone(), minus = w.clone();
            plus[i] += h;
            minus[i] -= h;
            fdW[i] = (loss(x, plus, b, dy, c) - loss(x, minus, b, dy, c)) / (2 * h);
        }
        Reference.assertFiniteDifferences("Conv.backward: ∂L/∂W disagrees with finite differences (L = Σ dy·conv(x))", describe(c), fdW, got.dWeight());
        double[] fdX = new double[x.data().length];
        for (int i = 0; i < fdX.length; i += 7) {
            double[] plus = x.data().clone(), minus = x.data().clone();
            plus[i] += h;
            minus[i] -= h;
            fdX[i] = (loss(new Maps(x.n(), x.c(), x.h(), x.w(), plus), w, b, dy, c) - loss(new Maps(x.n(), x.c(), x.h(), x.w(), minus), w, b, dy, c)) / (2 * h);
        }
        double[] sampled = new double[fdX.length];
        for (int i = 0; i < fdX.length; i += 7) sampled[i] = got.dx() == null ? Double.NaN : got.dx().data()[i];
        Reference.assertFiniteDifferences("Conv.backward: ∂L/∂x disagrees with finite differences (every 7th pixel checked)", describe(c), fdX, sampled);
    }

    private static double loss(Maps x, double[] w, double[] b, Maps dy, int[] c) {
        Maps y = Reference.convForward(x, w, b, c[5], c[6], c[7]);
        double l = 0;
        for (int i = 0; i < y.data().length; i++) l += y.data()[i] * dy.data()[i];
        return l;
    }
}
