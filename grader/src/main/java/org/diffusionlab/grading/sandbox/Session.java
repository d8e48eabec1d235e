package org.diffusionlab.grading.sandbox;

import java.io.DataInputStream;
import java.io.IOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.diffusionlab.grading.wire.LabClassRules;
import org.diffusionlab.grading.wire.Peer;

/**
 * The trusted side of one sandboxed worker process: starts it with the command the batch grader
 * prepared (bubblewrap around a JVM), talks to it, and ends it. A call that does not return within
 * its time limit, a thread interrupt (JUnit's preemptive timeout), the worker's death or a protocol
 * error ends the worker; the failing call then throws {@link SandboxException} saying why.
 */
final class Session extends Peer {

    /** How the messages name the worker to the student. */
    private static final String WORKER = "the sandboxed JVM that runs your code";

    /**
     * Starts every worker from one thread that lives as long as this JVM: bubblewrap's
     * {@code --die-with-parent} is tied to the thread that started it, and JUnit runs each test (with
     * a preemptive timeout) on a thread of its own that ends with the test.
     */
    private static final java.util.concurrent.ExecutorService LAUNCHER =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "sandbox-launcher");
                t.setDaemon(true);
                return t;
            });

    private final Process process;
    private final DataInputStream in;
    /** The read in progress: its thread and deadline (a watchdog ends the worker when either says so). */
    private volatile Thread reader;
    private volatile long readDeadline;
    private volatile String stopped;
    private final long callTimeoutNanos;
    private volatile boolean dead;

    private Session(Process process, Set<String> labClasses, long callTimeoutNanos) {
        super(new LabClassRules(labClasses, Session.class.getClassLoader()), true, process.getOutputStream());
        this.process = process;
        this.callTimeoutNanos = callTimeoutNanos;
        this.in = new DataInputStream(new java.io.BufferedInputStream(process.getInputStream(), 1 << 16));
        Thread watchdog = new Thread(this::watch, "sandbox-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /** Starts a worker and says hello (the lab classes that may cross by value). */
    static Session start(List<String> command, Set<String> labClasses, long callTimeoutNanos) throws IOException {
        Process p;
        try {
            p = LAUNCHER.submit(() -> new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start())
                    .get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the sandbox", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
        Session s = new Session(p, labClasses, callTimeoutNanos);
        try {
            s.send(HELLO, out -> {
                out.writeInt(VERSION);
                writeNames(out, labClasses);
            });
            byte[] reply = s.nextFrame(TimeUnit.SECONDS.toNanos(60));
            DataInputStream in = payload(reply);
            if (in.readByte() != HELLO || in.readInt() != VERSION) {
                throw new ProtocolException("the worker did not answer the greeting");
            }
        } catch (IOException | RuntimeException e) {
            s.kill();
            throw new IOException("the sandbox did not start: " + e.getMessage(), e);
        }
        return s;
    }

    String stats() {
        return "[sandbox] " + framesSent + " messages sent (" + bytesSent / 1024 + " KB), " + callsServed
                + " callbacks served " + servedByMethod;
    }

    boolean isDead() {
        return dead;
    }

    /**
     * Ends the worker when a read outlives its deadline or its thread is interrupted (JUnit's
     * preemptive timeout): closing the pipe is what unblocks the read. The caller reads the pipe itself,
     * so a round trip costs no thread hand-off.
     */
    private void watch() {
        while (!dead) {
            Thread t = reader;
            if (t != null && (System.nanoTime() - readDeadline > 0 || t.isInterrupted())) {
                stopped = t.isInterrupted() ? "interrupted" : "deadline";
                kill();
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    protected byte[] readFrame() throws IOException {
        return nextFrame(callTimeoutNanos);
    }

    private byte[] nextFrame(long timeoutNanos) throws IOException {
        readDeadline = System.nanoTime() + timeoutNanos;
        reader = Thread.currentThread();
        try {
            return readFrame(in);
        } catch (IOException e) {
            String why = stopped;
            if ("interrupted".equals(why)) {
                Thread.currentThread().interrupt();
                throw new SandboxException("timed out: the test's time limit ran out while your code ran, so "
                        + WORKER + " was stopped (an infinite loop, or far too much work?)", "timeout");
            }
            if ("deadline".equals(why)) {
                throw new SandboxException("timed out: your code did not return within "
                        + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s, so " + WORKER
                        + " was stopped (an infinite loop, or far too much work?)", "timeout");
            }
            throw died();
        } finally {
            reader = null;
        }
    }

    private SandboxException died() {
        dead = true;
        int code;
        try {
            code = process.waitFor(5, TimeUnit.SECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = -1;
        }
        kill();
        String why = switch (code) {
            case 137 -> "was killed (SIGKILL: its memory limit, or a kill -9)";
            case 134 -> "aborted (SIGABRT: usually its native-memory limit)";
            case -1 -> "stopped answering";
            default -> code > 128 ? "was killed by signal " + (code - 128)
                    : "exited with status " + code + " (System.exit(" + code + ") in your code, or a crash)";
        };
        return new SandboxException(WORKER + " " + why + " while this test ran", code == 137 ? "memory" : "exit");
    }

    /** Ends the worker and everything it started (bubblewrap's PID namespace dies with it). */
    void kill() {
        dead = true;
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected Method resolve(byte target, String owner, int handle, String name, Class<?>[] types)
            throws ReflectiveOperationException {
        if (target != HANDLE) {
            throw new ProtocolException("the worker may only call back objects it was lent");
        }
        return handleMethod(handle, name, types);
    }

}
