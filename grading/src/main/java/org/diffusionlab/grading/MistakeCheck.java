package org.diffusionlab.grading;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * "The graders catch every likely mistake, name it, and accept every correct variant", checked. A
 * fixture file per lab ({@code <lab>.txt} in the fixtures folder) lists small source edits of one
 * solution file each:
 * <pre>
 *   mistake 3.1 | one square root missing: ᾱ_t·x_0 instead of √ᾱ_t·x_0
 *     file spiral/Forward.java
 *     find Math.sqrt(alphaBar) * x0
 *     with alphaBar * x0
 *     hint sqrt(alphaBar)
 *
 *   variant | the coefficients computed in float
 *     file spiral/Forward.java
 *     find ...
 *     with ...
 * </pre>
 * A variant may add {@code note TEXT}: some report entry must show it (e.g. "accepted at float precision").
 * {@code find}/{@code with} pairs (one or more, applied in order) are literal text, {@code \n} for a line
 * break; each {@code find} must occur exactly once in the file (the solution, markers included), so a
 * fixture that no longer applies fails loudly instead of testing nothing. For each entry the lab is built
 * with every exercise solved and that edit made, compiled in-process and graded by the lab's graded tests
 * (the machinery of {@link IsolationCheck}). A <b>mistake</b> must lose points on its exercise, on no other
 * exercise, and the feedback of its exercise must contain the {@code hint} text (case-insensitive): the
 * concept the grader names. A <b>variant</b> (a correct answer written differently) must keep full marks.
 *
 * <p>Usage (from the repository root, after the solutions module compiled the graders):
 * <pre>
 *   java -cp CLASSPATH org.diffusionlab.grading.MistakeCheck [--solutions DIR] [--graders DIR] [--fixtures DIR] [--lab NAME]...
 * </pre>
 * Exit codes: 0 every entry behaves, 1 an entry does not (reasons printed), 2 bad usage.
 */
public final class MistakeCheck {

    private static final String LAB_DIR = "java/org/diffusionlab/labs/";

    /** Keep every solution region solved (LabGenerator's {@code keep}): the entries edit complete solutions. */
    private static final Predicate<String> ALL = stub -> true;

    private MistakeCheck() {}

    /**
     * One fixture entry: a mistake (with its exercise and hint) or a variant (exercise and hint null; note, when
     * given, a text the report must show, e.g. that float work was accepted at float precision).
     */
    public record Entry(String lab, int line, String exercise, String title, String file, List<String[]> edits, String hint,
                        String note) {
        boolean mistake() {
            return exercise != null;
        }

        String label() {
            return lab + ":" + line + " " + (mistake() ? "mistake " + exercise : "variant") + " '" + title + "'";
        }
    }

    /** What one entry did: points lost per exercise (only the exercises that lost some), whether its hint (a mistake) or its note (a variant, if it has one) showed. */
    public record EntryOutcome(Entry entry, Map<String, Double> lost, boolean shown) {
        boolean onlyOwn() {
            return entry.mistake() && lost.size() == 1 && lost.containsKey(entry.exercise());
        }

        boolean ok() {
            return entry.mistake() ? onlyOwn() && shown : lost.isEmpty() && shown;
        }
    }

    /** Failures (empty = every entry behaved), the per-entry outcomes, and the printed summary. */
    public record Result(List<String> failures, List<EntryOutcome> outcomes, String summary) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /** Parses one lab's fixture text. */
    static List<Entry> parse(String lab, String text) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        int start = 0;
        String exercise = null, title = null, file = null, hint = null, note = null;
        List<String[]> edits = new ArrayList<>();
        String pendingFind = null;
        for (int i = 0; i <= lines.length; i++) {
            String line = i < lines.length ? lines[i].strip() : "";
            boolean header = line.startsWith("mistake ") || line.startsWith("variant ");
            if ((header || i == lines.length) && start > 0) {
                if (file == null || edits.isEmpty() || pendingFind != null || (exercise != null) != (hint != null)
                        || (exercise != null && note != null)) {
                    throw new IllegalArgumentException(lab + ".txt:" + start + ": an entry needs a file, find/with pairs"
                            + (exercise != null ? " and a hint (no note)" : " and no hint"));
                }
                entries.add(new Entry(lab, start, exercise, title, file, List.copyOf(edits), hint, note));
                start = 0;
            }
            if (i == lines.length || line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (header) {
                int bar = line.indexOf('|');
                if (bar < 0) {
                    throw new IllegalArgumentException(lab + ".txt:" + (i + 1) + ": expected 'mistake EX | title' or 'variant | title'");
                }
                String head = line.substring(0, bar).strip();
                exercise = head.startsWith("mistake") ? head.substring("mistake".length()).strip() : null;
                if (exercise != null && exercise.isEmpty()) {
                    throw new IllegalArgumentException(lab + ".txt:" + (i + 1) + ": a mistake names its exercise");
                }
                title = line.substring(bar + 1).strip();
                file = null;
                hint = null;
                note = null;
                edits = new ArrayList<>();
                pendingFind = null;
                start = i + 1;
                continue;
            }
            if (start == 0) {
                throw new IllegalArgumentException(lab + ".txt:" + (i + 1) + ": text outside an entry: " + line);
            }
            int space = line.indexOf(' ');
            String key = space < 0 ? line : line.substring(0, space);
            String value = space < 0 ? "" : line.substring(space + 1).strip().replace("\\n", "\n");
            switch (key) {
                case "file" -> file = value;
                case "hint" -> hint = value;
                case "note" -> note = value;
                case "find" -> {
                    if (pendingFind != null) throw new IllegalArgumentException(lab + ".txt:" + (i + 1) + ": find without with");
                    pendingFind = value;
                }
                case "with" -> {
                    if (pendingFind == null) throw new IllegalArgumentException(lab + ".txt:" + (i + 1) + ": with without find");
                    edits.add(new String[] {pendingFind, value});
                    pendingFind = null;
                }
                default -> throw new IllegalArgumentException(lab + ".txt:" + (i + 1) + ": unknown key '" + key
                        + "' (file, find, with, hint, note)");
            }
        }
        return entries;
    }

    /** The solution text with the entry's edits made; each find must occur exactly once. */
    static String apply(Entry e, String text) {
        for (String[] edit : e.edits()) {
            int at = text.indexOf(edit[0]);
            if (at < 0 || text.indexOf(edit[0], at + 1) >= 0) {
                throw new IllegalArgumentException(e.label() + ": '" + edit[0] + "' occurs " + (at < 0 ? "nowhere" : "more than once")
                        + " in " + e.file());
            }
            text = text.substring(0, at) + edit[1] + text.substring(at + edit[0].length());
        }
        return text;
    }

    /**
     * Runs the check.
     *
     * @param solutions the solutions tree, e.g. solutions/src/main
     * @param graders   compiled graders
     * @param fixtures  the folder of {@code <lab>.txt} fixture files
     * @param labs      labs to check; empty for every fixture file
     * @param work      an empty scratch folder
     */
    public static Result check(Path solutions, Path graders, Path fixtures, Set<String> labs, Path work)
            throws IOException, LabGenerator.MarkerException {
        long start = System.nanoTime();
        Map<String, String> sources = new TreeMap<>();
        for (Path file : LabGenerator.files(solutions)) {
            String rel = LabGenerator.relative(solutions, file);
            if (rel.endsWith(".java")) {
                sources.put(rel, Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        Map<String, List<Entry>> byLab = new TreeMap<>();
        for (Path f : LabGenerator.files(fixtures)) {
            String name = f.getFileName().toString();
            String lab = name.endsWith(".txt") ? name.substring(0, name.length() - 4) : null;
            if (lab != null && (labs.isEmpty() || labs.contains(lab))) {
                byLab.put(lab, parse(lab, Files.readString(f, StandardCharsets.UTF_8)));
            }
        }
        IsolationCheck.Compiler javac = new IsolationCheck.Compiler();
        Path solved = work.resolve("solved");
        javac.compile(IsolationCheck.write(work.resolve("solved-src"), sources, sources.keySet(), ALL), solved, "");

        List<String> failures = new ArrayList<>();
        List<EntryOutcome> outcomes = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        summary.append(String.format(Locale.ROOT, "%-10s %8s %10s %8s %8s%n", "lab", "mistakes", "only-own", "hinted", "variants"));
        int n = 0;
        for (var lab : byLab.entrySet()) {
            Map<String, Double> full = perExercise(IsolationCheck.grade(lab.getKey(), List.of(solved, graders), work.resolve("grades")), false);
            int mistakes = 0, onlyOwn = 0, hinted = 0, variants = 0, variantsOk = 0;
            for (Entry e : lab.getValue()) {
                String rel = LAB_DIR + e.file();
                if (e.mistake() && !full.containsKey(e.exercise())) {
                    throw new IllegalArgumentException(e.label() + ": the lab has no automatically graded exercise " + e.exercise());
                }
                Path dir = work.resolve("entry-" + (n++));
                Map<String, String> edited = new TreeMap<>(sources);
                try {
                    edited.put(rel, apply(e, sources.get(rel)));
                } catch (IllegalArgumentException stale) {
                    failures.add(stale.getMessage());
                    continue;
                }
                Path classes = dir.resolve("classes");
                try {
                    javac.compile(IsolationCheck.write(dir.resolve("src"), edited, Set.of(rel), ALL), classes, solved + File.pathSeparator);
                } catch (IllegalStateException compileError) {
                    failures.add(e.label() + ": does not compile: " + compileError.getMessage());
                    continue;
                }
                List<GradeResult> results = IsolationCheck.grade(lab.getKey(), List.of(classes, solved, graders), dir.resolve("grades"));
                Map<String, Double> got = perExercise(results, true);
                Map<String, Double> lost = new TreeMap<>(GradeReport::compareExercises);
                full.forEach((ex, max) -> {
                    double left = got.getOrDefault(ex, 0.0);
                    if (left < max - 1e-9) lost.put(ex, max - left);
                });
                StringBuilder feedback = new StringBuilder();
                for (GradeResult r : results) {
                    if (e.mistake() && r.exercise().equals(e.exercise()) && r.outcome() != Outcome.PASSED) {
                        feedback.append(r.output()).append('\n');
                    }
                }
                boolean hint = e.mistake() && feedback.toString().toLowerCase(Locale.ROOT).contains(e.hint().toLowerCase(Locale.ROOT));
                boolean noted = e.note() == null || results.stream().anyMatch(r -> r.output().contains(e.note()));
                EntryOutcome o = new EntryOutcome(e, lost, e.mistake() ? hint : noted);
                outcomes.add(o);
                if (e.mistake()) {
                    mistakes++;
                    onlyOwn += o.onlyOwn() ? 1 : 0;
                    hinted += hint ? 1 : 0;
                    if (!o.onlyOwn()) {
                        failures.add(e.label() + ": " + (lost.isEmpty() ? "loses no points" : "loses points on " + lost.keySet()));
                    } else if (!hint) {
                        failures.add(e.label() + ": the feedback does not contain '" + e.hint() + "':\n      "
                                + firstLines(feedback.toString()));
                    }
                } else {
                    variants++;
                    variantsOk += lost.isEmpty() && noted ? 1 : 0;
                    if (lost.isEmpty() && !noted) {
                        failures.add(e.label() + ": keeps full marks, but no report entry shows '" + e.note() + "'");
                    }
                    if (!lost.isEmpty()) {
                        failures.add(e.label() + ": a correct variant loses points on " + lost.keySet() + ": "
                                + firstLines(results.stream().filter(r -> r.outcome() != Outcome.PASSED
                                        && !r.manual()).map(GradeResult::output).findFirst().orElse("")));
                    }
                }
            }
            summary.append(String.format(Locale.ROOT, "%-10s %8d %10d %8d %5d/%-2d%n", lab.getKey(), mistakes, onlyOwn, hinted, variantsOk, variants));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.isEmpty()) {
            summary.append(String.format(Locale.ROOT, "MistakeCheck: OK: every mistake costs only its exercise and shows its hint, "
                    + "every correct variant keeps full marks (%d entries, %.1f s)%n", n, seconds));
        } else {
            summary.append("MistakeCheck: FAILED (").append(failures.size()).append(" problem(s)):\n");
            failures.forEach(f -> summary.append("  - ").append(f).append('\n'));
        }
        return new Result(failures, outcomes, summary.toString());
    }

    private static String firstLines(String text) {
        String[] lines = text.strip().split("\n");
        return String.join("\n      ", List.of(lines).subList(0, Math.min(6, lines.length)));
    }

    /** Automatic points per exercise: earned, or available ({@code earned == false}). */
    private static Map<String, Double> perExercise(List<GradeResult> results, boolean earned) {
        Map<String, Double> points = new TreeMap<>(GradeReport::compareExercises);
        for (GradeResult r : results) {
            if (!r.manual()) {
                points.merge(r.exercise(), earned ? r.score() : r.maxScore(), Double::sum);
            }
        }
        return points;
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

    @Command(name = "MistakeCheck", mixinStandardHelpOptions = true,
            description = "Check that every listed mistake costs only its exercise and shows its hint, and every variant keeps full marks.")
    static final class Cli implements Callable<Integer> {

        @Mixin
        SolutionTrees trees;

        @Option(names = "--fixtures", paramLabel = "DIR", defaultValue = "solutions/mistakes",
                description = "The fixture files <lab>.txt (default: ${DEFAULT-VALUE}).")
        Path fixtures;

        @Option(names = "--lab", paramLabel = "NAME", description = "Check only this lab (repeatable; default: every fixture file).")
        Set<String> labs = new TreeSet<>();

        @Option(names = "--verbose", description = "Print every entry's outcome.")
        boolean verbose;

        private final PrintStream out;

        Cli(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            Path work = Files.createTempDirectory("mistake-check");
            try {
                Result r = check(trees.solutions, trees.graders, fixtures, labs, work);
                if (verbose) {
                    for (EntryOutcome o : r.outcomes()) {
                        out.println((o.ok() ? "ok   " : "FAIL ") + o.entry().label() + (o.lost().isEmpty() ? "" : " lost " + o.lost()));
                    }
                }
                out.print(r.summary());
                out.flush();
                return r.ok() ? 0 : 1;
            } finally {
                IsolationCheck.delete(work);
            }
        }
    }
}
