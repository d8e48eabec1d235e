package org.diffusionlab.train;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Mini-batches of row indices 0..n−1, epoch after epoch: at the start of every epoch the indices
 * are shuffled ({@link #shuffle}), then cut into consecutive batches of B; the last batch of an
 * epoch holds the n − (⌈n/B⌉ − 1)·B left over (like PyTorch's {@code DataLoader(shuffle=True)}).
 * So every index appears exactly once per epoch.
 *
 * <p>Draw order: the n − 1 draws of the shuffle happen inside the {@link #next} call that starts
 * an epoch (the first call, then every ⌈n/B⌉-th), on the random source given at construction.
 */
public final class MiniBatches {

    private final int[] order;
    private final int batchSize;
    private final RandomGenerator rng;
    private int position;
    private int epoch;

    /**
     * @param n number of rows, ≥ 1
     * @param batchSize B ≥ 1 (B &gt; n gives one batch of n per epoch)
     * @param rng draws the shuffles
     */
    public MiniBatches(int n, int batchSize, RandomGenerator rng) {
        if (n < 1) {
            throw new IllegalArgumentException("n = " + n + " is invalid: need at least 1 row");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize = " + batchSize + " is invalid: must be >= 1");
        }
        this.order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        this.batchSize = Math.min(batchSize, n);
        this.rng = rng;
        this.position = n;
    }

    /**
     * The next batch of row indices (a new array), shuffling first when an epoch starts.
     *
     * @return between 1 and B distinct indices in 0..n−1
     */
    public int[] next() {
        if (position == order.length) {
            shuffle(order, rng);
            position = 0;
            epoch++;
        }
        int end = Math.min(position + batchSize, order.length);
        int[] batch = Arrays.copyOfRange(order, position, end);
        position = end;
        return batch;
    }

    /** The 1-based epoch of the last batch returned (0 before the first). */
    public int epoch() {
        return epoch;
    }

    /**
     * Fisher–Yates shuffle in place: for i = len − 1 down to 1, swap a[i] with a[j], j =
     * {@code rng.nextInt(i + 1)} (uniform in 0..i). Every permutation is equally likely; len − 1 draws.
     */
    public static void shuffle(int[] a, RandomGenerator rng) {
        for (int i = a.length - 1; i >= 1; i--) {
            int j = rng.nextInt(i + 1);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }
}
