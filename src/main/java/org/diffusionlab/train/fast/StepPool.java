package org.diffusionlab.train.fast;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * A tiny fork-join for training steps with backup execution: {@link #run} executes tasks
 * 0..tasks−1 on the caller's thread and the pool's workers and returns when every task has been
 * completed once. Tasks are first claimed one at a time from a shared counter. A thread that finds
 * nothing left to claim while another thread's task is still running waits {@code backupAfterNanos},
 * then runs that task too, into its own buffers; whichever copy finishes first counts
 * ({@link #winner}), and the other copy stops at its next {@link #superseded} check.
 *
 * <p>Why: on a machine shared with other processes, a descheduled thread is away for whole
 * scheduler time slices (milliseconds, several training steps). Without backups the step waits
 * for it; with them, the running threads finish the step without it.
 *
 * <p>A task must write only to memory owned by (task, worker), so that two copies of one task never
 * share a buffer, and must compute a result that depends only on the task's inputs, so that which
 * copy wins never changes a result. A waiting thread spins for {@link #SPIN_NANOS} (long enough to
 * cover the serial part of a step and the usual end-of-step imbalance, so a quiet machine never
 * parks), then parks until woken: on a busy machine a spinning thread would burn the CPU share that
 * its partner needs.
 */
final class StepPool implements AutoCloseable {

    /** One task of a round: computes task {@code task} into worker {@code worker}'s buffers. */
    interface Task {
        /**
         * @return true if the task ran to the end; false if it stopped early because
         *     {@code pool.superseded(task, round)} said its result is no longer needed
         */
        boolean run(int task, int worker, long round);
    }

    /** Wait before backing up a running task: well above the normal end-of-step imbalance, well below a time slice. */
    static final long DEFAULT_BACKUP_AFTER_NANOS = 300_000;
    /** How long a waiting thread spins before it parks. */
    static final long SPIN_NANOS = 100_000;
    private static final long MAX_PARK_NANOS = 1_000_000;

    private final long backupAfterNanos;
    private final Thread[] workers;
    /** (round &lt;&lt; 32) | index of the next unclaimed task of that round. */
    private final AtomicLong ticket = new AtomicLong();
    /** Per task: (round in which it was last completed &lt;&lt; 8) | (winning worker + 1). */
    private final AtomicLongArray completed;
    private final boolean[][] tried;  // [worker][task]: ran (or started) a copy in the current round
    private volatile boolean closed;
    private volatile Throwable failure;
    private Task task;        // published by the volatile write of ticket
    private Thread caller;    // the thread in run(), woken when a task completes
    private int tasks;
    private long round;

    /**
     * @param threads the caller plus threads − 1 workers, ≥ 1
     * @param maxTasks the most tasks a round may have
     * @param backupAfterNanos how long an idle thread waits before backing up a running task
     */
    StepPool(int threads, int maxTasks, long backupAfterNanos) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads = " + threads + " is invalid: must be >= 1");
        }
        this.backupAfterNanos = backupAfterNanos;
        this.completed = new AtomicLongArray(maxTasks);
        this.tried = new boolean[threads][maxTasks];
        this.workers = new Thread[threads - 1];
        for (int w = 1; w < threads; w++) {
            int worker = w;
            Thread thread = new Thread(() -> workLoop(worker), "fast-trainer-" + w);
            thread.setDaemon(true);
            workers[w - 1] = thread;
            thread.start();
        }
    }

    StepPool(int threads, int maxTasks) {
        this(threads, maxTasks, DEFAULT_BACKUP_AFTER_NANOS);
    }

    /**
     * Runs every task in [0, tasks) once (some possibly twice, see the class comment) and waits for
     * all of them. The caller's thread first runs {@code callerFirst} (if not null) exactly once,
     * after the workers have started on the tasks: serial work that the tasks do not read (the
     * trainer draws the next step's noise there) overlaps with them instead of leaving the workers
     * waiting.
     */
    void run(int tasks, Task task, Runnable callerFirst) {
        if (tasks > completed.length()) {
            throw new IllegalArgumentException("tasks = " + tasks + " is invalid: must be <= " + completed.length());
        }
        this.task = task;
        this.tasks = tasks;
        this.caller = Thread.currentThread();
        round++;
        ticket.set(round << 32);
        for (Thread w : workers) LockSupport.unpark(w);
        if (callerFirst != null) callerFirst.run();
        work(0, round);
        Throwable t = failure;
        if (t != null) {
            failure = null;
            if (t instanceof RuntimeException e) throw e;
            if (t instanceof Error e) throw e;
            throw new IllegalStateException(t);
        }
    }

    /** The worker whose copy of {@code task} completed in the last {@link #run}. */
    int winner(int task) {
        return (int) (completed.get(task) & 0xff) - 1;
    }

    /** True once the result of this copy of {@code task} (started in {@code round}) is no longer needed. */
    boolean superseded(int task, long round) {
        return ticket.get() >>> 32 != round || completed.get(task) >>> 8 == round;
    }

    /** Claims and runs tasks of round r, then waits until all are completed, backing up late ones. */
    private void work(int worker, long r) {
        boolean[] mine = tried[worker];
        Arrays.fill(mine, false);
        while (true) {
            long current = ticket.get();
            if (current >>> 32 != r) return;
            int i = (int) current;
            if (i >= tasks) break;
            if (ticket.compareAndSet(current, current + 1)) execute(i, worker, r);
        }
        long idleSince = System.nanoTime(), waitingSince = idleSince;
        while (!closed && ticket.get() >>> 32 == r) {
            int late = -1;
            for (int i = tasks - 1; i >= 0; i--) {
                if (completed.get(i) >>> 8 != r) late = i;
            }
            if (late < 0) return;
            long backupIn = mine[late] ? MAX_PARK_NANOS : idleSince + backupAfterNanos - System.nanoTime();
            if (backupIn <= 0) {
                execute(late, worker, r);
                idleSince = waitingSince = System.nanoTime();
            } else {
                pause(waitingSince, Math.min(backupIn, MAX_PARK_NANOS));
            }
        }
    }

    private void execute(int i, int worker, long r) {
        tried[worker][i] = true;
        boolean finished;
        try {
            finished = task.run(i, worker, r);
        } catch (Throwable t) {
            failure = t;
            finished = true;  // so that run() returns and rethrows
        }
        if (!finished) return;
        while (true) {
            long v = completed.get(i);
            if (v >>> 8 >= r) return;
            if (completed.compareAndSet(i, v, r << 8 | (worker + 1))) {
                if (worker != 0) LockSupport.unpark(caller);
                return;
            }
        }
    }

    private void workLoop(int worker) {
        long seen = 0;
        while (true) {
            long waitingSince = System.nanoTime();
            long r;
            while ((r = ticket.get() >>> 32) == seen && !closed) {
                pause(waitingSince, MAX_PARK_NANOS);
            }
            if (closed) return;
            seen = r;
            work(worker, r);
        }
    }

    /** One wait step: spin during the first {@link #SPIN_NANOS} of a wait, then park (unpark or timeout ends it). */
    private static void pause(long waitingSince, long maxParkNanos) {
        if (System.nanoTime() - waitingSince < SPIN_NANOS) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(maxParkNanos);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) {
            LockSupport.unpark(w);
            try {
                w.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
