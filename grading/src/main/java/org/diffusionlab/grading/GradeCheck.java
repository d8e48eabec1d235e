package org.diffusionlab.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * "Validation both ways" of the graders, from the reports of a test run of both modules:
 * <ul>
 *   <li>the solutions get full marks: {@code score == max_score > 0} and every automatic test passed;</li>
 *   <li>the untouched labs stubs get zero: {@code score == 0} and every automatic test failed, so no
 *       point is free;</li>
 *   <li>every exercise has at least one automatic test (exercises made only of manual entries, such as
 *       reflections, are listed as manual);</li>
 *   <li>both runs graded the same tests (same exercise numbers and names, same maximum);</li>
 *   <li>a labs test fails on its own exercise's stub, not on another's ({@code not implemented yet: TODO 3.1}
 *       reported by a grader of 5.1 means 5.1 cannot be earned without 3.1: later exercises should be
 *       graded with the core reference). {@code --allow-cross-exercise} turns this into a warning.</li>
 * </ul>
 * With every stub in place a later exercise usually stops on its own stub before it reaches an earlier
 * one, so that last check sees few such dependencies: {@link IsolationCheck} finds them all.
 *
 * <p>Usage (from the repository root, after {@code mvn test} built both reports):
 * <pre>
 *   java -cp CLASSPATH org.diffusionlab.grading.GradeCheck [--labs DIR] [--solutions DIR] [--allow-cross-exercise]
 * </pre>
 * (CLASSPATH holding this module and picocli, as the solutions module's {@code mvn test} does).
 * Defaults: {@code labs/target/grades} and {@code solutions/target/grades} (each holding results.json).
 * Exit codes: 0 all hold, 1 a check failed (reasons printed), 2 bad usage.
 */
public final class GradeCheck {

    private static final double EPS = 1e-9;
    private static final Pattern STUB = Pattern.compile("not implemented yet: TODO (\\d+(?:\\.\\d+)*)");

    private GradeCheck() {}

    /** One test of a results.json. */
    record Test(String lab, String number, String name, double score, double maxScore, boolean passed,
                boolean manual, String output) {
        String label() {
            return exercise() + " '" + name + "'";
        }

        /** The exercise this test grades, qualified by its lab ("spiral 3.1"): ids repeat across labs. */
        String exercise() {
            return lab.isEmpty() ? number : lab + " " + number;
        }

        String firstLine() {
            return output.isBlank() ? "(no output)" : Feedback.firstLine(output);
        }
    }

    /** A parsed results.json. */
    record Report(Path file, double score, double maxScore, List<Test> tests) {}

    /** Failures (empty = valid), warnings and the printed summary. */
    public record Result(List<String> failures, List<String> warnings, String summary) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    @SuppressWarnings("unchecked")
    static Report read(Path dir) throws IOException {
        Path file = dir.resolve(GradeReport.JSON);
        Map<String, Object> json = (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        List<Test> tests = new ArrayList<>();
        for (Object o : (List<Object>) json.getOrDefault("tests", List.of())) {
            Map<String, Object> t = (Map<String, Object>) o;
            List<Object> tags = (List<Object>) t.getOrDefault("tags", List.of());
            String lab = tags.stream().map(String::valueOf).filter(tag -> tag.startsWith("lab:"))
                    .map(tag -> tag.substring(4)).findFirst().orElse("");
            tests.add(new Test(lab, String.valueOf(t.get("number")), String.valueOf(t.get("name")),
                    num(t.get("score")), num(t.get("max_score")), "passed".equals(t.get("status")),
                    tags.contains("manual"), String.valueOf(t.getOrDefault("output", ""))));
        }
        double max = json.containsKey("max_score") ? num(json.get("max_score"))
                : tests.stream().mapToDouble(Test::maxScore).sum();
        return new Report(file, num(json.get("score")), max, tests);
    }

    private static double num(Object o) {
        return o instanceof Double d ? d : Double.NaN;
    }

    /** Checks both reports; see the class comment. */
    public static Result check(Path labsDir, Path solutionsDir, boolean allowCrossExercise) {
        List<String> failures = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        Report labs = load(labsDir, "labs", failures);
        Report sol = load(solutionsDir, "solutions", failures);
        StringBuilder summary = new StringBuilder();
        if (sol != null) {
            long auto = sol.tests().stream().filter(t -> !t.manual()).count();
            long passed = sol.tests().stream().filter(t -> !t.manual() && t.passed()).count();
            summary.append(String.format("solutions: %s / %s points, %d of %d automatic tests passed (%s)%n",
                    GradeReport.points(sol.score()), GradeReport.points(sol.maxScore()), passed, auto, sol.file()));
            if (!(sol.maxScore() > 0)) {
                failures.add("solutions: max_score is " + sol.maxScore() + ", no automatic points are graded");
            } else if (Math.abs(sol.score() - sol.maxScore()) > EPS) {
                failures.add("solutions: score " + GradeReport.points(sol.score()) + " is not full marks ("
                        + GradeReport.points(sol.maxScore()) + ")");
            }
            for (Test t : sol.tests()) {
                if (!t.manual() && !t.passed()) {
                    failures.add("solutions: " + t.label() + " fails on the solution: " + t.firstLine());
                }
            }
        }
        if (labs != null) {
            long auto = labs.tests().stream().filter(t -> !t.manual()).count();
            long failed = labs.tests().stream().filter(t -> !t.manual() && !t.passed()).count();
            summary.append(String.format("labs:      %s / %s points, %d of %d automatic tests failed on the stubs (%s)%n",
                    GradeReport.points(labs.score()), GradeReport.points(labs.maxScore()), failed, auto, labs.file()));
            if (Math.abs(labs.score()) > EPS) {
                failures.add("labs: the untouched stubs score " + GradeReport.points(labs.score()) + ", not 0");
            }
            for (Test t : labs.tests()) {
                if (t.manual()) {
                    continue;
                }
                if (t.passed()) {
                    failures.add("labs: " + t.label() + " passes on the untouched stub: its "
                            + GradeReport.points(t.maxScore()) + " point(s) are free");
                    continue;
                }
                Matcher m = STUB.matcher(t.output());
                if (m.find() && !m.group(1).equals(t.number())) {
                    String msg = "labs: " + t.label() + " fails on the stub of TODO " + m.group(1)
                            + ", not on its own exercise: grade " + t.exercise() + " with the core reference of "
                            + m.group(1) + " so that one missing exercise does not cost another";
                    (allowCrossExercise ? warnings : failures).add(msg);
                }
            }
        }
        if (labs != null && sol != null) {
            compare(labs, sol, failures);
        }
        if (sol != null || labs != null) {
            exercises(labs, sol, failures, summary);
        }
        if (failures.isEmpty()) {
            summary.append("GradeCheck: OK: solutions get full marks, untouched stubs get zero, every exercise is graded\n");
        } else {
            summary.append("GradeCheck: FAILED (").append(failures.size()).append(" problem(s)):\n");
            failures.forEach(f -> summary.append("  - ").append(f).append('\n'));
        }
        warnings.forEach(w -> summary.append("  warning: ").append(w).append('\n'));
        return new Result(failures, warnings, summary.toString());
    }

    private static Report load(Path dir, String which, List<String> failures) {
        Path file = dir.resolve(GradeReport.JSON);
        if (!Files.isRegularFile(file)) {
            failures.add(which + ": no report " + file + " (run the " + which + " module's tests first)");
            return null;
        }
        try {
            Report r = read(dir);
            if (r.tests().isEmpty()) {
                failures.add(which + ": " + file + " lists no graded tests");
            }
            return r;
        } catch (IOException | RuntimeException e) {
            failures.add(which + ": cannot read " + file + ": " + e.getMessage());
            return null;
        }
    }

    private static void compare(Report labs, Report sol, List<String> failures) {
        Set<String> l = keys(labs);
        Set<String> s = keys(sol);
        for (String k : s) {
            if (!l.contains(k)) {
                failures.add("graded in solutions but not in labs: " + k);
            }
        }
        for (String k : l) {
            if (!s.contains(k)) {
                failures.add("graded in labs but not in solutions: " + k);
            }
        }
        if (Math.abs(labs.maxScore() - sol.maxScore()) > EPS) {
            failures.add("max_score differs: labs " + GradeReport.points(labs.maxScore()) + ", solutions "
                    + GradeReport.points(sol.maxScore()));
        }
    }

    private static Set<String> keys(Report r) {
        Set<String> keys = new LinkedHashSet<>();
        r.tests().forEach(t -> keys.add(t.label()));
        return keys;
    }

    /** The per-exercise table; fails an exercise without an automatic test unless all its entries are manual. */
    private static void exercises(Report labs, Report sol, List<String> failures, StringBuilder summary) {
        Map<Test, List<Test>> byExercise = new TreeMap<>(Comparator.comparing(Test::lab)
                .thenComparing(Test::number, GradeReport::compareExercises));
        // one report defines the exercises; compare() reports any mismatch between the two
        for (Test t : (sol != null ? sol : labs).tests()) {
            byExercise.computeIfAbsent(t, k -> new ArrayList<>()).add(t);
        }
        summary.append(String.format("%-16s %6s %7s %10s %6s%n", "exercise", "tests", "points", "solutions", "labs"));
        for (var e : byExercise.entrySet()) {
            List<Test> tests = e.getValue();
            long auto = tests.stream().filter(t -> !t.manual()).count();
            double pts = tests.stream().mapToDouble(Test::maxScore).sum();
            if (auto == 0) {
                summary.append(String.format("%-16s %6d %7s %10s %6s%n", e.getKey().exercise(), tests.size(), "manual", "-", "-"));
                continue;
            }
            if (!(pts > 0)) {
                failures.add("exercise " + e.getKey().exercise() + " has automatic tests but 0 points");
            }
            String exercise = e.getKey().exercise();
            summary.append(String.format("%-16s %6d %7s %10s %6s%n", exercise, tests.size(), GradeReport.points(pts),
                    earned(sol, exercise), earned(labs, exercise)));
        }
    }

    private static String earned(Report r, String exercise) {
        if (r == null) {
            return "?";
        }
        return GradeReport.points(r.tests().stream().filter(t -> t.exercise().equals(exercise))
                .mapToDouble(Test::score).sum());
    }

    /** Command line entry point; see the class comment. */
    public static void main(String[] args) {
        System.exit(main(args, System.out));
    }

    /** {@link #main} without exiting: returns the exit code; the report and usage errors go to {@code out}. */
    public static int main(String[] args, PrintStream out) {
        PrintWriter w = new PrintWriter(out, true);
        return new CommandLine(new Cli(out)).setOut(w).setErr(w).execute(args);
    }

    @Command(name = "GradeCheck", mixinStandardHelpOptions = true,
            description = "Check from both modules' reports that the solutions get full marks and the untouched stubs zero.")
    static final class Cli implements Callable<Integer> {

        @Option(names = "--labs", paramLabel = "DIR", defaultValue = "labs/target/grades",
                description = "The labs module's report folder (default: ${DEFAULT-VALUE}).")
        Path labs;

        @Option(names = "--solutions", paramLabel = "DIR", defaultValue = "solutions/target/grades",
                description = "The solutions module's report folder (default: ${DEFAULT-VALUE}).")
        Path solutions;

        @Option(names = "--allow-cross-exercise",
                description = "Report a labs test that fails on another exercise's stub as a warning, not a failure.")
        boolean allowCross;

        private final PrintStream out;

        Cli(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() {
            Result r = check(labs, solutions, allowCross);
            out.print(r.summary());
            out.flush();
            return r.ok() ? 0 : 1;
        }
    }
}
