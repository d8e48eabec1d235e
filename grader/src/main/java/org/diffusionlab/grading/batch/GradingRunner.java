package org.diffusionlab.grading.batch;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.diffusionlab.grading.Feedback;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Grading;
import org.diffusionlab.grading.sandbox.Sandbox;
import org.diffusionlab.grading.Lab;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs graders inside the forked JVM of one submission (started by {@link BatchGrade}); never run by
 * hand. It writes one line per event to a log file and flushes each, so that when the JVM is killed
 * (time limit) or dies (crash, uncatchable error) the parent still knows which graded tests finished,
 * which one was running, and which never started.
 *
 * <p>It needs the JUnit Platform launcher API: an optional dependency of the core, so the grading
 * classpath must carry it (the labs' test classpath does). The grading engine's {@code GradingListener}
 * is active in the same JVM (service-loaded) and writes its report to {@code -Dgrading.reportDir}, from
 * which {@link SubmissionGrader} takes the texts tests attach with {@code Grading.note}.
 *
 * <p>Log lines (tab-separated, fields escaped by {@link #escape}, each followed by an HMAC field):
 * <pre>
 *   CATALOG key exercise points visibility manual lab displayName   (--list mode: every graded test)
 *   START   key                                                      (a graded test began)
 *   RESULT  key PASS|FAIL feedback                                   (it ended)
 *   CLASSFAIL className feedback                                     (a grader class failed as a whole)
 *   ABORT   feedback                                                 (the launcher itself threw)
 *   DONE                                                             (the run completed)
 * </pre>
 * A key is {@code className#method(paramTypes)}, the format {@link DiscoverySelectors#selectMethod(String)} reads.
 */
public final class GradingRunner {

    private GradingRunner() {}

    /**
     * Arguments: {@code --log FILE} and either {@code --list PACKAGE} (discover only) or
     * {@code --select FILE} (one key per line) with {@code --student-classes FILE},
     * {@code --test-timeout SECONDS}, {@code --output-cap BYTES}.
     */
    public static void main(String[] args) throws IOException {
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        Path logFile = Path.of(opts.get("--log"));
        // The parent writes a per-run key to stdin and closes it; read it before any graded code runs.
        byte[] logKey = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
        try (Writer log = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8)) {
            Events events = new Events(log, logKey);
            if (opts.containsKey("--list")) {
                list(opts.get("--list"), events);
                events.line("DONE");
                return;
            }
            long cap = Long.parseLong(opts.getOrDefault("--output-cap", "65536"));
            PrintStream capped = new PrintStream(new CappedStream(new FileOutputStream(FileDescriptor.out), cap),
                    true, StandardCharsets.UTF_8);
            System.setOut(capped);
            System.setErr(capped);
            // No student code runs in this JVM: the exercise methods of its lab classes call the sandbox.
            if (Sandbox.enabled()) {
                Sandbox.onProblem(p -> events.line("PROBLEM", p));
                Sandbox.prestart();
                Grading.useStaticFieldReader((owner, field) -> {
                    try {
                        return Sandbox.staticField(owner, field);
                    } catch (RuntimeException | Error e) {
                        throw e;
                    } catch (Throwable t) {
                        throw new IllegalStateException(t);
                    }
                });
            }
            Set<String> studentClasses = new HashSet<>(Files.readAllLines(Path.of(opts.get("--student-classes"))));
            Describer feedback = new Describer(studentClasses);
            List<DiscoverySelector> selectors = new ArrayList<>();
            for (String key : Files.readAllLines(Path.of(opts.get("--select")))) {
                if (!key.isBlank()) {
                    selectors.add(DiscoverySelectors.selectMethod(key));
                }
            }
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors)
                    .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                    .configurationParameter("junit.jupiter.execution.timeout.default",
                            opts.getOrDefault("--test-timeout", "20") + " s")
                    .build();
            try {
                LauncherFactory.create().execute(request, new Recorder(events, feedback));
                events.line("DONE");
            } catch (Throwable t) {
                events.line("ABORT", feedback.describe(t));
                log.flush();
                Sandbox.close();
                System.exit(3);
            }
            log.flush();
            Sandbox.close();
            // A timed-out test's thread may still spin; end the JVM rather than wait for it.
            System.exit(0);
        }
    }

    private static void list(String rootPackage, Events events) throws IOException {
        Launcher launcher = LauncherFactory.create();
        TestPlan plan = launcher.discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectPackage(rootPackage)).build());
        Set<String> seen = new HashSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier id : plan.getDescendants(root)) {
                Optional<MethodSource> source = methodSource(id);
                if (source.isEmpty() || !seen.add(key(source.get()))) {
                    continue;
                }
                Graded graded = source.get().getJavaMethod().getAnnotation(Graded.class);
                if (graded == null) {
                    continue;
                }
                Lab lab = source.get().getJavaClass().getAnnotation(Lab.class);
                events.line("CATALOG", key(source.get()), graded.exercise(), Double.toString(graded.points()),
                        graded.visibility(), Boolean.toString(graded.manual()), lab == null ? "" : lab.value(),
                        id.getDisplayName());
            }
        }
    }

    static Optional<MethodSource> methodSource(TestIdentifier id) {
        return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast);
    }

    static String key(MethodSource source) {
        return source.getClassName() + "#" + source.getMethodName() + "(" + source.getMethodParameterTypes() + ")";
    }

    /** Collects the result of each graded method; a parameterized method passes only if every invocation does. */
    private static final class Recorder implements TestExecutionListener {
        private final Events events;
        private final Describer feedback;
        private final Map<String, String> firstFailure = new HashMap<>();
        private TestPlan plan;

        Recorder(Events events, Describer feedback) {
            this.events = events;
            this.feedback = feedback;
        }

        @Override
        public void testPlanExecutionStarted(TestPlan testPlan) {
            plan = testPlan;
        }

        @Override
        public void executionStarted(TestIdentifier id) {
            if (isOutermost(id)) {
                events.line("START", key(methodSource(id).get()));
            }
        }

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            if (isOutermost(id)) {
                events.line("RESULT", key(methodSource(id).get()), "FAIL", "skipped: " + reason);
            } else if (id.getSource().filter(ClassSource.class::isInstance).isPresent()) {
                events.line("CLASSFAIL", ((ClassSource) id.getSource().get()).getClassName(), "skipped: " + reason);
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            Optional<MethodSource> source = methodSource(id);
            String failure = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL ? null
                    : result.getThrowable().map(feedback::describe).orElse("failed: " + result.getStatus());
            if (source.isPresent()) {
                String key = key(source.get());
                if (failure != null) {
                    firstFailure.putIfAbsent(key, failure);
                }
                if (isOutermost(id)) {
                    String fail = firstFailure.get(key);
                    events.line("RESULT", key, fail == null ? "PASS" : "FAIL", fail == null ? "" : fail);
                }
            } else if (failure != null) {
                Optional<TestSource> src = id.getSource();
                if (src.isPresent() && src.get() instanceof ClassSource) {
                    events.line("CLASSFAIL", ((ClassSource) src.get()).getClassName(), failure);
                }
            }
        }

        private boolean isOutermost(TestIdentifier id) {
            Optional<MethodSource> source = methodSource(id);
            if (source.isEmpty() || source.get().getJavaMethod().getAnnotation(Graded.class) == null) {
                return false;
            }
            Optional<TestIdentifier> parent = plan.getParent(id);
            return parent.flatMap(GradingRunner::methodSource).map(GradingRunner::key)
                    .filter(key(source.get())::equals).isEmpty();
        }
    }

    /**
     * Turns a test's throwable into feedback with the engine's {@link Feedback}, naming only the student's
     * stack frames (never a grader's: hidden graders stay hidden), capped for the log.
     */
    private static final class Describer {
        private static final int MAX_CHARS = 2000;
        private final Set<String> studentClasses;

        Describer(Set<String> studentClasses) {
            this.studentClasses = studentClasses;
        }

        String describe(Throwable t) {
            String text = Feedback.of(t, this::isStudentClass).text();
            return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) + " …" : text;
        }

        private boolean isStudentClass(String cls) {
            int nested = cls.indexOf('$');
            return studentClasses.contains(nested < 0 ? cls : cls.substring(0, nested));
        }
    }

    /** Passes the first {@code cap} bytes through, then one notice, then drops the rest. */
    private static final class CappedStream extends OutputStream {
        private final OutputStream out;
        private long left;

        CappedStream(OutputStream out, long cap) {
            this.out = out;
            this.left = cap;
        }

        @Override
        public synchronized void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                return;
            }
            int n = (int) Math.min(len, left);
            out.write(b, off, n);
            left -= n;
            if (left <= 0) {
                out.write("\n[output truncated by the grader]\n".getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
        }
    }

    /**
     * Writes and flushes one log line per event, so a killed JVM leaves a usable log. Each line ends
     * with an HMAC under the parent's per-run key. No student code runs in this JVM any more (it runs in
     * the sandbox, which cannot see the log); the key still keeps any stray writer from forging lines.
     */
    private static final class Events {
        private final Writer log;
        private final Mac mac;

        Events(Writer log, byte[] key) {
            this.log = log;
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        synchronized void line(String... fields) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < fields.length; i++) {
                text.append(i == 0 ? "" : "\t").append(escape(fields[i]));
            }
            try {
                log.write(text + "\t" + HexFormat.of().formatHex(mac.doFinal(text.toString().getBytes(StandardCharsets.UTF_8)))
                        + "\n");
                log.flush();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** Escapes backslash, tab, CR and LF so a field stays on one line ({@link RunLog} reverses it). */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }
}
