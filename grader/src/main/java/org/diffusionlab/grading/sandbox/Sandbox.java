package org.diffusionlab.grading.sandbox;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.diffusionlab.grading.wire.Peer;
import org.diffusionlab.grading.wire.Throwables;

/**
 * The trusted JVM's door to the student's code. The pristine lab classes in this JVM are rewritten
 * ({@link TrustedClasses}) so that each exercise method calls {@link #invoke}, which runs the
 * student's version in the sandboxed worker and returns its result as data. Everything else — the
 * graders, the reference implementation, the verdict — stays in this JVM, which runs no student code.
 *
 * <p>Configured by system properties the batch grader sets: {@code grading.sandbox.command} (a file
 * with the worker's command line, one argument per line), {@code grading.sandbox.labClasses} (a file
 * naming the lab classes that cross by value) and {@code grading.sandbox.callTimeoutSeconds}.
 */
public final class Sandbox {

    private static Session session;
    private static java.util.concurrent.Future<Session> starting;
    private static List<String> command;
    private static Set<String> labClasses;
    private static long callTimeoutNanos;
    private static Consumer<String> problems = p -> System.err.println("[sandbox] " + p);

    private Sandbox() {}

    /** Where problem lines (a restart and why) go; the batch runner logs them for the instructor. */
    public static synchronized void onProblem(Consumer<String> sink) {
        problems = sink;
    }

    /** Whether this JVM grades through a sandbox (the command property is set). */
    public static boolean enabled() {
        return System.getProperty("grading.sandbox.command") != null;
    }

    /** Runs the student's version of an exercise method (static, or on {@code self}) in the worker. */
    public static synchronized Object invoke(Method method, Object self, Object[] args) throws Throwable {
        Session s = session();
        boolean isStatic = Modifier.isStatic(method.getModifiers());
        try {
            return s.call(isStatic ? Peer.STATIC : Peer.INSTANCE, method.getDeclaringClass().getName(), -1, method,
                    self, args);
        } catch (SandboxException e) {
            problems.accept(e.kind() + ": " + e.getMessage() + " [" + method.getDeclaringClass().getSimpleName() + "."
                    + method.getName() + "]");
            throw e;
        } catch (Peer.ProtocolException | IOException e) {
            s.kill();
            String text = "the sandboxed JVM broke the grading protocol (" + e.getMessage()
                    + "): did your code write to System.out's file descriptor directly? It was restarted";
            problems.accept("protocol: " + text);
            throw new SandboxException(text, "protocol");
        } catch (Throwable t) {
            if (t instanceof Throwables.RemoteException remote && remote.isError()) {
                // A JVM error may leave the worker short of memory or threads: the next call gets a fresh one,
                // so that it costs only this call.
                s.kill();
            }
            String reached = reachedFor(t);
            if (reached != null) {
                problems.accept("reference: the code of " + method.getDeclaringClass().getSimpleName() + "."
                        + method.getName() + " reached for " + reached + " (the course's own code, which is not"
                        + " available while grading)");
            }
            throw t;
        }
    }

    private static final java.util.regex.Pattern COURSE_CLASS =
            java.util.regex.Pattern.compile("org[./]diffusionlab[./](?!labs[./])[\\w./$]+");

    /** The course class (outside the labs) an exception says the student's code tried to load, if any. */
    static String reachedFor(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            java.util.regex.Matcher m = COURSE_CLASS.matcher(String.valueOf(c.getMessage()));
            if (m.find()) {
                return m.group().replace('/', '.');
            }
        }
        return null;
    }

    /** The student's value of a static field of a lab class (the reflections' text constants). */
    public static synchronized Object staticField(Class<?> owner, String field) throws Throwable {
        Session s = session();
        try {
            return s.getStatic(owner.getName(), field);
        } catch (Peer.ProtocolException | IOException e) {
            s.kill();
            throw new SandboxException("the sandboxed JVM broke the grading protocol: " + e.getMessage(), "protocol");
        }
    }

    /** Ends the worker (at the end of a grading run). */
    public static synchronized void close() {
        if (starting != null) {
            try {
                session = starting.get();
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                // nothing started, nothing to end
            }
            starting = null;
        }
        if (session != null && Boolean.getBoolean("grading.sandbox.stats")) {
            System.err.println(session.stats());
        }
        if (session != null) {
            session.kill();
            session = null;
        }
    }

    /**
     * Starts the first worker now, in the background, so that its JVM boots while this one discovers
     * the graders (the first call then finds it ready).
     */
    public static synchronized void prestart() throws IOException {
        configure();
        if (session == null && starting == null) {
            List<String> argv = new ArrayList<>(command);
            java.util.concurrent.FutureTask<Session> task = new java.util.concurrent.FutureTask<>(
                    () -> Session.start(argv, labClasses, callTimeoutNanos));
            Thread t = new Thread(task, "sandbox-prestart");
            t.setDaemon(true);
            t.start();
            starting = task;
        }
    }

    private static void configure() throws IOException {
        if (command == null) {
            String file = System.getProperty("grading.sandbox.command");
            if (file == null) {
                throw new IllegalStateException("this JVM has no sandbox (grading.sandbox.command is not set)");
            }
            command = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
            labClasses = new LinkedHashSet<>(Files.readAllLines(Path.of(System.getProperty("grading.sandbox.labClasses")),
                    StandardCharsets.UTF_8));
            labClasses.removeIf(String::isBlank);
            callTimeoutNanos = TimeUnit.SECONDS.toNanos(Long.getLong("grading.sandbox.callTimeoutSeconds", 20));
        }
    }

    private static Session session() throws IOException {
        if (session != null && !session.isDead()) {
            return session;
        }
        if (starting != null) {
            java.util.concurrent.Future<Session> f = starting;
            starting = null;
            try {
                session = f.get();
                return session;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while the sandbox started", e);
            } catch (java.util.concurrent.ExecutionException e) {
                problems.accept("start: " + e.getCause().getMessage());
                throw new SandboxException("could not start the sandbox for your code: " + e.getCause().getMessage(), "start");
            }
        }
        configure();
        if (session != null) {
            problems.accept("restart: a new sandboxed JVM was started for the remaining tests");
        }
        try {
            session = Session.start(new ArrayList<>(command), labClasses, callTimeoutNanos);
        } catch (IOException e) {
            problems.accept("start: " + e.getMessage());
            throw new SandboxException("could not start the sandbox for your code: " + e.getMessage(), "start");
        }
        return session;
    }
}
