package org.diffusionlab.grading;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Generates the student edition from the solutions: every file under {@code solutions/src/main} is
 * copied to the same relative path under {@code labs/src/main}, with each solution region
 * <pre>
 *     // BEGIN SOLUTION optional stub text
 *     ...solution lines...
 *     // END SOLUTION
 * </pre>
 * (marker lines included) replaced by the stub text at the BEGIN marker's indentation, or removed when
 * there is no stub text. Markers may not nest. Files that are not UTF-8 text are copied byte for byte.
 *
 * <p>Usage (from the repository root):
 * <pre>
 *   instructor/generate-labs.sh [--check] [--solutions DIR] [--labs DIR]
 * </pre>
 * (or {@code java -cp CLASSPATH}, CLASSPATH holding this module and picocli, as the solutions module does).
 * Defaults: {@code --solutions solutions/src/main}, {@code --labs labs/src/main}. Without
 * {@code --check} it writes the labs files that changed and deletes labs files that have no solution
 * counterpart (the labs tree is generated). With {@code --check} it changes nothing and exits 1 when
 * a labs file is missing, differs or is extra; when a marker appears anywhere under the labs tree's
 * parent (e.g. {@code labs/src}, graders included); or when solution text leaked into a labs file (a
 * {@link SecretLines} line of a solution region that the generated labs do not contain). Malformed,
 * nested or unbalanced markers fail both modes with file:line. Exit codes: 0 in sync / generated,
 * 1 problems found, 2 bad usage.
 */
public final class LabGenerator {

    static final Pattern BEGIN = Pattern.compile("^(\\s*)//\\s*BEGIN SOLUTION(?:\\s+(.*?))?\\s*$");
    static final Pattern END = Pattern.compile("^\\s*//\\s*END SOLUTION\\s*$");
    private static final Pattern ANY_MARKER = Pattern.compile("(BEGIN|END) SOLUTION");

    /** How to regenerate labs/ from the repository root (printed when {@code --check} fails). */
    static final String REGENERATE = "mvn -q -pl src compile exec:java -Dexec.mainClass=" + LabGenerator.class.getName();

    private LabGenerator() {}

    /** A marker problem at a file and line (1-based). */
    public static final class MarkerException extends Exception {
        MarkerException(String message) {
            super(message);
        }
    }

    /**
     * The student text of {@code text}: its solution regions replaced by their stubs. Line endings (LF or
     * CRLF) and the presence of a final newline are kept.
     *
     * @param name the file name used in error messages
     * @throws MarkerException on a nested BEGIN, an END without BEGIN, a BEGIN never closed, or a line
     *                         that mentions a marker without being one (e.g. {@code //BEGIN SOLUTIONS})
     */
    public static String generate(String text, String name) throws MarkerException {
        return generate(text, name, stub -> false);
    }

    /**
     * {@link #generate(String, String)}, but a region whose stub text {@code keep} accepts (the text, or
     * {@code null} for a region without one) keeps its solution lines (marker lines dropped) instead of
     * becoming its stub: a lab with some exercises solved, as {@link IsolationCheck} grades it.
     */
    public static String generate(String text, String name, Predicate<String> keep) throws MarkerException {
        String nl = text.contains("\r\n") ? "\r\n" : "\n";
        String[] lines = text.split("\r?\n", -1);
        List<String> out = new ArrayList<>();
        int openAt = 0;
        boolean kept = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher begin = BEGIN.matcher(line);
            if (begin.matches()) {
                if (openAt > 0) {
                    throw new MarkerException(name + ":" + (i + 1) + ": BEGIN SOLUTION inside the region opened at line "
                            + openAt + " (markers may not nest)");
                }
                openAt = i + 1;
                String stub = begin.group(2) == null || begin.group(2).isEmpty() ? null : begin.group(2);
                kept = keep.test(stub);
                if (stub != null && !kept) {
                    out.add(begin.group(1) + stub);
                }
            } else if (END.matcher(line).matches()) {
                if (openAt == 0) {
                    throw new MarkerException(name + ":" + (i + 1) + ": END SOLUTION without a BEGIN SOLUTION");
                }
                openAt = 0;
            } else if (ANY_MARKER.matcher(line).find()) {
                throw new MarkerException(name + ":" + (i + 1) + ": malformed marker (expected a line "
                        + "'// BEGIN SOLUTION [stub]' or '// END SOLUTION'): " + line.strip());
            } else if (openAt == 0 || kept) {
                out.add(line);
            }
        }
        if (openAt > 0) {
            throw new MarkerException(name + ":" + openAt + ": BEGIN SOLUTION is never closed by END SOLUTION");
        }
        return String.join(nl, out);
    }

    /** What {@link #run} found or did; {@code problems} empty means success. */
    public record Outcome(List<String> problems, List<String> actions) {}

    /**
     * Generates (or, with {@code check}, verifies) {@code labs} from {@code solutions}.
     *
     * @param solutions the solutions tree, e.g. solutions/src/main
     * @param labs      the labs tree, e.g. labs/src/main; with {@code check} its parent is searched for markers
     */
    public static Outcome run(Path solutions, Path labs, boolean check) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> actions = new ArrayList<>();
        TreeMap<String, byte[]> expected = new TreeMap<>();
        SecretLines secrets = new SecretLines();
        List<String> generated = new ArrayList<>();
        for (Path file : files(solutions)) {
            String rel = relative(solutions, file);
            byte[] bytes = Files.readAllBytes(file);
            String text = SecretLines.text(bytes);
            if (text == null) {
                expected.put(rel, bytes);
                continue;
            }
            try {
                String lab = generate(text, solutions.resolve(rel).toString());
                expected.put(rel, lab.getBytes(StandardCharsets.UTF_8));
                secrets.addRegions(solutions.resolve(rel).toString(), text);
                generated.add(lab);
            } catch (MarkerException e) {
                problems.add(e.getMessage());
            }
        }
        // a line the generated labs contain anyway (also written outside a region) is no leak
        generated.forEach(secrets::forget);
        if (!problems.isEmpty()) {
            return new Outcome(problems, actions);
        }
        Set<String> labFiles = new TreeSet<>();
        if (Files.isDirectory(labs)) {
            for (Path f : files(labs)) {
                labFiles.add(relative(labs, f));
            }
        }
        for (var e : expected.entrySet()) {
            Path target = labs.resolve(e.getKey());
            boolean exists = labFiles.contains(e.getKey());
            byte[] actual = exists ? Files.readAllBytes(target) : null;
            if (actual != null && Arrays.equals(actual, e.getValue())) {
                continue;
            }
            if (check) {
                problems.add(exists ? target + ": differs from what LabGenerator generates" + firstDifference(actual, e.getValue())
                        : target + ": missing (generated from " + solutions.resolve(e.getKey()) + ")");
            } else {
                Files.createDirectories(target.getParent());
                Files.write(target, e.getValue());
                actions.add((exists ? "updated " : "created ") + target);
            }
        }
        for (String rel : labFiles) {
            if (!expected.containsKey(rel)) {
                Path extra = labs.resolve(rel);
                if (check) {
                    problems.add(extra + ": not generated from " + solutions + " (no file " + solutions.resolve(rel) + ")");
                } else {
                    Files.delete(extra);
                    actions.add("deleted " + extra + " (no counterpart in " + solutions + ")");
                }
            }
        }
        if (check) {
            problems.addAll(leaks(labs, secrets));
        }
        return new Outcome(problems, actions);
    }

    /** Markers anywhere under the labs tree's parent, and secret solution lines in labs files. */
    private static List<String> leaks(Path labs, SecretLines secrets) throws IOException {
        List<String> problems = new ArrayList<>();
        Path norm = labs.normalize();
        Path parent = norm.getParent() != null ? norm.getParent() : norm.toAbsolutePath().getParent();
        boolean isMain = norm.getFileName() != null && norm.getFileName().toString().equals("main");
        Path scanRoot = isMain && parent != null ? parent : labs;
        if (!Files.isDirectory(scanRoot)) {
            return problems;
        }
        for (Path f : files(scanRoot)) {
            String text = SecretLines.text(Files.readAllBytes(f));
            if (text == null) {
                continue;
            }
            boolean inLabsMain = f.toAbsolutePath().normalize().startsWith(labs.toAbsolutePath().normalize());
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i);
                if (ANY_MARKER.matcher(line).find()) {
                    problems.add(f + ":" + (i + 1) + ": solution marker in labs: " + line.strip());
                } else if (inLabsMain && secrets.contains(line)) {
                    problems.add(f + ":" + (i + 1) + ": solution code leaked into labs: " + line.strip()
                            + " (from " + secrets.originOf(line) + ")");
                }
            }
        }
        return problems;
    }

    private static String firstDifference(byte[] actual, byte[] expected) {
        String a = SecretLines.text(actual);
        String e = SecretLines.text(expected);
        if (a == null || e == null) {
            return " (binary)";
        }
        List<String> al = a.lines().toList();
        List<String> el = e.lines().toList();
        for (int i = 0; i < Math.max(al.size(), el.size()); i++) {
            String x = i < al.size() ? al.get(i) : "<end of file>";
            String y = i < el.size() ? el.get(i) : "<end of file>";
            if (!x.equals(y)) {
                return " (first difference at line " + (i + 1) + ": labs has '" + x.strip() + "', expected '"
                        + y.strip() + "')";
            }
        }
        return " (line endings or final newline)";
    }

    static List<Path> files(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** Command line entry point; see the class comment. */
    public static void main(String[] args) {
        System.exit(main(args, System.out, System.err));
    }

    /** {@link #main} without exiting: returns the exit code. */
    public static int main(String[] args, PrintStream out, PrintStream err) {
        return new CommandLine(new Cli(out, err)).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Command(name = "LabGenerator", mixinStandardHelpOptions = true,
            description = "Generate the student edition (labs) from the solutions, or check that it is in sync.")
    static final class Cli implements Callable<Integer> {

        @Option(names = "--check", description = "Change nothing; exit 1 when labs is out of sync or solution text leaked.")
        boolean check;

        @Option(names = "--solutions", paramLabel = "DIR", defaultValue = "solutions/src/main",
                description = "The solutions tree (default: ${DEFAULT-VALUE}).")
        Path solutions;

        @Option(names = "--labs", paramLabel = "DIR", defaultValue = "labs/src/main",
                description = "The labs tree to write or check (default: ${DEFAULT-VALUE}).")
        Path labs;

        @Spec
        CommandSpec spec;

        private final PrintStream out;
        private final PrintStream err;

        Cli(PrintStream out, PrintStream err) {
            this.out = out;
            this.err = err;
        }

        @Override
        public Integer call() throws IOException {
            if (!Files.isDirectory(solutions)) {
                throw new ParameterException(spec.commandLine(), "--solutions " + solutions + " is invalid: no directory "
                        + solutions.toAbsolutePath() + " (run from the repository root or pass --solutions)");
            }
            Outcome o = run(solutions, labs, check);
            o.actions().forEach(a -> out.println("LabGenerator: " + a));
            if (!o.problems().isEmpty()) {
                err.println("LabGenerator" + (check ? " --check" : "") + ": " + o.problems().size() + " problem(s):");
                o.problems().forEach(p -> err.println("  " + p));
                if (check) {
                    err.println("Regenerate with: " + REGENERATE);
                }
                return 1;
            }
            out.println(check ? "LabGenerator --check: " + labs + " is in sync with " + solutions
                    : "LabGenerator: " + labs + " generated from " + solutions + " (" + o.actions().size() + " change(s))");
            return 0;
        }
    }
}
