package org.diffusionlab.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The grades of one test JVM and their four renderings: results.json (Gradescope autograder format),
 * grades.md, grades.csv and the console table. Points per exercise are the sum over its tests.
 */
public final class GradeReport {

    /** File names written by {@link #writeTo}. */
    public static final String JSON = "results.json";
    public static final String MARKDOWN = "grades.md";
    public static final String CSV = "grades.csv";

    private static final int CONSOLE_FEEDBACK_WIDTH = 100;

    private final List<GradeResult> results;

    /** @param results the entries; sorted by lab, then exercise (numerically: 3.2 before 3.10) */
    public GradeReport(List<GradeResult> results) {
        List<GradeResult> sorted = new ArrayList<>(results);
        sorted.sort(Comparator.comparing(GradeResult::lab)
                .thenComparing(GradeResult::exercise, GradeReport::compareExercises));
        this.results = List.copyOf(sorted);
    }

    public List<GradeResult> results() {
        return results;
    }

    /** Sum of {@link GradeResult#score()}. */
    public double score() {
        return results.stream().mapToDouble(GradeResult::score).sum();
    }

    /** Sum of {@link GradeResult#maxScore()}. */
    public double maxScore() {
        return results.stream().mapToDouble(GradeResult::maxScore).sum();
    }

    /** One exercise's row: its tests' points summed, its status and the first problem's feedback. */
    public record ExerciseRow(String lab, String exercise, double score, double maxScore, int tests,
                              int passed, String status, String feedback) {}

    /** Rows per exercise, in report order. */
    public List<ExerciseRow> exercises() {
        Map<String, List<GradeResult>> byExercise = new LinkedHashMap<>();
        for (GradeResult r : results) {
            byExercise.computeIfAbsent(r.lab() + "\u0000" + r.exercise(), k -> new ArrayList<>()).add(r);
        }
        List<ExerciseRow> rows = new ArrayList<>();
        for (List<GradeResult> group : byExercise.values()) {
            GradeResult first = group.get(0);
            double score = group.stream().mapToDouble(GradeResult::score).sum();
            double max = group.stream().mapToDouble(GradeResult::maxScore).sum();
            int passed = (int) group.stream().filter(r -> r.outcome() == Outcome.PASSED).count();
            boolean allManual = group.stream().allMatch(GradeResult::manual);
            Outcome worst = group.stream().filter(r -> !r.manual()).map(GradeResult::outcome)
                    .max(Comparator.naturalOrder()).orElse(Outcome.PASSED);
            String status;
            String feedback;
            if (allManual) {
                GradeResult problem = group.stream().filter(r -> r.outcome() != Outcome.PASSED)
                        .findFirst().orElse(null);
                status = problem == null ? "manual review" : problem.statusLabel();
                feedback = problem != null ? problem.feedback()
                        : group.stream().flatMap(r -> r.notes().stream()).map(Feedback::firstLine)
                        .filter(s -> !s.isEmpty()).findFirst().orElse("");
            } else {
                status = worst.label();
                GradeResult problem = group.stream().filter(r -> !r.manual() && r.outcome() == worst)
                        .findFirst().orElse(null);
                feedback = problem == null ? "" : problem.feedback();
                int failing = group.size() - passed;
                if (failing > 1) {
                    feedback += " (+" + (failing - 1) + " more failing)";
                }
            }
            rows.add(new ExerciseRow(first.lab(), first.exercise(), score, max, group.size(), passed,
                    status, feedback));
        }
        return rows;
    }

    /** Writes results.json, grades.md and grades.csv into {@code dir}, creating it if needed. */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        // getBytes replaces a lone surrogate (from a broken message) by '?' where writeString would throw
        Files.write(dir.resolve(JSON), toJson().getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve(MARKDOWN), toMarkdown().getBytes(StandardCharsets.UTF_8));
        Files.write(dir.resolve(CSV), toCsv().getBytes(StandardCharsets.UTF_8));
    }

    /** The summary used as results.json's top-level output and as the console's last lines. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        Map<String, double[]> perLab = new LinkedHashMap<>();
        for (GradeResult r : results) {
            double[] s = perLab.computeIfAbsent(r.lab(), k -> new double[2]);
            s[0] += r.score();
            s[1] += r.maxScore();
        }
        perLab.forEach((lab, s) -> b.append("Lab ").append(lab).append(": ").append(points(s[0]))
                .append(" / ").append(points(s[1])).append(" points\n"));
        long manual = results.stream().filter(GradeResult::manual).count();
        b.append("Total: ").append(points(score())).append(" / ").append(points(maxScore()))
                .append(" points (").append(percent()).append(")");
        if (manual > 0) {
            b.append("; ").append(manual).append(manual == 1 ? " entry" : " entries")
                    .append(" for manual review");
        }
        return b.append('\n').toString();
    }

    private String percent() {
        return maxScore() == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * score() / maxScore());
    }

    /** results.json in the Gradescope autograder format. */
    public String toJson() {
        return toJson("");
    }

    /**
     * results.json in the Gradescope autograder format, with {@code preface} (e.g. the batch grader's
     * remarks on the submission as a whole) before the summary in the top-level output. A test's
     * notes ({@link GradeResult#notes()}) are in its output and, separately, in its
     * {@code extra_data.notes} (Gradescope stores extra_data without showing it).
     */
    public String toJson(String preface) {
        StringBuilder b = new StringBuilder();
        b.append("{\n");
        b.append("  \"score\": ").append(Json.number(score())).append(",\n");
        b.append("  \"max_score\": ").append(Json.number(maxScore())).append(",\n");
        b.append("  \"output\": ").append(Json.quote(preface.isEmpty() ? summary() : preface + "\n\n" + summary()))
                .append(",\n");
        b.append("  \"visibility\": \"visible\",\n");
        b.append("  \"tests\": [");
        for (int i = 0; i < results.size(); i++) {
            GradeResult r = results.get(i);
            b.append(i == 0 ? "\n" : ",\n").append("    {");
            b.append("\"name\": ").append(Json.quote(r.name()));
            b.append(", \"number\": ").append(Json.quote(r.exercise()));
            b.append(", \"score\": ").append(Json.number(r.score()));
            b.append(", \"max_score\": ").append(Json.number(r.maxScore()));
            b.append(", \"status\": ").append(Json.quote(r.outcome() == Outcome.PASSED ? "passed" : "failed"));
            b.append(", \"output\": ").append(Json.quote(r.output()));
            b.append(", \"visibility\": ").append(Json.quote(r.visibility()));
            b.append(", \"tags\": [").append(Json.quote("lab:" + r.lab()));
            b.append(", ").append(Json.quote("outcome:" + r.outcome().name().toLowerCase(Locale.ROOT)));
            if (r.manual()) {
                b.append(", \"manual\"");
            }
            b.append("]");
            if (!r.notes().isEmpty()) {
                b.append(", \"extra_data\": {\"notes\": [");
                for (int k = 0; k < r.notes().size(); k++) {
                    b.append(k == 0 ? "" : ", ").append(Json.quote(r.notes().get(k)));
                }
                b.append("]}");
            }
            b.append("}");
        }
        b.append(results.isEmpty() ? "]\n" : "\n  ]\n");
        return b.append("}\n").toString();
    }

    /** grades.md: per lab a table of exercises, then every test, then the texts for manual review. */
    public String toMarkdown() {
        StringBuilder b = new StringBuilder("# Grades\n\n");
        List<ExerciseRow> rows = exercises();
        for (String lab : rows.stream().map(ExerciseRow::lab).distinct().toList()) {
            double s = 0;
            double m = 0;
            for (GradeResult r : results) {
                if (r.lab().equals(lab)) {
                    s += r.score();
                    m += r.maxScore();
                }
            }
            b.append("## Lab ").append(md(lab)).append(": ").append(points(s)).append(" / ")
                    .append(points(m)).append(" points\n\n");
            b.append("| Exercise | Points | Status | Tests passed | Feedback |\n|---|---|---|---|---|\n");
            for (ExerciseRow row : rows) {
                if (row.lab().equals(lab)) {
                    b.append("| ").append(md(row.exercise())).append(" | ").append(points(row.score()))
                            .append(" / ").append(points(row.maxScore())).append(" | ")
                            .append(md(row.status())).append(" | ").append(row.passed()).append('/')
                            .append(row.tests()).append(" | ").append(md(row.feedback())).append(" |\n");
                }
            }
            b.append("\n### Tests\n\n| Exercise | Test | Points | Status | Feedback |\n|---|---|---|---|---|\n");
            for (GradeResult r : results) {
                if (r.lab().equals(lab)) {
                    b.append("| ").append(md(r.exercise())).append(" | ").append(md(r.name())).append(" | ")
                            .append(points(r.score())).append(" / ").append(points(r.maxScore()))
                            .append(" | ").append(md(r.statusLabel())).append(" | ")
                            .append(md(r.feedback())).append(" |\n");
                }
            }
            List<GradeResult> manual = results.stream()
                    .filter(r -> r.lab().equals(lab) && r.manual()).toList();
            if (!manual.isEmpty()) {
                b.append("\n### For manual review\n");
                for (GradeResult r : manual) {
                    b.append("\n#### ").append(md(r.exercise())).append(" ").append(md(r.name()))
                            .append(" (").append(md(r.statusLabel())).append(")\n\n");
                    String text = r.notes().isEmpty() ? r.output() : String.join("\n\n", r.notes());
                    for (String line : text.split("\n", -1)) {
                        b.append("> ").append(line).append('\n');
                    }
                }
            }
            b.append('\n');
        }
        b.append("**Total: ").append(points(score())).append(" / ").append(points(maxScore()))
                .append(" points (").append(percent()).append(")**\n");
        return b.toString();
    }

    /** grades.csv: one row per test (RFC 4180 quoting). */
    public String toCsv() {
        StringBuilder b = new StringBuilder("lab,exercise,test,status,score,max_score,feedback\r\n");
        for (GradeResult r : results) {
            b.append(String.join(",", csv(r.lab()), csv(r.exercise()), csv(r.name()), csv(r.statusLabel()),
                    Json.number(r.score()), Json.number(r.maxScore()), csv(r.feedback()))).append("\r\n");
        }
        return b.toString();
    }

    /** The console table (one row per exercise), the failing tests with their feedback, and totals. */
    public void printTo(PrintStream out) {
        List<ExerciseRow> rows = exercises();
        String[] head = {"lab", "exercise", "points", "status", "feedback"};
        List<String[]> cells = new ArrayList<>();
        for (ExerciseRow r : rows) {
            cells.add(new String[] {r.lab(), r.exercise(), points(r.score()) + " / " + points(r.maxScore()),
                r.status(), clip(r.feedback(), CONSOLE_FEEDBACK_WIDTH)});
        }
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) {
            w[i] = head[i].length();
            for (String[] c : cells) {
                w[i] = Math.max(w[i], c[i].length());
            }
        }
        StringBuilder b = new StringBuilder("\n==================== GRADES ====================\n");
        appendRow(b, head, w);
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < w.length; i++) {
            rule.append(i == 0 ? "" : "-+-").append("-".repeat(w[i]));
        }
        b.append(rule).append('\n');
        for (String[] c : cells) {
            appendRow(b, c, w);
        }
        b.append(rule).append('\n');
        // untouched stubs are summed up by the table; list the tests that failed for another reason
        List<GradeResult> problems = results.stream()
                .filter(r -> r.outcome() != Outcome.PASSED && !r.feedback().startsWith(Feedback.NOT_IMPLEMENTED))
                .toList();
        List<String> stubs = results.stream().filter(r -> r.feedback().startsWith(Feedback.NOT_IMPLEMENTED))
                .map(r -> r.lab() + " " + r.exercise()).distinct().toList();
        if (!stubs.isEmpty()) {
            b.append("Not implemented yet: ").append(String.join(", ", stubs)).append('\n');
        }
        if (!problems.isEmpty()) {
            b.append("Tests that did not pass:\n");
            for (GradeResult r : problems) {
                b.append("  ").append(r.lab()).append(' ').append(r.exercise()).append("  ")
                        .append(r.statusLabel()).append("  ").append(r.name()).append("\n      ")
                        .append(clip(r.feedback(), 2 * CONSOLE_FEEDBACK_WIDTH)).append('\n');
            }
        }
        b.append(summary());
        b.append("================================================\n");
        out.print(b);
        out.flush();
    }

    private static void appendRow(StringBuilder b, String[] c, int[] w) {
        for (int i = 0; i < c.length; i++) {
            b.append(i == 0 ? "" : " | ");
            b.append(i == c.length - 1 ? c[i] : pad(c[i], w[i]));
        }
        b.append('\n');
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    /** Points as a short decimal: "2", "0.5", "1.25". */
    static String points(double v) {
        return Json.number(v);
    }

    private static String md(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|").replace("\r", "").replace("\n", "<br>");
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    /** Orders exercise ids numerically part by part ("3.2" before "3.10"), text parts alphabetically. */
    public static int compareExercises(String a, String b) {
        String[] pa = a.split("\\.");
        String[] pb = b.split("\\.");
        for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
            int c;
            if (pa[i].matches("\\d{1,9}") && pb[i].matches("\\d{1,9}")) {
                c = Integer.compare(Integer.parseInt(pa[i]), Integer.parseInt(pb[i]));
            } else {
                c = pa[i].compareTo(pb[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(pa.length, pb.length);
    }
}
