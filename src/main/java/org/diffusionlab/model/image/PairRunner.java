package org.diffusionlab.model.image;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs the two halves of a fast layer ({@link FastConv2d}, {@link FastNormSilu}) on the caller and
 * one long-lived worker thread. The caller posts the second half, runs the first, then either
 * takes the second back (when the worker has not started it) or waits for it. The worker spins
 * for {@value #SPIN_NANOS} ns after each job before it parks, longer than the glue between two
 * layers of a training step, so it is awake when the next layer posts; a parked worker takes
 * tens of microseconds to wake up, as long as half a small layer, which is why the common
 * fork-join pool left the caller 57 % of the split work (JFR, {@code bench/RESULTS.md}).
 * The spinning costs process CPU for wall time.
 *
 * <p>Which thread runs a half never changes what it computes, so results do not depend on it.
 * One caller at a time uses the worker; a concurrent caller runs both halves itself.
 */
final class PairRunner {

    /** The runner the fast layers share. */
    static final PairRunner SHARED = new PairRunner();

    /** How long the worker spins for the next job before it parks. */
    static final long SPIN_NANOS = 200_000;

    private static final int IDLE = 0;
    private static final int POSTED = 1;
    private static final int TAKEN = 2;
    private static final int DONE = 3;

    private final AtomicInteger state = new AtomicInteger(IDLE);
    private final ReentrantLock user = new ReentrantLock();
    private final Thread worker;
    private volatile Runnable job;
    private volatile Throwable failure;
    private volatile Thread waiter;

    private PairRunner() {
        worker = new Thread(this::serve, "diffusionlab-pair-worker");
        worker.setDaemon(true);
        worker.start();
    }

    /** Runs {@code first} on this thread and {@code second} on the worker or this thread; returns when both are done. */
    void run(Runnable first, Runnable second) {
        if (!user.tryLock()) {
            first.run();
            second.run();
            return;
        }
        try {
            job = second;
            failure = null;
            waiter = Thread.currentThread();
            state.set(POSTED);
            LockSupport.unpark(worker);
            Throwable firstFailure = null;
            try {
                first.run();
            } catch (RuntimeException | Error e) {
                firstFailure = e;
            }
            if (state.compareAndSet(POSTED, IDLE)) {
                if (firstFailure == null) second.run();
            } else {
                long start = System.nanoTime();
                while (state.get() != DONE) {
                    if (System.nanoTime() - start < SPIN_NANOS) Thread.onSpinWait();
                    else LockSupport.park(this);
                }
                state.set(IDLE);
                if (firstFailure == null) firstFailure = failure;
            }
            if (firstFailure instanceof RuntimeException e) throw e;
            if (firstFailure instanceof Error e) throw e;
        } finally {
            job = null;
            user.unlock();
        }
    }

    private void serve() {
        while (true) {
            long start = System.nanoTime();
            while (state.get() != POSTED) {
                if (System.nanoTime() - start < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                    start = System.nanoTime();
                }
            }
            if (!state.compareAndSet(POSTED, TAKEN)) continue;
            try {
                job.run();
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            state.set(DONE);
            LockSupport.unpark(waiter);
        }
    }
}
