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
        double[] sigmoid = x.data().clone(), flipped = x.data().clone(), relu = x.data().clone();
        for (int i = 0; i < sigmoid.length; i++) {
            double v = x.data()[i];
            sigmoid[i] = 1 / (1 + Math.exp(-v));
            flipped[i] = v / (1 + Math.exp(v));
            relu[i] = Math.max(0, v);
        }
        mistakes.put("that is σ(x), the sigmoid; SiLU multiplies it by x", sigmoid);
        mistakes.put("that is x·σ(−x): the sigmoid is σ(x) = 1/(1 + e^{−x}), minus sign in the exponent", flipped);
        mistakes.put("that is ReLU, max(0, x); SiLU is the smooth x·σ(x)", relu);
        Reference.assertMaps("Norm.silu is wrong", "x = " + Reference.show(x), Reference.silu(x), Norm.silu(x), mistakes);
    }

    @Test
    @Graded(exercise = "3.2", points = 1)
    @DisplayName("siluBackward matches the reference and finite differences")
    void siluBackward() {
        Maps x = scaled(Reference.randn(2, 3, 4, 4, 311), 3, 0), dy = Reference.randn(2, 3, 4, 4, 312);
        Map<String, double[]> mistakes = new LinkedHashMap<>();
        int size = x.data().length;
        double[] sOnly = new double[size], firstTerm = new double[size], noDy = new double[size], wrongPrime = new double[size];
        for (int i = 0; i < size; i++) {
            double v = x.data()[i], s = 1 / (1 + Math.exp(-v)), d = dy.data()[i];
            sOnly[i] = d * s * (1 - s);
            firstTerm[i] = d * s;
            noDy[i] = s * (1 + v * (1 - s));
            wrongPrime[i] = d * s * (1 + v * s);
        }
        mistakes.put("that is dy·σ'(x); the product rule on x·σ(x) gives σ(x) + x·σ(x)(1 − σ(x))", sOnly);
        mistakes.put("the product rule's second term x·σ(x)(1 − σ(x)) is missing: silu'(x) = σ(x) + x·σ(x)(1 − σ(x))", firstTerm);
        mistakes.put("that is silu'(x) alone: the chain rule multiplies it by dy", noDy);
        mistakes.put("σ'(x) is σ(x)(1 − σ(x)), not σ(x)²", wrongPrime);
        Maps got = Norm.siluBackward(x, dy);
        Reference.assertMaps("Norm.siluBackward is wrong", "x = " + Reference.show(x) + ", dy = " + Reference.show(dy),
                Reference.siluBackward(x, dy), got, mistakes);
        double h = 1e-6;
        double[] fd = new double[x.data().length];
        for (int i = 0; i < fd.length; i++) {
            double v = x.data()[i];
            fd[i] = dy.data()[i] * ((v + h) / (1 + Math.exp(-(v + h))) - (v - h) / (1 + Math.exp(-(v - h)))) / (2 * h);
        }
        Reference.assertFiniteDifferences("Norm.siluBackward disagrees with finite differences of x·σ(x)", "", fd, got.data());
    }

    @Test
    @Graded(exercise = "3.3", points = 2)
    @DisplayName("groupNorm matches the reference: 8 groups, 1 group, one channel per group, 1×1 maps, a variance comparable to ε; per image, with γ and β")
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
            if (c[1] / c[4] != c[4]) mistakes.put("G is the number of groups, each of C/G channels: you made groups of G channels",
                    Reference.groupNormForward(x, c[1] / c[4], gamma, beta).data());
            mistakes.putAll(statisticsSlips(x, c, gamma, beta));
            Reference.assertMaps("Norm.groupNorm is wrong (" + describe(c) + ")", describe(c) + ", x = " + Reference.show(x),
                    Reference.groupNormForward(x, c[4], gamma, beta), Norm.groupNorm(x, c[4], gamma, beta), mistakes);
        }
        groupNormSmallSpread();
    }

    /** Groups whose variance (≈ 1e-5) is comparable to ε: ε counts, and must be inside the square root. */
    private static void groupNormSmallSpread() {
        int[] c = CASES[0];
        Maps x = scaled(Reference.randn(c[0], c[1], c[2], c[3], 330), 3e-3, 0.2);
        double[] gamma = Reference.randn(c[1], 1, 331), beta = Reference.randn(c[1], 1, 332);
        Reference.assertMaps("Norm.groupNorm is wrong on groups of small variance (" + describe(c) + ")", describe(c) + ", x = 0.2 + 3e-3·N(0, 1)",
                Reference.groupNormForward(x, c[4], gamma, beta), Norm.groupNorm(x, c[4], gamma, beta), statisticsSlips(x, c, gamma, beta));
    }

    /** GroupNorm with the usual slips in its statistics, each with the hint it deserves. */
    private static Map<String, double[]> statisticsSlips(Maps x, int[] c, double[] gamma, double[] beta) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("σ² is the biased variance: divide the sum of (x − μ)² by m, not m − 1", slip(x, c, gamma, beta, 1, GroupNorm.EPSILON, true));
        m.put("ε is missing: x̂ = (x − μ)/√(σ² + ε)", slip(x, c, gamma, beta, 0, 0, true));
        m.put("ε goes inside the square root: √(σ² + ε), not √σ² + ε", slip(x, c, gamma, beta, 0, -1, true));
        m.put("x̂ divides by the standard deviation √(σ² + ε), not by the variance", slip(x, c, gamma, beta, 0, GroupNorm.EPSILON, false));
        return m;
    }

    /**
     * GroupNorm with σ² = Σ(x − μ)²/(m − bessel), divided by √(σ² + eps) (root) or σ² + eps (not root);
     * eps &lt; 0 means √σ² + ε (ε outside the root).
     */
    private static double[] slip(Maps x, int[] c, double[] gamma, double[] beta, int bessel, double eps, boolean root) {
        int per = c[1] / c[4], hw = c[2] * c[3], m = per * hw;
        double[] y = new double[x.data().length];
        for (int start = 0; start < y.length; start += m) {
            double mean = 0, var = 0;
            for (int q = 0; q < m; q++) mean += x.data()[start + q] / m;
            for (int q = 0; q < m; q++) var += (x.data()[start + q] - mean) * (x.data()[start + q] - mean);
            var /= m - bessel;
            double den = eps < 0 ? Math.sqrt(var) + GroupNorm.EPSILON : root ? Math.sqrt(var + eps) : var + eps;
            for (int q = 0; q < m; q++) {
                int ch = (start + q) / hw % c[1];
                y[start + q] = gamma[ch] * (x.data()[start + q] - mean) / den + beta[ch];
            }
        }
        return y;
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
            mx.put("the term − x̂·mean(g·x̂) is missing (σ² depends on every x of the group)", dxSlip(x, dy, c, gamma, true, false, true));
            mx.put("the term − mean(g) is missing (μ depends on every x of the group)", dxSlip(x, dy, c, gamma, false, true, true));
            mx.put("g = γ·dy: γ[c] is missing from g (the output was γ·x̂ + β)", dxSlip(x, dy, c, gamma, true, true, false));
            Reference.assertMaps("Norm.groupNormBackward: ∂L/∂x is wrong (" + describe(c) + ")", describe(c), expected.dx(), got.dx(), mx);
            Norm.Grads oneImage = Reference.groupNormBackward(first(x), first(dy), c[4], gamma);
            double[] raw = new double[c[1]];
            for (int i = 0; i < x.data().length; i++) raw[(i / (c[2] * c[3])) % c[1]] += dy.data()[i] * x.data()[i];
            Map<String, double[]> mg = new LinkedHashMap<>();
            mg.put("∂L/∂γ sums dy·x̂, the normalised x, not dy·x", raw);
            mg.put("∂L/∂γ sums over every image of the batch: did you forget the batch?", oneImage.dGamma());
            Reference.assertClose("Norm.groupNormBackward: ∂L/∂γ is wrong (" + describe(c) + "); Σ dy·x̂ over every image and position of the channel",
                    describe(c), expected.dGamma(), got.dGamma(), mg);
            Reference.assertClose("Norm.groupNormBackward: ∂L/∂β is wrong (" + describe(c) + "); Σ dy over every image and position of the channel",
                    describe(c), expected.dBeta(), got.dBeta(),
                    Map.of("∂L/∂β sums over every image of the batch: did you forget the batch?", oneImage.dBeta()));
        }
    }

    private static Maps first(Maps m) {
        return new Maps(1, m.c(), m.h(), m.w(), java.util.Arrays.copyOf(m.data(), m.c() * m.h() * m.w()));
    }

    /** ∂L/∂x = s·(g − mean(g) − x̂·mean(g·x̂)) with g = γ·dy, each of the three parts optional (a slip drops one). */
    private static double[] dxSlip(Maps x, Maps dy, int[] c, double[] gamma, boolean meanTerm, boolean xhatTerm, boolean withGamma) {
        int hw = c[2] * c[3], m = c[1] / c[4] * hw;
        double[] dx = new double[x.data().length];
        for (int start = 0; start < dx.length; start += m) {
            double s = expectedInverseStd(x, c, start), mean = 0, g = 0, gx = 0;
            for (int q = 0; q < m; q++) mean += x.data()[start + q] / m;
            for (int q = 0; q < m; q++) {
                double gq = (withGamma ? gamma[(start + q) / hw % c[1]] : 1) * dy.data()[start + q];
                g += gq / m;
                gx += gq * (x.data()[start + q] - mean) * s / m;
            }
            for (int q = 0; q < m; q++) {
                double gq = (withGamma ? gamma[(start + q) / hw % c[1]] : 1) * dy.data()[start + q], xh = (x.data()[start + q] - mean) * s;
                dx[start + q] = s * (gq - (meanTerm ? g : 0) - (xhatTerm ? xh * gx : 0));
            }
        }
        return dx;
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
        Reference.assertFiniteDifferences("Norm.groupNormBackward: ∂L/∂x disagrees with finite differences (every 5th value checked); "
                + "remember that μ and σ² move with every x of the group", describe(c), fd, sampled);
    }

    private static double loss(Maps x, Maps dy, int groups, double[] gamma, double[] beta) {
        Maps y = Reference.groupNormForward(x, groups, gamma, beta);
        double l = 0;
        for (int i = 0; i < y.data().length; i++) l += y.data()[i] * dy.data()[i];
        return l;
    }
}
