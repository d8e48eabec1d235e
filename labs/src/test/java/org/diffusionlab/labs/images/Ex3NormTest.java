package org.diffusionlab.labs.images;

import java.util.LinkedHashMap;
import java.util.Map;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.model.image.GroupNorm;
import org.diffusionlab.model.image.Silu;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Graded against the core's {@link Silu} and {@link GroupNorm} on random inputs; the backward passes
 * also against central finite differences of the reference's forward.
 */
@Lab("images")
@DisplayName("Exercise 3: SiLU and GroupNorm, forward and backward")
class Ex3NormTest {

    /** {n, C, h, w, G}: 8 groups of 2, one group (LayerNorm-like), one channel per group (InstanceNorm-like), 1×1 maps. */
    private static final int[][] CASES = {{2, 16, 4, 4, 8}, {3, 4, 3, 5, 1}, {2, 6, 4, 4, 6}, {2, 8, 1, 1, 4}};

    private static String describe(int[] c) {
        return "n = " + c[0] + ", C = " + c[1] + ", h×w = " + c[2] + "×" + c[3] + ", groups = " + c[4];
    }

    private static Maps scaled(Maps m, double scale, double shift) {
        double[] d = m.data().clone();
        for (int i = 0; i < d.length; i++) d[i] = scale * d[i] + shift;
        return new Maps(m.n(), m.c(), m.h(), m.w(), d);
    }

    @Test
    @Graded(exercise = "3.1", points = 1)
    @DisplayName("silu matches x·σ(x) (the reference) on random inputs, including large |x|")
    void silu() {
        Maps x = scaled(Reference.randn(2, 3, 4, 4, 301), 4, 0);
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        double[] sigmoid = x.data().clone();
        for (int i = 0; i < sigmoid.length; i++) sigmoid[i] = 1 / (1 + Math.exp(-sigmoid[i]));
        mistakes.put("that is σ(x), the sigmoid; SiLU multiplies it by x", sigmoid);
        Reference.assertMaps("Norm.silu is wrong", "x = " + Reference.show(x), Reference.silu(x), Norm.silu(x), mistakes);
    }

    @Test
    @Graded(exercise = "3.2", points = 1)
    @DisplayName("siluBackward matches the reference and finite differences")
    void siluBackward() {
        Maps x = scaled(Reference.randn(2, 3, 4, 4, 311), 3, 0), dy = Reference.randn(2, 3, 4, 4, 312);
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        double[] sOnly = new double[x.data().length];
        for (int i = 0; i < sOnly.length; i++) {
            double s = 1 / (1 + Math.exp(-x.data()[i]));
            sOnly[i] = dy.data()[i] * s * (1 - s);
        }
        mistakes.put("that is dy·σ'(x); the product rule on x·σ(x) gives σ(x) + x·σ(x)(1 − σ(x))", sOnly);
        Maps got = Norm.siluBackward(x, dy);
        Reference.assertMaps("Norm.siluBackward is wrong", "x = " + Reference.show(x) + ", dy = " + Reference.show(dy),
                Reference.siluBackward(x, dy), got, mistakes);
        double h = 1e-6;
        double[] fd = new double[x.data().length];
        for (int i = 0; i < fd.length; i++) {
            double v = x.data()[i];
            fd[i] = dy.data()[i] * ((v + h) / (1 + Math.exp(-(v + h))) - (v - h) / (1 + Math.exp(-(v - h)))) / (2 * h);
        }
        Reference.assertClose("Norm.siluBackward disagrees with finite differences of x·σ(x)", "", fd, got.data(), Map.of());
    }

    @Test
    @Graded(exercise = "3.3", points = 2)
    @DisplayName("groupNorm matches the reference: 8 groups, 1 group, one channel per group, 1×1 maps; per image, with γ and β")
    void groupNorm() {
        long seed = 320;
        for (int[] c : CASES) {
            Maps x = scaled(Reference.randn(c[0], c[1], c[2], c[3], seed++), 2, 0.7);
            double[] gamma = Reference.randn(c[1], 1, seed++), beta = Reference.randn(c[1], 1, seed++);
            Map<String, double[]> mistakes = new LinkedHashMap<>();
            mistakes.put("γ and β are missing: y = γ[c]·x̂ + β[c]", Reference.groupNormForward(x, c[4], ones(c[1]), new double[c[1]]).data());
            if (c[4] != c[1]) mistakes.put("these are statistics per channel (InstanceNorm); GroupNorm pools C/G channels",
                    Reference.groupNormForward(x, c[1], gamma, beta).data());
            if (c[4] != 1) mistakes.put("these are statistics over all channels (one group); GroupNorm uses G groups of C/G channels",
                    Reference.groupNormForward(x, 1, gamma, beta).data());
            Reference.assertMaps("Norm.groupNorm is wrong (" + describe(c) + ")", describe(c) + ", x = " + Reference.show(x),
                    Reference.groupNormForward(x, c[4], gamma, beta), Norm.groupNorm(x, c[4], gamma, beta), mistakes);
        }
    }

    private static double[] ones(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, 1.0);
        return a;
    }

    @Test
    @Graded(exercise = "3.4", points = 2)
    @DisplayName("groupNormBackward: ∂L/∂x, ∂L/∂γ, ∂L/∂β match the reference in every case")
    void groupNormBackward() {
        long seed = 340;
        for (int[] c : CASES) {
            Maps x = scaled(Reference.randn(c[0], c[1], c[2], c[3], seed++), 2, 0.7), dy = Reference.randn(c[0], c[1], c[2], c[3], seed++);
            double[] gamma = Reference.randn(c[1], 1, seed++);
            Norm.Grads expected = Reference.groupNormBackward(x, dy, c[4], gamma);
            Norm.Grads got = Norm.groupNormBackward(x, dy, c[4], gamma);
            if (got == null) throw new AssertionError("Norm.groupNormBackward returned null");
            Map<String, double[]> mx = new LinkedHashMap<>();
            double[] naive = dy.data().clone();
            for (int i = 0; i < naive.length; i++) {
                int ch = (i / (c[2] * c[3])) % c[1];
                naive[i] = gamma[ch] * dy.data()[i] * expectedInverseStd(x, c, i);
            }
            mx.put("that is γ·dy/σ only: μ and σ² depend on every value of the group, which adds − mean(g) − x̂·mean(g·x̂)", naive);
            Reference.assertMaps("Norm.groupNormBackward: ∂L/∂x is wrong (" + describe(c) + ")", describe(c), expected.dx(), got.dx(), mx);
            Reference.assertClose("Norm.groupNormBackward: ∂L/∂γ is wrong (" + describe(c) + "); Σ dy·x̂ over every image and position of the channel",
                    describe(c), expected.dGamma(), got.dGamma(), Map.of());
            Reference.assertClose("Norm.groupNormBackward: ∂L/∂β is wrong (" + describe(c) + "); Σ dy over every image and position of the channel",
                    describe(c), expected.dBeta(), got.dBeta(), Map.of());
        }
    }

    /** 1/√(σ² + ε) of the group holding flat index i. */
    private static double expectedInverseStd(Maps x, int[] c, int i) {
        int per = c[1] / c[4], m = per * c[2] * c[3], start = i / m * m;
        double mean = 0, var = 0;
        for (int q = 0; q < m; q++) mean += x.data()[start + q] / m;
        for (int q = 0; q < m; q++) var += (x.data()[start + q] - mean) * (x.data()[start + q] - mean) / m;
        return 1 / Math.sqrt(var + GroupNorm.EPSILON);
    }

    @Test
    @Graded(exercise = "3.4", points = 1)
    @DisplayName("groupNormBackward agrees with central finite differences of the forward (L = Σ dy·y)")
    void groupNormFiniteDifferences() {
        int[] c = CASES[0];
        Maps x = scaled(Reference.randn(c[0], c[1], c[2], c[3], 361), 2, 0.7), dy = Reference.randn(c[0], c[1], c[2], c[3], 362);
        double[] gamma = Reference.randn(c[1], 1, 363), beta = Reference.randn(c[1], 1, 364);
        Norm.Grads got = Norm.groupNormBackward(x, dy, c[4], gamma);
        if (got == null || got.dx() == null) throw new AssertionError("Norm.groupNormBackward returned null");
        double h = 1e-5;
        double[] fd = new double[x.data().length], sampled = new double[fd.length];
        for (int i = 0; i < fd.length; i += 5) {
            double[] plus = x.data().clone(), minus = x.data().clone();
            plus[i] += h;
            minus[i] -= h;
            fd[i] = (loss(new Maps(x.n(), x.c(), x.h(), x.w(), plus), dy, c[4], gamma, beta)
                    - loss(new Maps(x.n(), x.c(), x.h(), x.w(), minus), dy, c[4], gamma, beta)) / (2 * h);
            sampled[i] = got.dx().data()[i];
        }
        Reference.assertClose("Norm.groupNormBackward: ∂L/∂x disagrees with finite differences (every 5th value checked); "
                + "remember that μ and σ² move with every x of the group", describe(c), fd, sampled, Map.of());
    }

    private static double loss(Maps x, Maps dy, int groups, double[] gamma, double[] beta) {
        Maps y = Reference.groupNormForward(x, groups, gamma, beta);
        double l = 0;
        for (int i = 0; i < y.data().length; i++) l += y.data()[i] * dy.data()[i];
        return l;
    }
}
