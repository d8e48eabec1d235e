package org.diffusionlab.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The two-thread hand-off of the fast layers: every half runs once, failures reach the caller, concurrent callers are safe. */
class PairRunnerTest {

    @Test
    @DisplayName("each half runs exactly once and its writes are visible to the caller, 2000 times in a row (the worker spinning and parked)")
    void runsBothHalvesOnce() throws InterruptedException {
        int[] counts = new int[2];
        for (int rep = 0; rep < 2000; rep++) {
            if (rep % 500 == 499) Thread.sleep(1);  // let the worker park now and then
            PairRunner.SHARED.run(() -> counts[0]++, () -> counts[1]++);
        }
        assertArrayEquals(new int[] {2000, 2000}, counts);
    }

    @Test
    @DisplayName("an exception of either half reaches the caller, and the runner works afterwards")
    void propagatesFailures() {
        IllegalStateException second = new IllegalStateException("second");
        assertSame(second, assertThrows(IllegalStateException.class, () -> PairRunner.SHARED.run(() -> { }, () -> {
            throw second;
        })));
        IllegalArgumentException first = new IllegalArgumentException("first");
        assertSame(first, assertThrows(IllegalArgumentException.class, () -> PairRunner.SHARED.run(() -> {
            throw first;
        }, () -> { })));
        int[] ran = new int[2];  // one slot per half: the halves may run at the same time
        PairRunner.SHARED.run(() -> ran[0]++, () -> ran[1]++);
        assertArrayEquals(new int[] {1, 1}, ran);
    }

    @Test
    @DisplayName("callers on several threads at once each get both halves run (the others without the worker)")
    void concurrentCallers() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            Future<?>[] f = new Future<?>[3];
            long[][] sums = new long[3][2];
            for (int t = 0; t < 3; t++) {
                long[] s = sums[t];
                f[t] = pool.submit(() -> {
                    for (int rep = 0; rep < 1000; rep++) PairRunner.SHARED.run(() -> s[0]++, () -> s[1]++);
                });
            }
            for (Future<?> x : f) x.get();
            for (long[] s : sums) assertArrayEquals(new long[] {1000, 1000}, s);
        } finally {
            pool.shutdownNow();
        }
    }
}
