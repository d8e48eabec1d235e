package org.diffusionlab.grading.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.diffusionlab.grading.batch.RunLog.Outcome;

/** Writes a student's results.json (Gradescope format) and feedback.md, and the class gradebook.csv. */
final class Reports {

    private Reports() {}

    static void writeStudent(StudentResult r, Path dir) throws IOException {
        Files.writeString(dir.resolve("results.json"), resultsJson(r), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("feedback.md"), feedbackMarkdown(r), StandardCharsets.UTF_8);
    }

    /**
     * Gradescope's autograder format: score, max_score, output, and tests[] with name, number (the
     * exercise id), score, max_score, status, output (the failure message) and visibility.
     */
    static String resultsJson(StudentResult r) {
        StringBuilder json = new StringBuilder("{\n");
        json.append("  \"score\": ").append(number(r.score())).append(",\n");
        json.append("  \"max_score\": ").append(number(StudentResult.maxScore(r.catalog()))).append(",\n");
        json.append("  \"execution_time\": ").append(Math.round(r.seconds())).append(",\n");
        json.append("  \"output\": ").append(string(String.join("\n\n", concat(r.problems(), r.notes())))).append(",\n");
        json.append("  \"tests\": [");
        List<GradedTest> catalog = r.catalog();
        for (int i = 0; i < catalog.size(); i++) {
            GradedTest t = catalog.get(i);
            Outcome o = r.outcomes().get(t.key());
            json.append(i == 0 ? "\n" : ",\n").append("    {");
            json.append("\"name\": ").append(string("[" + t.lab() + "] " + t.name()));
            json.append(", \"number\": ").append(string(t.exercise()));
            json.append(", \"score\": ").append(number(o.passed() ? t.points() : 0));
            json.append(", \"max_score\": ").append(number(t.points()));
            json.append(", \"status\": ").append(string(o.passed() ? "passed" : "failed"));
            json.append(", \"output\": ").append(string(o.feedback()));
            json.append(", \"visibility\": ").append(string(t.visibility()));
            json.append("}");
        }
        return json.append("\n  ]\n}\n").toString();
    }

    static String feedbackMarkdown(StudentResult r) {
        StringBuilder md = new StringBuilder();
        md.append("# Feedback for ").append(r.student()).append(": ").append(number(r.score())).append(" / ")
                .append(number(StudentResult.maxScore(r.catalog()))).append(" points\n\n");
        if (!r.problems().isEmpty() || !r.notes().isEmpty()) {
            md.append("## About the submission\n\n");
            for (String p : concat(r.problems(), r.notes())) {
                md.append("- ").append(p.replace("\n", "\n  ")).append('\n');
            }
            md.append('\n');
        }
        String lab = null;
        for (GradedTest t : r.catalog()) {
            if (!t.lab().equals(lab)) {
                md.append(lab == null ? "" : "\n");
                lab = t.lab();
                md.append("## Lab ").append(lab).append("\n\n| exercise | test | points | result | feedback |\n")
                        .append("|---|---|---|---|---|\n");
            }
            Outcome o = r.outcomes().get(t.key());
            String result = t.manual() ? "manual" : o.passed() ? "pass" : "FAIL";
            md.append("| ").append(t.exercise()).append(" | ").append(cell(t.name()))
                    .append("visible".equals(t.visibility()) ? "" : " *(" + t.visibility() + ")*")
                    .append(" | ").append(number(o.passed() ? t.points() : 0)).append(" / ").append(number(t.points()))
                    .append(" | ").append(result).append(" | ").append(cell(o.feedback())).append(" |\n");
        }
        return md.toString();
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
        Files.writeString(file, csv.toString(), StandardCharsets.UTF_8);
    }

    /** A multi-line problem (e.g. a compiler message) as one line of at most 200 characters. */
    static String oneLine(String text) {
        String line = text.strip().replaceAll("\\s*\n\\s*", " ");
        return line.length() <= 200 ? line : line.substring(0, 197) + "...";
    }

    /** 2 -> "2", 1.5 -> "1.5". */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "");
    }

    static String string(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
    }

    private static String csvCell(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
