package org.diffusionlab.labs.training;

import java.util.random.RandomGenerator;

/**
 * Exercise 4 — mini-batches of row indices 0..n−1, epoch after epoch. At the start of every epoch the
 * order is shuffled, then cut into consecutive batches of B; the last batch of an epoch holds what is
 * left (n − (⌈n/B⌉ − 1)·B indices). Every index appears exactly once per epoch.
 */
public final class MiniBatches {

    private final int[] order;
    private final int batchSize;
    private final RandomGenerator rng;
    private final Shuffler shuffler;
    private int position;

    /**
     * The shuffle {@link #next} uses: {@code MiniBatches::shuffle} (yours) by default; the graders of
     * exercise 4.2 pass the reference's, so the batches are graded on their own.
     */
    @FunctionalInterface
    public interface Shuffler {
        /** Permutes {@code a} in place with draws from {@code rng} (exercise 4.1). */
        void shuffle(int[] a, RandomGenerator rng);
    }

    /**
     * Batches shuffled by your own {@link #shuffle}.
     *
     * @param n number of rows, ≥ 1
     * @param batchSize B ≥ 1 (B &gt; n gives one batch of n per epoch)
     * @param rng draws every shuffle
     */
    public MiniBatches(int n, int batchSize, RandomGenerator rng) {
        this(n, batchSize, rng, MiniBatches::shuffle);
    }

    /**
     * @param n number of rows, ≥ 1
     * @param batchSize B ≥ 1 (B &gt; n gives one batch of n per epoch)
     * @param rng draws every shuffle
     * @param shuffler the shuffle to use at the start of each epoch
     */
    public MiniBatches(int n, int batchSize, RandomGenerator rng, Shuffler shuffler) {
        if (n < 1) throw new IllegalArgumentException("n = " + n + " is invalid: need at least 1 row");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize = " + batchSize + " is invalid: must be >= 1");
        this.order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        this.batchSize = Math.min(batchSize, n);
        this.rng = rng;
        this.shuffler = shuffler;
        this.position = n; // the first next() starts an epoch
    }

    /**
     * <b>TODO 4.1</b> (Time: ~15 min) — the Fisher–Yates shuffle, in place.
     *
     * <p>For i = len − 1 down to 1: draw j = {@code rng.nextInt(i + 1)} (uniform in 0..i) and swap a[i]
     * with a[j]. That is len − 1 draws, in this order; every permutation is equally likely.
     *
     * <p>Hint: the draws must be exactly these, in this order, for your batches to match the reference
     * with the same seed. {@code nextInt(i)} (0..i−1) is Sattolo's algorithm, which never leaves an
     * element in place; going up from i = 0 with {@code nextInt(len)} is biased.
     */
    public static void shuffle(int[] a, RandomGenerator rng) {
        throw new UnsupportedOperationException("TODO 4.1: shuffle: for i = len-1 down to 1 swap a[i] and a[rng.nextInt(i + 1)]");
    }

    /**
     * <b>TODO 4.2</b> (Time: ~20 min) — the next batch of row indices (a new array).
     *
     * <p>When the current epoch is used up ({@code position == n}, also before the very first call),
     * shuffle {@code order} in place with {@code shuffler.shuffle(order, rng)} (keep shuffling the current
     * order: do not reset it to 0..n−1) and go back to position 0. Then return
     * order[position .. min(position + B, n) − 1] and move position past it.
     *
     * <p>Hint: {@code java.util.Arrays.copyOfRange}. Shuffle only when an epoch starts, never per batch.
     * Call the shuffle through {@code shuffler}, not {@link #shuffle} directly: it is yours unless the
     * graders pass the reference's, so a bug in 4.1 costs you 4.1 only.
     *
     * @return between 1 and B distinct indices in 0..n−1
     */
    public int[] next() {
        throw new UnsupportedOperationException("TODO 4.2: next: shuffle at each epoch start, then return the next B indices");
    }
}
