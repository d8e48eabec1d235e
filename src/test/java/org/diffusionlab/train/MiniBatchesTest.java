package org.diffusionlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MiniBatchesTest {

    @Test
    @DisplayName("every index appears exactly once per epoch; the last batch of an epoch holds the remainder")
    void eachPointOncePerEpoch() {
        int n = 10, b = 4;
        MiniBatches batches = new MiniBatches(n, b, new SplittableRandom(7));
        int[][] orders = new int[3][];
        for (int epoch = 1; epoch <= 3; epoch++) {
            int[] seen = new int[n];
            int[] order = new int[n];
            int pos = 0;
            for (int size : new int[] {4, 4, 2}) {
                int[] batch = batches.next();
                assertEquals(size, batch.length, "epoch " + epoch);
                assertEquals(epoch, batches.epoch());
                for (int i : batch) {
                    seen[i]++;
                    order[pos++] = i;
                }
            }
            int[] ones = new int[n];
            Arrays.fill(ones, 1);
            assertArrayEquals(ones, seen, "epoch " + epoch + " visits every point once");
            orders[epoch - 1] = order;
        }
        assertNotEquals(Arrays.toString(orders[0]), Arrays.toString(orders[1]), "each epoch is reshuffled");
    }

    @Test
    @DisplayName("Fisher–Yates draws j = nextInt(i + 1) for i = n−1 down to 1 (checked against a replay)")
    void shuffleDrawOrder() {
        int[] a = {0, 1, 2, 3, 4};
        MiniBatches.shuffle(a, new SplittableRandom(3));
        SplittableRandom replay = new SplittableRandom(3);
        int[] expected = {0, 1, 2, 3, 4};
        for (int i = 4; i >= 1; i--) {
            int j = replay.nextInt(i + 1);
            int tmp = expected[i];
            expected[i] = expected[j];
            expected[j] = tmp;
        }
        assertArrayEquals(expected, a);
    }

    @Test
    @DisplayName("the shuffle is uniform: each of the 6 orders of 3 items comes up 1/6 of the time")
    void shuffleIsUniform() {
        SplittableRandom rng = new SplittableRandom(11);
        int trials = 60_000;
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        for (int k = 0; k < trials; k++) {
            int[] a = {0, 1, 2};
            MiniBatches.shuffle(a, rng);
            counts.merge(Arrays.toString(a), 1, Integer::sum);
        }
        assertEquals(6, counts.size());
        // each count ~ Binomial(60000, 1/6): sd ≈ 91, so 5 sd is 456
        for (var e : counts.entrySet()) {
            assertTrue(Math.abs(e.getValue() - trials / 6.0) < 456, e.getKey() + " came up " + e.getValue() + " times");
        }
    }

    @Test
    @DisplayName("a batch larger than the data gives the whole (shuffled) data each step; bad sizes are rejected")
    void edgeCases() {
        MiniBatches batches = new MiniBatches(3, 10, new SplittableRandom(1));
        int[] batch = batches.next();
        Arrays.sort(batch);
        assertArrayEquals(new int[] {0, 1, 2}, batch);
        assertEquals(3, batches.next().length);
        assertEquals(2, batches.epoch());
        assertThrows(IllegalArgumentException.class, () -> new MiniBatches(0, 1, new SplittableRandom(1)));
        assertThrows(IllegalArgumentException.class, () -> new MiniBatches(5, 0, new SplittableRandom(1)));
    }
}
