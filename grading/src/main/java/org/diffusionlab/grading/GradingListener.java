package org.diffusionlab.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The grading engine: a JUnit Platform listener that collects every test annotated {@link Graded}
 * and, when the test plan has run, writes {@code results.json}, {@code grades.md} and
 * {@code grades.csv} and prints the points table.
 *
 * <p>Registered in {@code META-INF/services/org.junit.platform.launcher.TestExecutionListener} of the
 * core jar, so it is active in every test JVM that has the core on its class path (Surefire included).
 * A JVM without graded tests writes and prints nothing. The report directory is the configuration
 * parameter or system property {@value #REPORT_DIR_PROPERTY}, default {@value #DEFAULT_REPORT_DIR}
 * relative to the working directory (the module's basedir under Surefire).
 *
 * <p>A {@code @Graded} test template ({@code @ParameterizedTest}, {@code @RepeatedTest}) is one entry:
 * it earns its points when every invocation passes. A graded test that never ran (its class failed to
 * initialise) is reported as NOT RUN with the reason, so the maximum score never shrinks silently.
 */
public final class GradingListener implements TestExecutionListener {

    /** Configuration parameter / system property naming the report directory. */
    public static final String REPORT_DIR_PROPERTY = "grading.reportDir";
    /** Report directory used when {@value #REPORT_DIR_PROPERTY} is not set. */
    public static final String DEFAULT_REPORT_DIR = "target/grades";

    private final Path fixedReportDir;
    private final PrintStream console;
    private final String instance = UUID.randomUUID().toString();

    private TestPlan plan;
    private Path reportDir;
    /** Graded entries of the current plan by the unique id of their graded node. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    /** Failed or skipped containers of the current plan: why their graded tests never ran. */
    private final Map<String, Feedback.Verdict> blocked = new LinkedHashMap<>();
    /** Results of the plans already finished by this listener (one per JVM under Surefire). */
    private final List<GradeResult> finished = new ArrayList<>();

    /** Used by the JUnit Platform's service loader: report directory from configuration, console = stdout. */
    public GradingListener() {
        this(null, System.out);
    }

    /**
     * @param reportDir where to write the reports, or {@code null} for {@value #REPORT_DIR_PROPERTY}
     *                  / {@value #DEFAULT_REPORT_DIR}
     * @param console   where to print the points table
     */
    public GradingListener(Path reportDir, PrintStream console) {
        this.fixedReportDir = reportDir;
        this.console = console;
    }

    private static final class Entry {
        final String lab;
        final String exercise;
        final String name;
        final Graded graded;
        Outcome outcome;
        Feedback.Verdict verdict;
        final List<String> notes = new ArrayList<>();
        boolean done;

        Entry(String lab, String name, Graded graded) {
            this.lab = lab;
            this.exercise = graded.exercise();
            this.name = name;
            this.graded = graded;
        }

        /** Keeps the worst outcome; the first verdict of that severity explains it. */
        void record(Outcome o, Feedback.Verdict v) {
            if (outcome == null || o.compareTo(outcome) > 0) {
                outcome = o;
                verdict = v;
            }
        }

        GradeResult toResult() {
            Outcome o = outcome == null ? Outcome.PASSED : outcome;
            String feedback = verdict == null ? "" : verdict.line();
            StringBuilder output = new StringBuilder(verdict == null ? "" : verdict.output());
            for (String note : notes) {
                output.append(output.length() == 0 ? "" : "\n\n").append(note);
            }
            if (graded.manual() && feedback.isEmpty() && !notes.isEmpty()) {
                feedback = Feedback.firstLine(notes.get(0));
            }
            if (output.length() == 0) {
                output.append(o == Outcome.PASSED ? "passed" : o.label());
            }
            return new GradeResult(lab, exercise, name, graded.points(), graded.manual(),
                    graded.visibility(), o, feedback, output.toString(), notes);
        }
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        entries.clear();
        blocked.clear();
        reportDir = fixedReportDir != null ? fixedReportDir
                : Paths.get(testPlan.getConfigurationParameters().get(REPORT_DIR_PROPERTY)
                .orElse(System.getProperty(REPORT_DIR_PROPERTY, DEFAULT_REPORT_DIR)));
        for (TestIdentifier root : testPlan.getRoots()) {
            for (TestIdentifier id : testPlan.getDescendants(root)) {
                entryFor(id);
            }
        }
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        Entry e = entries.get(id.getUniqueId());
        if (e != null) {
            NoteBoard.open(key(id), Thread.currentThread());
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        Feedback.Verdict v = Feedback.of(Outcome.SKIPPED, "skipped: " + reason);
        Entry e = entryFor(id);
        if (e != null) {
            e.record(Outcome.SKIPPED, v);
            e.done |= entries.containsKey(id.getUniqueId());
        } else {
            blocked.put(id.getUniqueId(), v);
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        Entry e = entryFor(id);
        if (e == null) {
            if (id.isContainer() && result.getStatus() == TestExecutionResult.Status.FAILED) {
                blocked.put(id.getUniqueId(), verdict(result));
            }
            return;
        }
        Feedback.Verdict v = verdict(result);
        Outcome o = v == null ? Outcome.PASSED : v.outcome();
        boolean node = entries.containsKey(id.getUniqueId());
        if (v != null && !node) {
            // one invocation of a graded test template: say which
            v = new Feedback.Verdict(o, id.getDisplayName() + ": " + v.line(), id.getDisplayName() + ": "
                    + v.output());
        }
        e.record(o, v);
        if (node) {
            e.notes.addAll(NoteBoard.close(key(id)));
            e.done = true;
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            if (!e.done) {
                e.record(Outcome.NOT_RUN, whyNotRun(me.getKey()));
                e.notes.addAll(NoteBoard.close(instance + "|" + me.getKey()));
            }
            finished.add(e.toResult());
        }
        entries.clear();
        if (finished.isEmpty()) {
            return;
        }
        GradeReport report = new GradeReport(finished);
        report.printTo(console);
        try {
            report.writeTo(reportDir);
            console.println("Grade reports: " + reportDir.toAbsolutePath().normalize()
                    + " (results.json, grades.md, grades.csv)");
        } catch (IOException ex) {
            console.println("[grading] could not write the reports to " + reportDir.toAbsolutePath() + ": " + ex);
        }
        console.flush();
    }

    /** The entries of every test plan this listener has finished, in order. */
    List<GradeResult> results() {
        return List.copyOf(finished);
    }

    private Feedback.Verdict whyNotRun(String uniqueId) {
        for (Optional<TestIdentifier> p = parent(uniqueId); p.isPresent(); p = parent(p.get().getUniqueId())) {
            Feedback.Verdict v = blocked.get(p.get().getUniqueId());
            if (v != null) {
                String what = p.get().getDisplayName();
                if (v.outcome() == Outcome.SKIPPED) {
                    return new Feedback.Verdict(Outcome.SKIPPED, what + " " + v.line(), what + " " + v.output());
                }
                return new Feedback.Verdict(Outcome.NOT_RUN, "not run, " + what + " failed: " + v.line(),
                        "not run because " + what + " failed:\n" + v.output());
            }
        }
        return Feedback.of(Outcome.NOT_RUN, "not run (the test run ended before this test started)");
    }

    private Optional<TestIdentifier> parent(String uniqueId) {
        try {
            return plan.getParent(plan.getTestIdentifier(uniqueId));
        } catch (RuntimeException unknown) {
            return Optional.empty();
        }
    }

    private static Feedback.Verdict verdict(TestExecutionResult result) {
        return switch (result.getStatus()) {
            case SUCCESSFUL -> null;
            case ABORTED -> result.getThrowable()
                    .map(t -> Feedback.of(Outcome.ABORTED, "aborted: " + t.getMessage()))
                    .orElse(Feedback.of(Outcome.ABORTED, "aborted"));
            case FAILED -> result.getThrowable().map(Feedback::of)
                    .orElse(Feedback.of(Outcome.FAILED, "failed without an exception"));
        };
    }

    private String key(TestIdentifier id) {
        return instance + "|" + id.getUniqueId();
    }

    /**
     * The entry a test belongs to: the outermost node of its branch whose source is a method annotated
     * {@code @Graded} (for a test template that is the template, not the invocation); created on first
     * sight. {@code null} for anything not graded.
     */
    private Entry entryFor(TestIdentifier id) {
        TestIdentifier node = null;
        for (TestIdentifier x = id; x != null; x = plan.getParent(x).orElse(null)) {
            if (graded(x.getSource()) != null) {
                node = x;
            }
        }
        if (node == null) {
            return null;
        }
        TestIdentifier gradedNode = node;
        return entries.computeIfAbsent(node.getUniqueId(), k -> {
            MethodSource ms = (MethodSource) gradedNode.getSource().orElseThrow();
            return new Entry(labOf(ms.getJavaClass()), gradedNode.getDisplayName(), graded(gradedNode.getSource()));
        });
    }

    private static Graded graded(Optional<TestSource> source) {
        if (source.isEmpty() || !(source.get() instanceof MethodSource ms)) {
            return null;
        }
        try {
            Method m = ms.getJavaMethod();
            return m.getAnnotation(Graded.class);
        } catch (RuntimeException notLoadable) {
            return null;
        }
    }

    static String labOf(Class<?> cls) {
        for (Class<?> c = cls; c != null; c = c.getEnclosingClass()) {
            Lab lab = c.getAnnotation(Lab.class);
            if (lab != null) {
                return lab.value();
            }
        }
        return "(no @Lab)";
    }
}
