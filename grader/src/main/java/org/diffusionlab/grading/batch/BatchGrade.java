package org.diffusionlab.grading.batch;

import java.io.File;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.diffusionlab.grading.GradeReport;
import org.diffusionlab.grading.batch.RunLog.Outcome;
import org.diffusionlab.grading.sandbox.Bubblewrap;
import org.diffusionlab.grading.sandbox.TrustedClasses;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Grades a whole class: every folder or .zip in {@code --submissions} is one student's submission.
 * Each is graded by {@link SubmissionGrader} (own JVM, time and memory limits), several at once;
 * the result is {@code gradebook.csv} plus, per student, {@code feedback.md}, {@code results.json}
 * (Gradescope format) and {@code output.txt} (the first bytes of its console).
 *
 * <p>The grading classpath ({@code --classpath}, default: this JVM's) must hold this module (it includes
 * {@link GradingRunner}, run in each trusted JVM), the grading engine, the core (the graders compare
 * with its reference) and their dependencies, JUnit Jupiter and the JUnit Platform launcher.
 *
 * <p>The verdict is made where student code cannot reach: the graders run in a trusted JVM per
 * submission, and the student's exercise methods run in a bubblewrap sandbox that sees neither the
 * graders, the core, the repository nor other submissions ({@link org.diffusionlab.grading.sandbox.Sandbox},
 * docs/trusted-grading.md). The batch refuses to start without bubblewrap.
 */
@Command(name = "batch-grade", mixinStandardHelpOptions = true,
        description = "Grade every submission in a folder with the pristine graders (visible and hidden).")
public final class BatchGrade implements Callable<Integer> {

    @Option(names = "--submissions", required = true, description = "Folder of submissions (folders or .zip files).")
    Path submissions;

    @Option(names = "--out", required = true, description = "Output folder (gradebook.csv, one folder per student).")
    Path out;

    @Option(names = "--repo", defaultValue = ".", description = "Instructor repository root (default: ${DEFAULT-VALUE}).")
    Path repo;

    @Option(names = "--jobs", description = "Submissions graded at once (default: number of cores).")
    int jobs = Runtime.getRuntime().availableProcessors();

    @Option(names = "--timeout-seconds", defaultValue = "600",
            description = "Wall-clock limit for one submission's graders (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--memory-mb", defaultValue = "1024", description = "Heap per grading JVM (default: ${DEFAULT-VALUE}).")
    int memoryMb;

    @Option(names = "--test-timeout-seconds", defaultValue = "20",
            description = "Preemptive timeout of one graded test (default: ${DEFAULT-VALUE}).")
    int testTimeoutSeconds;

    @Option(names = "--output-kb", defaultValue = "64", description = "Console output kept per student (default: ${DEFAULT-VALUE}).")
    int outputKb;

    @Option(names = "--classpath", description = "Grading classpath (default: this JVM's class path).")
    String classpath = System.getProperty("java.class.path");

    @Option(names = "--keep-work", description = "Keep the scratch folder <out>/.work.")
    boolean keepWork;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BatchGrade()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        List<StudentResult> results = gradeClass();
        return results.isEmpty() ? 1 : 0;
    }

    /** Grades every submission and writes the gradebook; returns the results in submission order. */
    List<StudentResult> gradeClass() throws Exception {
        if (jobs < 1) {
            throw new IllegalArgumentException("jobs must be >= 1, got " + jobs);
        }
        out = out.toAbsolutePath().normalize();
        // the forked JVMs run in other folders: every class path entry must be absolute
        classpath = String.join(File.pathSeparator, java.util.Arrays.stream(classpath.split(File.pathSeparator))
                .filter(e -> !e.isBlank()).map(e -> Path.of(e).toAbsolutePath().normalize().toString()).toList());
        submissions = submissions.toAbsolutePath().normalize();
        Course course = new Course(repo);
        Path work = out.resolve(".work");
        SubmissionGrader.deleteTree(work);
        Files.createDirectories(work);
        Path sandboxRoot = Files.createTempDirectory("diffusion-lab-sandbox-");
        try {
            return gradeClass(course, work, sandboxRoot);
        } finally {
            SubmissionGrader.deleteTree(sandboxRoot);
        }
    }

    private List<StudentResult> gradeClass(Course course, Path work, Path sandboxRoot) throws Exception {
        Bubblewrap.makeReadable(sandboxRoot);
        Bubblewrap.check(sandboxRoot);
        SubmissionGrader.Setup setup = prepare(course, work.resolve("pristine"), sandboxRoot);
        List<GradedTest> catalog = catalog(course, work.resolve("pristine"), setup);
        Map<String, Path> entries = submissionsByStudent();
        SubmissionGrader.Limits limits = new SubmissionGrader.Limits(timeoutSeconds, memoryMb, testTimeoutSeconds,
                outputKb * 1024L);
        SubmissionGrader grader = new SubmissionGrader(course, catalog, classpath, limits, setup);
        double max = StudentResult.maxScore(catalog);
        System.out.printf(Locale.ROOT, "grading %d submission(s), %d graded tests worth %s points, %d at a time%n",
                entries.size(), catalog.size(), Reports.number(max), jobs);

        long start = System.nanoTime();
        List<StudentResult> results = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(jobs);
        try (ProgressBar bar = progressBar(entries.size())) {
            List<Future<StudentResult>> futures = new ArrayList<>();
            for (Map.Entry<String, Path> e : entries.entrySet()) {
                futures.add(pool.submit(() -> {
                    StudentResult r = gradeOne(grader, catalog, e.getKey(), e.getValue(), work);
                    synchronized (this) {
                        System.out.println(summary(r, max));
                        bar.step();
                    }
                    return r;
                }));
            }
            for (Future<StudentResult> f : futures) {
                results.add(f.get());
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        Reports.writeGradebook(results, catalog, out.resolve("gradebook.csv"));
        System.out.printf(Locale.ROOT, "graded %d submission(s) in %.1f s with %d job(s); gradebook: %s%n",
                results.size(), (System.nanoTime() - start) / 1e9, jobs, out.resolve("gradebook.csv"));
        if (!keepWork) {
            SubmissionGrader.deleteTree(work);
        }
        return results;
    }

    /** Grades one student; an unexpected error of the tool itself zeroes only this student, with the reason. */
    private StudentResult gradeOne(SubmissionGrader grader, List<GradedTest> catalog, String student, Path entry,
                                   Path work) {
        try {
            return grader.grade(student, entry, work.resolve(student), out.resolve(student));
        } catch (Exception | Error e) {
            Map<String, Outcome> failed = new LinkedHashMap<>();
            catalog.forEach(t -> failed.put(t.key(), new Outcome(false, "not graded: internal error")));
            StudentResult r = new StudentResult(student, catalog, failed, Map.of(),
                    List.of("the batch grader failed on this submission: " + e), List.of(), 0);
            try {
                Files.createDirectories(out.resolve(student));
                Reports.writeStudent(r, out.resolve(student));
            } catch (IOException io) {
                e.addSuppressed(io);
            }
            return r;
        }
    }

    /**
     * Compiles the pristine lab and, against it, every grader (visible and hidden) once; rewrites the
     * lab's exercise methods to run in the sandbox; lays out the worker's runtime.
     */
    private SubmissionGrader.Setup prepare(Course course, Path dir, Path sandboxRoot) throws IOException {
        Path labTree = dir.resolve("lab");
        SubmissionGrader.copyTree(course.repo.resolve(Course.LABS_MAIN), labTree);
        LabCompiler compiler = new LabCompiler(course, classpath);
        Path labClasses = dir.resolve("lab-classes");
        compiler.compileLab(labTree, labClasses, new HashSet<>());
        Path trusted = dir.resolve("trusted-classes");
        Files.createDirectories(trusted);
        List<Path> graders = new ArrayList<>();
        for (String pkg : course.graderPackages()) {
            graders.addAll(course.graderSources(pkg));
        }
        var errors = compiler.javac(graders, trusted, labClasses.toString());
        if (!errors.isEmpty()) {
            throw new IllegalStateException("the graders do not compile against the pristine lab: " + errors.get(0));
        }
        try (URLClassLoader loader = new URLClassLoader(urls(classpath), ClassLoader.getPlatformClassLoader())) {
            int n = TrustedClasses.rewrite(labClasses, trusted, loader);
            if (n == 0) {
                throw new IllegalStateException("no exercise method (a stub throwing \"TODO ...\") found in " + Course.LABS_MAIN);
            }
        }
        Path labClassList = dir.resolve("lab-classes.txt");
        Files.write(labClassList, TrustedClasses.classNames(labClasses));
        Path runtime = sandboxRoot.resolve("runtime");
        WorkerRuntime.write(runtime, classpath);
        Bubblewrap.makeReadable(runtime);
        return new SubmissionGrader.Setup(trusted, labClassList, runtime, sandboxRoot);
    }

    private static URL[] urls(String classpath) throws IOException {
        List<URL> urls = new ArrayList<>();
        for (String entry : classpath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                urls.add(Path.of(entry).toUri().toURL());
            }
        }
        return urls.toArray(new URL[0]);
    }

    /** Lists every graded test (the gradebook's columns) from the trusted classes. */
    private List<GradedTest> catalog(Course course, Path dir, SubmissionGrader.Setup setup) throws IOException,
            InterruptedException {
        String cp = String.join(File.pathSeparator, setup.trustedClasses().toString(),
                course.repo.resolve(Course.GRADER_RESOURCES).toString(), classpath);
        Path log = dir.resolve("catalog.log");
        Process p = new ProcessBuilder(SubmissionGrader.javaExecutable(), "-cp", cp, SubmissionGrader.RUNNER,
                "--log", log.toString(), "--list", Course.LAB_ROOT_PACKAGE)
                .redirectErrorStream(true).redirectOutput(dir.resolve("catalog-output.txt").toFile()).start();
        String key = RunLog.newKey();
        SubmissionGrader.sendKey(p, key);
        RunLog listed = p.waitFor() == 0 ? RunLog.read(log, key) : null;
        if (listed == null || !listed.done) {
            throw new IllegalStateException("listing the graders failed; see " + dir.resolve("catalog-output.txt"));
        }
        List<GradedTest> catalog = new ArrayList<>(listed.catalog);
        catalog.sort((a, b) -> GradedTest.compareColumns(a.column(), b.column()));
        if (catalog.isEmpty()) {
            throw new IllegalStateException("no @Graded tests found under " + Course.GRADERS);
        }
        return catalog;
    }

    /** Student name -> submission (a folder, or a .zip whose name minus ".zip" names the student). */
    private Map<String, Path> submissionsByStudent() throws IOException {
        Map<String, Path> out = new LinkedHashMap<>();
        Set<String> taken = new HashSet<>();
        try (Stream<Path> entries = Files.list(submissions)) {
            for (Path p : entries.sorted().toList()) {
                String file = p.getFileName().toString();
                if (file.startsWith(".") || !(Files.isDirectory(p) || file.toLowerCase(Locale.ROOT).endsWith(".zip"))) {
                    continue;
                }
                String name = (Files.isDirectory(p) ? file : file.substring(0, file.length() - 4))
                        .replaceAll("[^A-Za-z0-9._@-]", "_");
                out.put(taken.add(name) ? name : name + "-zip", p);
            }
        }
        return out;
    }

    private static ProgressBar progressBar(int n) {
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("grading").setInitialMax(n).setUnit(" students", 1);
        if (System.console() == null) {
            // No terminal (CI, redirected): plain lines instead of one '\r'-rewritten line.
            b.setStyle(ProgressBarStyle.ASCII).setConsumer(new DelegatingProgressBarConsumer(System.out::println))
                    .setUpdateIntervalMillis(5000);
        }
        return b.build();
    }

    private static String summary(StudentResult r, double max) {
        Set<String> failed = new java.util.TreeSet<>(GradedTest::compareColumns);
        // manual entries (reflections) carry no points: they are flagged in the reports, not here
        r.catalog().stream().filter(t -> !t.manual() && !r.outcomes().get(t.key()).passed())
                .forEach(t -> failed.add(t.column()));
        List<String> parts = new ArrayList<>();
        if (!failed.isEmpty()) {
            parts.add("lost points in " + String.join(" ", failed));
        }
        r.problems().forEach(p -> parts.add(Reports.oneLine(p)));
        String issues = parts.isEmpty() ? "full marks" : String.join("; ", parts);
        if (issues.length() > 120) {
            issues = issues.substring(0, 117) + "...";
        }
        return String.format(Locale.ROOT, "%-24s %6s / %s  %5.1f s  %s", r.student(), Reports.number(r.score()),
                Reports.number(max), r.seconds(), issues);
    }
}
