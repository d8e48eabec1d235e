package org.diffusionlab.grading.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.diffusionlab.grading.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Gradescope's {@code run_autograder}: grades the one submission in {@code <root>/submission} (loose
 * files, a zip, or a whole repository) with the trusted, sandboxed batch grader (hidden graders
 * included) and writes {@code <root>/results/results.json} in Gradescope's format: top-level
 * {@code score}, {@code execution_time}, {@code output} (Markdown: the remarks on the submission and
 * the points per lab), {@code output_format}, {@code stdout_visibility}, and one entry per graded
 * test with {@code name}, {@code number}, {@code score}, {@code max_score}, {@code status},
 * {@code output}, {@code visibility}; the reflections are entries worth 0 points for the instructor
 * to grade by hand. The root is {@code /autograder} on Gradescope and configurable for tests.
 */
@Command(name = "run_autograder", mixinStandardHelpOptions = true,
        description = "Grade the Gradescope submission in <root>/submission into <root>/results/results.json.")
public final class Gradescope implements Callable<Integer> {

    @Option(names = "--root", defaultValue = "/autograder", description = "Gradescope's folder (default: ${DEFAULT-VALUE}).")
    Path root;

    @Option(names = "--repo", description = "The course repository (default: <root>/source/repo).")
    Path repo;

    @Option(names = "--classpath", description = "Grading classpath (default: this JVM's class path).")
    String classpath = System.getProperty("java.class.path");

    @Option(names = "--test-timeout-seconds", defaultValue = "20", description = "Per-test time limit (default: ${DEFAULT-VALUE}).")
    int testTimeoutSeconds;

    @Option(names = "--memory-mb", defaultValue = "1024", description = "Heap of the student's JVM (default: ${DEFAULT-VALUE}).")
    int memoryMb;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Gradescope()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        Path submission = root.resolve("submission");
        if (!Files.isDirectory(submission)) {
            throw new IllegalArgumentException("no submission folder: " + submission);
        }
        Path work = Files.createTempDirectory("gradescope-");
        try {
            Path subs = Files.createDirectories(work.resolve("submissions"));
            List<Path> entries;
            try (Stream<Path> s = Files.list(submission)) {
                entries = s.toList();
            }
            // An upload of one zip is the zip; anything else (files, folders, a repository) is the folder.
            if (entries.size() == 1 && entries.get(0).toString().toLowerCase(Locale.ROOT).endsWith(".zip")) {
                Files.copy(entries.get(0), subs.resolve("student.zip"));
            } else {
                SubmissionGrader.copyTree(submission, subs.resolve("student"));
            }
            BatchGrade batch = new BatchGrade();
            batch.repo = repo != null ? repo : root.resolve("source/repo");
            batch.submissions = subs;
            batch.out = work.resolve("out");
            batch.jobs = 1;
            batch.timeoutSeconds = 1200;
            batch.memoryMb = memoryMb;
            batch.testTimeoutSeconds = testTimeoutSeconds;
            batch.outputKb = 64;
            batch.classpath = classpath;
            List<StudentResult> results = batch.gradeClass();
            if (results.size() != 1) {
                throw new IllegalStateException("expected one submission, graded " + results.size());
            }
            Path student = batch.out.resolve(results.get(0).student());
            String json = Files.readString(student.resolve("results.json"), StandardCharsets.UTF_8);
            String feedback = Files.readString(student.resolve("feedback.md"), StandardCharsets.UTF_8);
            double seconds = (System.nanoTime() - start) / 1e9;
            Files.createDirectories(root.resolve("results"));
            Reports.writeAtomically(root.resolve("results/results.json"),
                    gradescopeJson(json, feedback, seconds).getBytes(StandardCharsets.UTF_8));
            System.out.printf(Locale.ROOT, "run_autograder: %s / %s points in %.1f s -> %s%n",
                    Reports.number(results.get(0).score()), Reports.number(StudentResult.maxScore(results.get(0).catalog())),
                    seconds, root.resolve("results/results.json"));
            return 0;
        } finally {
            SubmissionGrader.deleteTree(work);
        }
    }

    /**
     * The batch grader's results.json with Gradescope's top-level fields added: the run's time, the
     * student's feedback (Markdown) as the output, and the console hidden from students.
     */
    static String gradescopeJson(String json, String feedback, double seconds) {
        if (!json.startsWith("{\n")) {
            throw new IllegalStateException("unexpected results.json");
        }
        String top = "{\n  \"execution_time\": " + Json.number(Math.round(seconds * 10) / 10.0) + ",\n"
                + "  \"output_format\": \"md\",\n"
                + "  \"stdout_visibility\": \"hidden\",\n";
        String withTop = top + json.substring(2);
        // the feedback (remarks, per-exercise table, the reflections to read) replaces the plain summary
        int start = withTop.indexOf("  \"output\": ");
        int end = withTop.indexOf(",\n", start);
        return withTop.substring(0, start) + "  \"output\": " + Json.quote(feedback) + withTop.substring(end);
    }
}
