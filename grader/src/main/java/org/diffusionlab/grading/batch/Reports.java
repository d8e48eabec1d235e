package org.diffusionlab.grading.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.diffusionlab.grading.GradeReport;
import org.diffusionlab.grading.GradeResult;
import org.diffusionlab.grading.Json;
import org.diffusionlab.grading.Outcome;

/**
 * Writes a student's results.json (Gradescope format) and feedback.md with the grading engine's own
 * {@link GradeReport}, prefaced by the problems with the submission as a whole, and the class's
 * gradebook.csv.
 */
final class Reports {

    private Reports() {}

    static void writeStudent(StudentResult r, Path dir) throws IOException {
        GradeReport report = report(r);
        List<String> remarks = new ArrayList<>(r.problems());
        remarks.addAll(r.notes());
        // getBytes replaces a lone surrogate (from a broken message) by '?' where writeString would throw
        writeAtomically(dir.resolve(GradeReport.JSON),
                report.toJson(String.join("\n\n", remarks)).getBytes(StandardCharsets.UTF_8));
        StringBuilder md = new StringBuilder("# Feedback for ").append(r.student()).append(": ")
                .append(number(report.score())).append(" / ").append(number(report.maxScore())).append(" points\n\n");
        if (!remarks.isEmpty()) {
            md.append("## About the submission\n\n");
            for (String p : remarks) {
                md.append("- ").append(p.replace("\n", "\n  ")).append('\n');
            }
            md.append('\n');
        }
        md.append(report.toMarkdown().replaceFirst("^# Grades\n\n", ""));
        writeAtomically(dir.resolve("feedback.md"), md.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a sibling temp file and renames it over the target: a reader never sees half a report. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The student's outcomes as the engine's report entries: feedback first, then the test's notes. */
    static GradeReport report(StudentResult r) {
        List<GradeResult> results = new ArrayList<>();
        for (GradedTest t : r.catalog()) {
            RunLog.Outcome o = r.outcomes().get(t.key());
            List<String> notes = r.testNotes().getOrDefault(t.key(), List.of());
            StringBuilder output = new StringBuilder(o.feedback());
            notes.forEach(n -> output.append(output.length() == 0 ? "" : "\n\n").append(n));
            if (output.length() == 0) {
                output.append(o.passed() ? "passed" : "failed");
            }
            String line = o.feedback().lines().findFirst().orElse("");
            if (t.manual() && line.isEmpty() && !notes.isEmpty()) {
                line = notes.get(0).lines().findFirst().orElse("");
            }
            results.add(new GradeResult(t.lab(), t.exercise(), t.name(), t.points(), t.manual(), t.visibility(),
                    outcome(o), line, output.toString(), notes));
        }
        return new GradeReport(results);
    }

    private static Outcome outcome(RunLog.Outcome o) {
        if (o.passed()) {
            return Outcome.PASSED;
        }
        String f = o.feedback();
        return f.startsWith("timed out") ? Outcome.TIMED_OUT : f.startsWith("not run") ? Outcome.NOT_RUN
                : Outcome.FAILED;
    }

    /** One row per student: student, one column per exercise, total, and the problems in one cell. */
    static void writeGradebook(List<StudentResult> results, List<GradedTest> catalog, Path file) throws IOException {
        StringBuilder csv = new StringBuilder("student");
        StudentResult.exercises(catalog).forEach(e -> csv.append(',').append(csvCell(e)));
        csv.append(",total,problems\n");
        for (StudentResult r : results) {
            csv.append(csvCell(r.student()));
            r.byExercise().values().forEach(v -> csv.append(',').append(number(v)));
            csv.append(',').append(number(r.score())).append(',')
                    .append(csvCell(String.join("; ", r.problems().stream().map(Reports::oneLine).toList())))
                    .append('\n');
        }
        writeAtomically(file, csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** A multi-line problem (e.g. a compiler message) as one line of at most 200 characters. */
    static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\n\\s*", " ");
        return line.length() <= 200 ? line : line.substring(0, 197) + "...";
    }

    /** 2 -> "2", 1.5 -> "1.5" (the engine's format). */
    static String number(double v) {
        return Json.number(v);
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
