package org.diffusionlab.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Finite-difference gradient checks of every layer (errors printed; all far below 1e-6). */
class LayerGradientTest {

    private static final double TOLERANCE = 1e-6;

    private static double checkLayer(Layer layer, Tensor x, SplittableRandom rng) {
        Tensor y = layer.forward(x);
        Tensor r = GradientCheck.random(y.n, y.c, y.h, y.w, rng);
        for (Parameter p : layer.parameters()) p.zeroGradient();
        Tensor dx = layer.backward(r);
        return GradientCheck.maxError(() -> layer.forward(x), r, x, dx, layer.parameters(), 200, rng);
    }

    private static void report(String what, double error) {
        System.out.printf("gradient check %-40s max relative error %.2e%n", what, error);
        assertTrue(error < TOLERANCE, what + ": " + error);
    }

    @Test
    @DisplayName("Conv2d 3x3 with padding 1, stride 1 and stride 2, and 1x1: backward matches finite differences")
    void conv() {
        SplittableRandom rng = new SplittableRandom(1);
        report("conv 3x3 p1 s1 (3 -> 4, 5x5)", checkLayer(new Conv2d("c", 3, 4, 3, 1, 1, rng), GradientCheck.random(2, 3, 5, 5, rng), rng));
        report("conv 3x3 p1 s2 (2 -> 3, 6x6)", checkLayer(new Conv2d("c", 2, 3, 3, 2, 1, rng), GradientCheck.random(2, 2, 6, 6, rng), rng));
        report("conv 3x3 p0 s1 (2 -> 2, 5x4)", checkLayer(new Conv2d("c", 2, 2, 3, 1, 0, rng), GradientCheck.random(1, 2, 5, 4, rng), rng));
        report("conv 1x1 (3 -> 2)", checkLayer(new Conv2d("c", 3, 2, 1, 1, 0, rng), GradientCheck.random(2, 3, 3, 3, rng), rng));
    }

    @Test
    @DisplayName("Conv2d computes a hand-worked 3x3 example and its output sizes")
    void convByHand() {
        Conv2d c = new Conv2d("c", 1, 1, 3, 1, 1, new SplittableRandom(0));
        java.util.Arrays.fill(c.weight.w(), 1.0);
        c.bias.w()[0] = 0.5;
        Tensor x = new Tensor(1, 1, 2, 2, new double[] {1, 2, 3, 4});
        // every output sees all four pixels (padding 1): 10 + 0.5
        assertArrayEquals(new double[] {10.5, 10.5, 10.5, 10.5}, c.forward(x).data, 1e-12);
        assertEquals(4, new Conv2d("s", 1, 1, 3, 2, 1, new SplittableRandom(0)).outputSize(8));
        assertEquals(7, new Conv2d("s", 1, 1, 3, 2, 1, new SplittableRandom(0)).outputSize(14));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Conv2d("c", 1, 1, 3, 1, 3, new SplittableRandom(0)));
        assertTrue(e.getMessage().contains("padding = 3"), e.getMessage());
    }

    @Test
    @DisplayName("GroupNorm: backward matches finite differences; each group has mean 0 and variance 1 before gamma and beta")
    void groupNorm() {
        SplittableRandom rng = new SplittableRandom(2);
        GroupNorm gn = new GroupNorm("gn", 2, 4);
        for (Parameter p : gn.parameters()) {
            for (int i = 0; i < p.size(); i++) p.w()[i] = 0.5 + rng.nextDouble();
        }
        report("group norm (2 groups of 2 channels)", checkLayer(gn, GradientCheck.random(2, 4, 3, 3, rng), rng));
        GroupNorm plain = new GroupNorm("gn", 2, 4);
        Tensor y = plain.forward(GradientCheck.random(1, 4, 3, 3, rng));
        double mean = 0, sq = 0;
        for (int i = 0; i < 18; i++) {
            mean += y.data[i] / 18;
            sq += y.data[i] * y.data[i] / 18;
        }
        assertEquals(0, mean, 1e-12);
        assertEquals(1, sq, 1e-3);
    }

    @Test
    @DisplayName("SiLU, Linear, Downsample and Upsample: backward matches finite differences")
    void smallLayers() {
        SplittableRandom rng = new SplittableRandom(3);
        report("silu", checkLayer(new Silu(), GradientCheck.random(2, 3, 2, 2, rng), rng));
        report("linear 5 -> 3", checkLayer(new Linear("l", 5, 3, rng), GradientCheck.random(4, 5, 1, 1, rng), rng));
        report("downsample (3 channels, 6x6 -> 3x3)", checkLayer(new Downsample("d", 3, rng), GradientCheck.random(2, 3, 6, 6, rng), rng));
        report("upsample (2 channels, 3x3 -> 6x6)", checkLayer(new Upsample("u", 2, rng), GradientCheck.random(2, 2, 3, 3, rng), rng));
    }

    @Test
    @DisplayName("skip concatenation stacks channels a then b, and split is its exact backward")
    void concat() {
        SplittableRandom rng = new SplittableRandom(4);
        Tensor a = GradientCheck.random(2, 2, 3, 3, rng), b = GradientCheck.random(2, 3, 3, 3, rng);
        Tensor y = SkipConcat.concat(a, b);
        assertEquals(5, y.c);
        assertEquals(a.get(1, 1, 2, 0), y.get(1, 1, 2, 0));
        assertEquals(b.get(1, 2, 0, 1), y.get(1, 4, 0, 1));
        Tensor[] parts = SkipConcat.split(y, 2);
        assertArrayEquals(a.data, parts[0].data);
        assertArrayEquals(b.data, parts[1].data);
    }

    @Test
    @DisplayName("ResBlock with a time shift (channels change and stay): backward matches finite differences, also for the embedding")
    void resBlock() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int[] io : new int[][] {{2, 4}, {4, 4}}) {
            ResBlock block = new ResBlock("b", io[0], io[1], 3, 2, rng);
            Tensor x = GradientCheck.random(2, io[0], 4, 4, rng), e = GradientCheck.random(2, 3, 1, 1, rng);
            Tensor y = block.forward(x, e);
            Tensor r = GradientCheck.random(y.n, y.c, y.h, y.w, rng);
            for (Parameter p : block.parameters()) p.zeroGradient();
            Tensor de = e.zerosLike();
            Tensor dx = block.backward(r, de);
            double err = GradientCheck.maxError(() -> block.forward(x, e), r, x, dx, block.parameters(), 100, rng);
            double errE = GradientCheck.maxError(() -> block.forward(x, e), r, e, de, List.of(), 100, rng);
            report("res block " + io[0] + " -> " + io[1] + " (x, params)", err);
            report("res block " + io[0] + " -> " + io[1] + " (embedding)", errE);
        }
    }

    @Test
    @DisplayName("TimeMlp and LabelEmbedding (with its no-label row): backward matches finite differences")
    void embeddings() {
        SplittableRandom rng = new SplittableRandom(6);
        TimeMlp mlp = new TimeMlp("t", 6, 5, rng);
        int[] t = {1, 7, 20};
        Tensor y = mlp.forward(t, 20);
        Tensor r = GradientCheck.random(y.n, y.c, 1, 1, rng);
        for (Parameter p : mlp.parameters()) p.zeroGradient();
        mlp.backward(r);
        report("time MLP 6 -> 5 -> 5", GradientCheck.maxError(() -> mlp.forward(t, 20), r, null, null, mlp.parameters(), 100, rng));

        LabelEmbedding emb = new LabelEmbedding("l", 3, 4, rng);
        int[] labels = {0, LabelEmbedding.NO_LABEL, 2, 0};
        Tensor e = emb.forward(labels);
        assertArrayEquals(java.util.Arrays.copyOfRange(emb.parameters().get(0).w(), 12, 16), java.util.Arrays.copyOfRange(e.data, 4, 8));
        Tensor re = GradientCheck.random(4, 4, 1, 1, rng);
        emb.parameters().get(0).zeroGradient();
        emb.backward(re);
        report("label embedding (3 labels + none)", GradientCheck.maxError(() -> emb.forward(labels), re, null, null, emb.parameters(), 100, rng));
        assertThrows(IllegalArgumentException.class, () -> emb.forward(new int[] {3}));
    }
}
