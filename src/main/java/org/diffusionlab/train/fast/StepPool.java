package org.diffusionlab.train.fast;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * A tiny fork-join for training steps: {@link #run} executes task(0..tasks−1) on the caller's
 * thread and the pool's workers and returns when all are done. Tasks are claimed one at a time
 * from a shared counter, so when the machine is busy and a worker is descheduled, the threads
 * that do run take over its share instead of waiting for it. Idle workers spin briefly, then
 * yield: a step lasts about a millisecond, too short to park and wake threads twice per step.
 *
 * <p>Which thread runs a task never changes a result: a task writes only to memory it owns.
 */
final class StepPool implements AutoCloseable {

    private static final int SPINS_BEFORE_YIELD = 20_000;

    private final int threads;
    private final Thread[] workers;
    /** (round &lt;&lt; 32) | index of the next unclaimed task of that round. */
    private final AtomicLong ticket = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private volatile boolean closed;
    private volatile Throwable failure;
    private IntConsumer task;  // published by the volatile write of ticket
    private int tasks;
    private long round;

    StepPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " is invalid: must be >= 1");
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 1; w < threads; w++) {
            Thread thread = new Thread(this::workLoop, "fast-trainer-" + w);
            thread.setDaemon(true);
            workers[w - 1] = thread;
            thread.start();
        }
    }

    /** Runs task(i) for every i in [0, tasks) and waits for all of them. */
    void run(int tasks, IntConsumer task) {
        this.task = task;
        this.tasks = tasks;
        done.set(0);
        round++;
        ticket.set(round << 32);
        work(round);
        int spins = 0;
        while (done.get() < tasks) {
            spins = idle(spins);
        }
        Throwable t = failure;
        if (t != null) {
            failure = null;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException(t);
        }
    }

    /** Claims and runs tasks of round {@code r} until none is left. */
    private void work(long r) {
        while (true) {
            long current = ticket.get();
            if (current >>> 32 != r || (int) current >= tasks) return;
            if (!ticket.compareAndSet(current, current + 1)) continue;
            try {
                task.accept((int) current);
            } catch (Throwable t) {
                failure = t;
            }
            done.incrementAndGet();
        }
    }

    private void workLoop() {
        long seen = 0;
        while (true) {
            int spins = 0;
            long r;
            while ((r = ticket.get() >>> 32) == seen && !closed) {
                spins = idle(spins);
            }
            if (closed) return;
            seen = r;
            work(r);
        }
    }

    private static int idle(int spins) {
        if (spins < SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
        return spins + 1;
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
