package org.diffusionlab.grading.batch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.diffusionlab.grading.GradeReport;
import org.diffusionlab.grading.Json;
import org.diffusionlab.grading.batch.RunLog.Outcome;

/**
 * Grades one submission: collect the student's lab files, overlay them on the pristine stubs, compile
 * them alone, and run the pristine graders in a trusted JVM that calls the student's exercise methods
 * in a bubblewrap sandbox ({@link org.diffusionlab.grading.sandbox.Sandbox}); turn whatever happened
 * (a timeout, an exit, a crash, a kill) into an outcome for every graded test.
 */
final class SubmissionGrader {

    /**
     * @param timeoutSeconds     wall-clock budget for running one submission's graders (all JVM starts)
     * @param memoryMb           heap of the forked JVM (-Xmx)
     * @param testTimeoutSeconds JUnit's preemptive per-test timeout
     * @param outputCapBytes     console output kept per submission
     */
    record Limits(int timeoutSeconds, int memoryMb, int testTimeoutSeconds, long outputCapBytes) {}

    /**
     * What the batch prepares once for every submission.
     *
     * @param trustedClasses the graders and the rewritten pristine lab classes (the trusted JVM's)
     * @param labClassList   the lab class names that cross the channel by value, one per line
     * @param runtime        the worker's runtime (wire classes, EJML), readable inside the sandbox
     * @param sandboxRoot    where each submission's compiled classes go (readable by the sandbox user)
     */
    record Setup(Path trustedClasses, Path labClassList, Path runtime, Path sandboxRoot) {}

    static final String RUNNER = GradingRunner.class.getName();

    private final Course course;
    private final List<GradedTest> catalog;
    private final String gradingClasspath;
    private final Limits limits;
    private final LabCompiler compiler;
    private final Setup setup;

    SubmissionGrader(Course course, List<GradedTest> catalog, String gradingClasspath, Limits limits, Setup setup) {
        this.course = course;
        this.catalog = catalog;
        this.gradingClasspath = gradingClasspath;
        this.limits = limits;
        this.compiler = new LabCompiler(course, gradingClasspath);
        this.setup = setup;
    }

    /**
     * @param submission a folder or a .zip
     * @param work       scratch folder for this student (emptied first)
     * @param out        where results.json, feedback.md and output.txt go
     */
    StudentResult grade(String student, Path submission, Path work, Path out) throws IOException {
        long start = System.nanoTime();
        deleteTree(work);
        Files.createDirectories(work);
        Files.createDirectories(out);
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Map<String, String> fileNotes = new LinkedHashMap<>();

        Map<String, Path> files;
        try {
            SubmissionFiles.Collected collected = SubmissionFiles.collect(
                    SubmissionFiles.unpack(submission, work.resolve("unpacked")), course);
            files = collected.files();
            notes.addAll(collected.notes());
        } catch (IOException | UncheckedIOException e) {
            files = Map.of();
            problems.add("could not read the submission: " + e.getMessage());
        }

        Path labTree = work.resolve("lab");
        copyTree(course.repo.resolve(Course.LABS_MAIN), labTree);
        for (Map.Entry<String, Path> f : files.entrySet()) {
            Path target = labTree.resolve(f.getKey().substring(Course.LABS_MAIN.length() + 1));
            Files.createDirectories(target.getParent());
            Files.copy(f.getValue(), target, StandardCopyOption.REPLACE_EXISTING);
        }
        for (String rel : course.studentFiles) {
            if (rel.endsWith(".java") && !files.containsKey(rel)) {
                fileNotes.put(rel, "file " + rel + " missing from the submission: graded as the stub");
            }
        }
        problems.addAll(fileNotes.values());

        Path classes = setup.sandboxRoot().resolve(work.getFileName().toString()).resolve("classes");
        Set<String> supplied = new LinkedHashSet<>(files.keySet());
        LabCompiler.Result compiled = compiler.compileLab(labTree, classes, supplied);
        org.diffusionlab.grading.sandbox.Bubblewrap.makeReadable(classes);
        compiled.revertedFiles().forEach((rel, msg) -> {
            String note = "compile error in " + rel + " (graded as the stub):\n" + msg;
            fileNotes.put(rel, note);
            problems.add(note);
        });
        compiled.revertedPackages().forEach((pkg, msg) -> problems.add("package " + pkg + ": " + msg));

        Map<String, List<String>> testNotes = new LinkedHashMap<>();
        Map<String, Outcome> outcomes = run(work, out, labTree, classes, compiled, problems, testNotes);
        Map<String, Outcome> annotated = new LinkedHashMap<>();
        for (GradedTest t : catalog) {
            Outcome o = outcomes.get(t.key());
            if (!o.passed()) {
                String note = noteFor(t, fileNotes, compiled.revertedPackages());
                if (note != null) {
                    o = new Outcome(false, note + "\n" + o.feedback());
                }
            }
            annotated.put(t.key(), o);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        StudentResult result = new StudentResult(student, catalog, annotated, testNotes, problems, notes, seconds);
        Reports.writeStudent(result, out);
        return result;
    }

    /** Why a failed test may have failed before running a line of the student's code, if known. */
    private String noteFor(GradedTest t, Map<String, String> fileNotes, Map<String, String> revertedPackages) {
        String file = course.exerciseFiles.get(t.packageName() + " " + t.exercise());
        if (file != null && fileNotes.containsKey(file)) {
            return fileNotes.get(file);
        }
        if (revertedPackages.containsKey(t.packageName())) {
            return "package " + t.packageName() + " was graded as the stubs (see the compile errors above)";
        }
        return null;
    }

    /**
     * Runs the graders, restarting the JVM after a crash so one fatal test costs only itself. The texts
     * graded tests attach with {@code Grading.note} go into {@code testNotes}, read from the report the
     * grading engine writes in the forked JVM when its test plan ends (so a JVM that was killed or died
     * leaves no notes for the tests it ran).
     */
    private Map<String, Outcome> run(Path work, Path out, Path labTree, Path classes, LabCompiler.Result compiled,
                                     List<String> problems, Map<String, List<String>> testNotes) throws IOException {
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        List<String> remaining = new ArrayList<>();
        for (GradedTest t : catalog) {
            remaining.add(t.key());
        }
        Path command = work.resolve("sandbox-command.txt");
        Files.write(command, org.diffusionlab.grading.sandbox.Bubblewrap.command(setup.runtime(), classes,
                new org.diffusionlab.grading.sandbox.Bubblewrap.Limits(limits.memoryMb(), 256, 16, 64)));
        Path studentClasses = work.resolve("student-classes.txt");
        Files.write(studentClasses, compiled.studentClasses());
        Path output = out.resolve("output.txt");
        Files.deleteIfExists(output);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(limits.timeoutSeconds());
        for (int attempt = 1; !remaining.isEmpty(); attempt++) {
            Path select = work.resolve("select-" + attempt + ".txt");
            Path logFile = work.resolve("run-" + attempt + ".log");
            Files.write(select, remaining);
            Path engineReport = engineReport(work);
            Files.deleteIfExists(engineReport);
            String key = RunLog.newKey();
            Process process = fork(work, command, select, logFile, studentClasses);
            sendKey(process, key);
            java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
            Thread drain = drain(process.getInputStream(), output, attempt, dropped);
            boolean finished;
            try {
                finished = process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                finished = false;
            }
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            try {
                process.waitFor();
                drain.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (dropped.get() > 0) {
                problems.add("output cap: the console output passed " + limits.outputCapBytes() / 1024 + " KB; "
                        + dropped.get() + " more bytes were dropped (output.txt)");
            }
            readNotes(engineReport, remaining, testNotes);
            RunLog log = RunLog.read(logFile, key);
            if (log.forged > 0) {
                problems.add("the grading log had " + log.forged + " line(s) not written by the grader (ignored)");
            }
            for (String p : log.problems) {
                if (problems.size() < 20 && !problems.contains("sandbox: " + p)) {
                    problems.add("sandbox: " + p);
                }
            }
            log.results.forEach((k, v) -> {
                if (remaining.contains(k)) {
                    outcomes.put(k, v);
                }
            });
            String current = log.inProgress();
            if (!finished) {
                String limit = "the submission's time limit of " + limits.timeoutSeconds() + " s";
                problems.add("time limit: stopped after " + limits.timeoutSeconds() + " s");
                if (current != null) {
                    outcomes.put(current, new Outcome(false, "timed out: " + limit + " ran out while this test ran"));
                }
                remaining.forEach(k -> outcomes.putIfAbsent(k, new Outcome(false, "not run: " + limit + " ran out")));
                break;
            }
            if (log.done) {
                for (String k : remaining) {
                    String cls = k.substring(0, k.indexOf('#'));
                    outcomes.putIfAbsent(k, new Outcome(false,
                            "not run: " + log.classFailures.getOrDefault(cls, "the grader did not start")));
                }
                break;
            }
            String why = log.abort != null ? log.abort : "the grading JVM ended unexpectedly (exit code "
                    + process.exitValue() + exitHint(process.exitValue()) + ")";
            problems.add("grading JVM stopped: " + why.lines().findFirst().orElse(""));
            if (current == null) {
                String head = head(output);
                remaining.forEach(k -> outcomes.putIfAbsent(k, new Outcome(false, "not run: " + why + head)));
                break;
            }
            outcomes.put(current, new Outcome(false, why));
            remaining.removeAll(outcomes.keySet());
        }
        return outcomes;
    }

    /** The results.json the grading engine (GradingListener) writes in the forked JVM. */
    private static Path engineReport(Path work) {
        return work.resolve("engine-report").resolve(GradeReport.JSON);
    }

    /**
     * Takes the notes of the tests in {@code keys} from the engine's report, matching its entries to the
     * catalog by lab, exercise and display name. A missing or unreadable report means no notes.
     */
    private void readNotes(Path report, List<String> keys, Map<String, List<String>> testNotes) {
        if (!Files.isRegularFile(report)) {
            return;
        }
        Map<String, String> keyByEntry = new LinkedHashMap<>();
        for (GradedTest t : catalog) {
            if (keys.contains(t.key())) {
                keyByEntry.put(entryId(t.lab(), t.exercise(), t.name()), t.key());
            }
        }
        try {
            Map<?, ?> json = (Map<?, ?>) Json.parse(Files.readString(report, StandardCharsets.UTF_8));
            for (Object o : (List<?>) json.get("tests")) {
                Map<?, ?> test = (Map<?, ?>) o;
                if (!(test.get("extra_data") instanceof Map<?, ?> extra && extra.get("notes") instanceof List<?> notes)) {
                    continue;
                }
                String lab = ((List<?>) test.get("tags")).stream().map(String::valueOf)
                        .filter(tag -> tag.startsWith("lab:")).map(tag -> tag.substring(4)).findFirst().orElse("");
                String key = keyByEntry.get(entryId(lab, (String) test.get("number"), (String) test.get("name")));
                if (key != null) {
                    testNotes.put(key, notes.stream().map(String::valueOf).toList());
                }
            }
        } catch (IOException | RuntimeException unreadable) {
            // written by graded code's JVM, so not trusted to be well formed: no notes rather than no grade
        }
    }

    private static String entryId(String lab, String exercise, String name) {
        return lab + "\u0000" + exercise + "\u0000" + name;
    }

    /**
     * Starts the trusted grading JVM: the graders and the rewritten pristine lab classes, the core's
     * reference implementation and JUnit. No student class is on its class path; the student's code
     * runs in the worker it starts with {@code command}.
     */
    private Process fork(Path work, Path command, Path select, Path logFile, Path studentClasses) throws IOException {
        String classpath = String.join(File.pathSeparator, setup.trustedClasses().toString(),
                course.repo.resolve(Course.GRADER_RESOURCES).toString(), gradingClasspath);
        List<String> args = List.of(javaExecutable(),
                "-Xmx" + TRUSTED_HEAP_MB + "m",
                "-XX:+UseSerialGC",
                "-XX:-UsePerfData",
                "-Djava.awt.headless=true",
                "-Dfile.encoding=UTF-8",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "-Dgrading.reportDir=" + engineReport(work).getParent(),
                "-Dgrading.sandbox.command=" + command,
                "-Dgrading.sandbox.labClasses=" + setup.labClassList(),
                "-Dgrading.sandbox.callTimeoutSeconds=" + limits.testTimeoutSeconds(),
                "-Dgrading.sandbox.stats=" + Boolean.getBoolean("grading.sandbox.stats"),
                "-cp", classpath,
                RUNNER,
                "--log", logFile.toString(),
                "--select", select.toString(),
                "--student-classes", studentClasses.toString(),
                "--test-timeout", Integer.toString(limits.testTimeoutSeconds()),
                "--output-cap", Long.toString(limits.outputCapBytes()));
        return new ProcessBuilder(args).directory(work.toFile()).redirectErrorStream(true).start();
    }

    /** Heap of the trusted JVM (graders and reference; the student's code has its own, {@code --memory-mb}). */
    static final int TRUSTED_HEAP_MB = 768;

    /** Hands the runner its log key on stdin, so it never shows on a command line or in the environment. */
    static void sendKey(Process process, String key) throws IOException {
        try (OutputStream in = process.getOutputStream()) {
            in.write((key + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Copies the first bytes of the JVM's console to the student's output.txt and discards the rest. */
    private Thread drain(InputStream in, Path output, int attempt, java.util.concurrent.atomic.AtomicLong dropped) {
        long cap = limits.outputCapBytes();
        Thread t = new Thread(() -> {
            try (in; OutputStream file = Files.newOutputStream(output, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                file.write(("=== grading JVM run " + attempt + " ===\n").getBytes(StandardCharsets.UTF_8));
                byte[] buf = new byte[8192];
                long kept = 0;
                for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                    int k = (int) Math.min(n, Math.max(0, cap - kept));
                    file.write(buf, 0, k);
                    kept += k;
                    dropped.addAndGet(n - k);
                }
                if (dropped.get() > 0) {
                    file.write(("\n[output cap: " + dropped.get() + " more bytes were dropped]\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The process was killed; whatever was copied stays.
            }
        }, "drain-" + output.getParent().getFileName());
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String exitHint(int code) {
        return switch (code) {
            case 134 -> ": the JVM aborted";
            case 137 -> ": killed (kill -9, or the machine ran out of memory)";
            default -> "";
        };
    }

    private static String head(Path output) throws IOException {
        if (!Files.exists(output)) {
            return "";
        }
        String text = Files.readString(output, StandardCharsets.ISO_8859_1);
        return "\nfirst output:\n" + text.substring(0, Math.min(800, text.length()));
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static void copyTree(Path from, Path to) throws IOException {
        for (Path file : Course.list(from)) {
            Path target = to.resolve(from.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
