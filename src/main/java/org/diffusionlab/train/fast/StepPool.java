package org.diffusionlab.train.fast;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A tiny fork-join for training steps: {@link #run} executes task(0..tasks−1) with a fixed
 * assignment (thread w runs tasks w, w + threads, …) and returns when all are done. The caller's
 * thread is worker 0. Idle workers spin briefly, then yield: a step lasts about a millisecond, too
 * short to pay for parking and waking a thread twice per step.
 *
 * <p>Which thread runs a task never changes a result: tasks write only to memory they own.
 */
final class StepPool implements AutoCloseable {

    private static final int SPINS_BEFORE_YIELD = 20_000;

    private final int threads;
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile long generation;
    private volatile boolean closed;
    private volatile Throwable failure;
    private IntConsumer task;   // published by the volatile write of generation
    private int tasks;

    StepPool(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " is invalid: must be >= 1");
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 1; w < threads; w++) {
            int id = w;
            Thread thread = new Thread(() -> workLoop(id), "fast-trainer-" + w);
            thread.setDaemon(true);
            workers[w - 1] = thread;
            thread.start();
        }
    }

    int threads() {
        return threads;
    }

    /** Runs task(i) for every i in [0, tasks) and waits for all of them. */
    void run(int tasks, IntConsumer task) {
        this.task = task;
        this.tasks = tasks;
        pending.set(threads - 1);
        generation++;
        runShare(0);
        int spins = 0;
        while (pending.get() != 0) {
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

    private void runShare(int worker) {
        for (int i = worker; i < tasks; i += threads) task.accept(i);
    }

    private void workLoop(int worker) {
        long seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                spins = idle(spins);
            }
            if (closed) return;
            seen = generation;
            try {
                runShare(worker);
            } catch (Throwable t) {
                failure = t;
            }
            pending.decrementAndGet();
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
