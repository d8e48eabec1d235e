package org.diffusionlab.labs.training;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("training")
@DisplayName("Exercise 4: shuffled mini-batches")
class Ex4MiniBatchesTest {

    private static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** Known wrong shuffles, each run on its own copy of the random source, epoch after epoch like the student's. */
    private static final class WrongShuffles {
        final int[] sattolo, upward;
        final SplittableRandom r1, r2;

        WrongShuffles(int[] start, long seed) {
            sattolo = start.clone();
            upward = start.clone();
            r1 = new SplittableRandom(seed);
            r2 = new SplittableRandom(seed);
        }

        void shuffle() {
            for (int i = sattolo.length - 1; i >= 1; i--) swap(sattolo, i, r1.nextInt(i));  // Sattolo: j < i
            for (int i = 1; i < upward.length; i++) swap(upward, i, r2.nextInt(i + 1));       // the loop goes up
        }

        String likelyMistake(int[] got) {
            if (Arrays.equals(sattolo, got)) return "\n  likely mistake: j = rng.nextInt(i) draws from 0..i−1 (Sattolo's algorithm); use nextInt(i + 1) so j can equal i";
            if (Arrays.equals(upward, got)) return "\n  likely mistake: the loop goes up; go from i = len − 1 down to 1";
            return "\n  hint: for i = len − 1 down to 1, j = rng.nextInt(i + 1), swap a[i] and a[j] — exactly these draws, in this order";
        }
    }

    private static void swap(int[] a, int i, int j) {
        int tmp = a[i];
        a[i] = a[j];
        a[j] = tmp;
    }

    @Test
    @Graded(exercise = "4.1", points = 1.5)
    @DisplayName("shuffle makes exactly the reference's draws: same permutation, same random state afterwards, epoch after epoch")
    void sameDraws() {
        for (int n : new int[] {1, 2, 5, 10, 257}) {
            long seed = 40 + n;
            SplittableRandom mineRng = new SplittableRandom(seed), refRng = new SplittableRandom(seed);
            int[] mine = range(n), ref = range(n);
            WrongShuffles wrong = new WrongShuffles(mine, seed);
            for (int epoch = 1; epoch <= 3; epoch++) {
                int[] before = mine.clone();
                MiniBatches.shuffle(mine, mineRng);
                org.diffusionlab.train.MiniBatches.shuffle(ref, refRng);
                wrong.shuffle();
                if (!Arrays.equals(ref, mine)) {
                    throw new AssertionError("shuffle is wrong (n = " + n + ", seed " + seed + ", call " + epoch + " on the same random source)"
                            + "\n  input: " + Feedback.show(Arrays.stream(before).asDoubleStream().toArray())
                            + "\n  expected: " + Feedback.show(Arrays.stream(ref).asDoubleStream().toArray())
                            + "\n  got:      " + Feedback.show(Arrays.stream(mine).asDoubleStream().toArray())
                            + wrong.likelyMistake(mine));
                }
                if (mineRng.nextLong() != refRng.nextLong()) {
                    throw new AssertionError("shuffle of n = " + n + " gave the right order but made a different number of draws: "
                            + "Fisher–Yates draws exactly n − 1 = " + (n - 1) + " numbers (none for i = 0)");
                }
            }
        }
    }

    @Test
    @Graded(exercise = "4.1", points = 0.5)
    @DisplayName("shuffle returns a permutation of its input and moves elements")
    void permutation() {
        int[] a = range(50);
        MiniBatches.shuffle(a, new SplittableRandom(4));
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        if (!Arrays.equals(range(50), sorted)) {
            throw new AssertionError("shuffle of 0..49 must be a permutation (each value once), got " + Arrays.toString(a));
        }
        if (Arrays.equals(range(50), a)) {
            throw new AssertionError("shuffle of 0..49 left the array in order: the chance of that is 1/50!; swap a[i] and a[j] in place");
        }
    }

    /** next() (4.2) is graded with the core's shuffle, so a wrong 4.1 does not cost 4.2 as well. */
    private static final MiniBatches.Shuffler REFERENCE_SHUFFLE = org.diffusionlab.train.MiniBatches::shuffle;

    private static void sameBatches(int n, int batchSize, int epochs, long seed) {
        MiniBatches mine = new MiniBatches(n, batchSize, new SplittableRandom(seed), REFERENCE_SHUFFLE);
        org.diffusionlab.train.MiniBatches ref = new org.diffusionlab.train.MiniBatches(n, batchSize, new SplittableRandom(seed));
        int perEpoch = (n + Math.min(batchSize, n) - 1) / Math.min(batchSize, n);
        for (int b = 0; b < epochs * perEpoch; b++) {
            int[] expected = ref.next(), got = mine.next();
            if (!Arrays.equals(expected, got)) {
                throw new AssertionError("next() is wrong at batch " + (b + 1) + " (epoch " + (b / perEpoch + 1) + ", batch " + (b % perEpoch + 1)
                        + " of " + perEpoch + ")\n  input: n = " + n + ", B = " + batchSize + ", seed " + seed
                        + "\n  expected: " + Arrays.toString(expected) + "\n  got:      " + Arrays.toString(got)
                        + (b % perEpoch == perEpoch - 1 && got.length != expected.length
                                ? "\n  likely mistake: the last batch of an epoch holds the remainder, n − (⌈n/B⌉ − 1)·B indices" : "")
                        + (b % perEpoch == 1 ? "\n  likely mistake: shuffle once per epoch (when position reaches n), not before every batch" : "")
                        + (b == perEpoch ? "\n  likely mistake: the second epoch shuffles the current order again; do not reset it to 0..n−1" : ""));
            }
        }
    }

    @Test
    @Graded(exercise = "4.2", points = 1.5)
    @DisplayName("next() gives the reference's batches over 3 epochs (n = 10, B = 4; n = 7, B = 7; B > n)")
    void sameBatchesAsReference() {
        sameBatches(10, 4, 3, 42);
        sameBatches(7, 7, 3, 7);
        sameBatches(5, 16, 3, 5);
        sameBatches(1, 1, 2, 1);
    }

    @Test
    @Graded(exercise = "4.2", points = 1)
    @DisplayName("each point appears once per epoch: n = 103, B = 10 gives 10 batches of 10 and one of 3")
    void eachPointOncePerEpoch() {
        MiniBatches batches = new MiniBatches(103, 10, new SplittableRandom(8), REFERENCE_SHUFFLE);
        for (int epoch = 1; epoch <= 3; epoch++) {
            int[] seen = new int[103];
            for (int b = 0; b < 11; b++) {
                int[] batch = batches.next();
                int expectedSize = b < 10 ? 10 : 3;
                if (batch.length != expectedSize) {
                    throw new AssertionError("epoch " + epoch + ", batch " + (b + 1) + " of 11 has " + batch.length + " indices, expected "
                            + expectedSize + " (n = 103, B = 10: ten full batches, then the remainder 3)");
                }
                for (int i : batch) {
                    if (i < 0 || i >= 103) throw new AssertionError("index " + i + " is outside 0..102 (n = 103)");
                    seen[i]++;
                }
            }
            for (int i = 0; i < 103; i++) {
                if (seen[i] != 1) {
                    throw new AssertionError("in epoch " + epoch + " index " + i + " appeared " + seen[i] + " times; each row must appear exactly "
                            + "once per epoch (shuffle at the start of the epoch, then cut consecutive slices)");
                }
            }
        }
    }
}
