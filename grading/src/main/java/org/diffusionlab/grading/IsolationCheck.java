package org.diffusionlab.grading;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * "A bug costs only its exercise", checked: for every exercise E of every lab (a {@code TODO E} in the
 * stub text of a solution region) the lab is built with only E's regions solved — every other exercise
 * stubbed, regions without stub text (helpers) solved — compiled in-process and graded by the lab's
 * graded tests; exactly E's automatic tests must pass, so the lab earns exactly E's points.
 * <ul>
 *   <li>a test of E that fails means E (or its grader) still calls another exercise's code: grade E
 *       with the reference version of that exercise, passed in through a seam;</li>
 *   <li>a test of another exercise that passes earns its points from E's code.</li>
 * </ul>
 * {@link GradeCheck} cannot see the first case: with every stub in place, a later exercise stops on its
 * own stub before it reaches the earlier one.
 *
 * <p>Usage (from the repository root, after the solutions module compiled the graders):
 * <pre>
 *   java -cp CLASSPATH org.diffusionlab.grading.IsolationCheck [--solutions DIR] [--graders DIR] [--lab NAME]...
 * </pre>
 * Defaults: {@code solutions/src/main} and {@code solutions/target/test-classes}. CLASSPATH holds the
 * core, its dependencies, JUnit Jupiter and the JUnit Platform launcher (the solutions module's test
 * class path); lab classes on it are ignored, each variant is loaded child-first. Exit codes: 0 every
 * exercise is graded in isolation, 1 a check failed (reasons printed), 2 bad usage.
 */
public final class IsolationCheck {

    private static final String LAB_PACKAGE = "org.diffusionlab.labs.";
    private static final String LAB_PATH = LAB_PACKAGE.replace('.', '/');
    private static final String LAB_DIR = "java/" + LAB_PATH;
    private static final Pattern TODO = Pattern.compile("TODO (\\d+(?:\\.\\d+)*)");

    private IsolationCheck() {}

    /** Failures (empty = every exercise graded in isolation) and the printed summary. */
    public record Result(List<String> failures, String summary) {
        public boolean ok() {
            return failures.isEmpty();
        }
    }

    /**
     * Runs the check.
     *
     * @param solutions the solutions tree, e.g. solutions/src/main
     * @param graders   compiled graders (test classes of the lab packages)
     * @param labs      lab package names to check (e.g. "spiral"); empty for all
     * @param work      an empty scratch folder for sources and classes
     */
    public static Result check(Path solutions, Path graders, Set<String> labs, Path work)
            throws IOException, LabGenerator.MarkerException {
        long start = System.nanoTime();
        Map<String, String> sources = new TreeMap<>();
        for (Path file : LabGenerator.files(solutions)) {
            String rel = LabGenerator.relative(solutions, file);
            if (rel.endsWith(".java")) {
                sources.put(rel, Files.readString(file, StandardCharsets.UTF_8));
            }
        }
        // lab -> exercise id -> the files holding its regions
        Map<String, Map<String, Set<String>>> exercises = new TreeMap<>();
        for (var e : sources.entrySet()) {
            String lab = labOf(e.getKey());
            for (String line : e.getValue().split("\r?\n")) {
                String id = exerciseOf(stubText(line));
                if (lab != null && id != null && (labs.isEmpty() || labs.contains(lab))) {
                    exercises.computeIfAbsent(lab, k -> new TreeMap<>(GradeReport::compareExercises))
                            .computeIfAbsent(id, k -> new TreeSet<>()).add(e.getKey());
                }
            }
        }
        Compiler javac = new Compiler();
        Path stubs = work.resolve("stubs");
        javac.compile(write(work.resolve("stubs-src"), sources, Set.copyOf(sources.keySet()), solving(null)), stubs, "");

        List<String> failures = new ArrayList<>();
        StringBuilder summary = new StringBuilder();
        for (var lab : exercises.entrySet()) {
            Set<String> automatic = automaticExercises(lab.getKey(), List.of(stubs, graders));
            if (automatic.isEmpty()) {
                failures.add(lab.getKey() + ": no graded tests in " + graders.resolve(LAB_PATH + lab.getKey()));
                continue;
            }
            int n = 0;
            for (var ex : lab.getValue().entrySet()) {
                String id = ex.getKey();
                if (!automatic.contains(id)) {
                    continue; // graded by a person (a reflection): no points to misplace
                }
                Path dir = work.resolve(lab.getKey() + "-" + id);
                Path classes = dir.resolve("classes");
                javac.compile(write(dir.resolve("src"), sources, ex.getValue(), solving(id)), classes, stubs + java.io.File.pathSeparator);
                List<GradeResult> results = grade(lab.getKey(), List.of(classes, stubs, graders), dir.resolve("grades"));
                n++;
                for (GradeResult r : results) {
                    if (r.manual()) {
                        continue;
                    }
                    boolean own = r.exercise().equals(id);
                    if (own && r.outcome() != Outcome.PASSED) {
                        failures.add(lab.getKey() + " " + id + " '" + r.name() + "' fails when only " + id
                                + " is solved (the other exercises stubbed): " + r.feedback() + " — it still uses another"
                                + " exercise's code; grade " + id + " with the reference of that exercise, passed in");
                    } else if (!own && r.outcome() == Outcome.PASSED) {
                        failures.add(lab.getKey() + " " + r.exercise() + " '" + r.name() + "' passes when only " + id
                                + " is solved: its " + GradeReport.points(r.maxScore()) + " point(s) do not depend on "
                                + r.exercise() + "'s own code");
                    }
                }
            }
            summary.append(String.format(Locale.ROOT, "%-10s %2d automatically graded exercises, each graded with only itself solved%n",
                    lab.getKey(), n));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failures.isEmpty()) {
            summary.append(String.format(Locale.ROOT, "IsolationCheck: OK: every exercise earns exactly its own points "
                    + "when it alone is solved (%.1f s)%n", seconds));
        } else {
            summary.append("IsolationCheck: FAILED (").append(failures.size()).append(" problem(s)):\n");
            failures.forEach(f -> summary.append("  - ").append(f).append('\n'));
        }
        return new Result(failures, summary.toString());
    }

    /** The lab package of a solutions-relative path ("java/org/diffusionlab/labs/spiral/Forward.java" -> "spiral"). */
    static String labOf(String rel) {
        if (!rel.startsWith(LAB_DIR)) {
            return null;
        }
        String rest = rel.substring(LAB_DIR.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? null : rest.substring(0, slash);
    }

    /** The stub text of a BEGIN SOLUTION line ("" when it has none), or null for any other line. */
    private static String stubText(String line) {
        Matcher m = LabGenerator.BEGIN.matcher(line);
        return !m.matches() ? null : m.group(2) == null ? "" : m.group(2);
    }

    /** The exercise a region's stub text names ("TODO 3.1: ..." -> "3.1"), or null. */
    static String exerciseOf(String stub) {
        Matcher m = stub == null ? null : TODO.matcher(stub);
        return m != null && m.find() ? m.group(1) : null;
    }

    /**
     * The regions to keep solved when only exercise {@code solved} is: its own and the helper regions (no
     * stub text); {@code solved == null} keeps none (the labs edition).
     */
    private static Predicate<String> solving(String solved) {
        return stub -> {
            if (solved == null) return false;
            String id = exerciseOf(stub);
            return id == null ? stub == null : id.equals(solved);
        };
    }

    /**
     * Writes {@code files} of {@code sources} under {@code dir}, every solution region whose stub text
     * {@code keep} accepts solved and every other one stubbed ({@link LabGenerator#generate(String, String, Predicate)}).
     */
    static List<Path> write(Path dir, Map<String, String> sources, Set<String> files, Predicate<String> keep)
            throws IOException, LabGenerator.MarkerException {
        List<Path> out = new ArrayList<>();
        for (String rel : files) {
            Path target = dir.resolve(rel);
            Files.createDirectories(target.getParent());
            Files.writeString(target, LabGenerator.generate(sources.get(rel), rel, keep), StandardCharsets.UTF_8);
            out.add(target);
        }
        return out;
    }

    /** The exercise ids of the lab's graded tests that earn points automatically (not manual). */
    private static Set<String> automaticExercises(String lab, List<Path> roots) throws IOException {
        Set<String> ids = new TreeSet<>();
        try (LabLoader loader = new LabLoader(urls(roots), IsolationCheck.class.getClassLoader())) {
            List<Class<?>> classes = new ArrayList<>();
            for (String name : graderClasses(roots.get(roots.size() - 1).resolve(LAB_PATH + lab), lab)) {
                classes.add(loader.loadClass(name));
            }
            while (!classes.isEmpty()) {
                Class<?> c = classes.remove(0);
                classes.addAll(List.of(c.getDeclaredClasses()));
                for (var m : c.getDeclaredMethods()) {
                    Graded g = m.getAnnotation(Graded.class);
                    if (g != null && !g.manual()) {
                        ids.add(g.exercise());
                    }
                }
            }
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot load a grader of lab " + lab + ": " + e.getMessage(), e);
        }
        return ids;
    }

    private static URL[] urls(List<Path> roots) throws IOException {
        URL[] urls = new URL[roots.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = roots.get(i).toUri().toURL();
        }
        return urls;
    }

    /** Runs the graded tests of one lab package on the classes of {@code roots} (first wins) and returns their entries. */
    static List<GradeResult> grade(String lab, List<Path> roots, Path reportDir) throws IOException {
        Path graders = roots.get(roots.size() - 1).resolve(LAB_PATH + lab);
        try (LabLoader loader = new LabLoader(urls(roots), IsolationCheck.class.getClassLoader())) {
            List<DiscoverySelector> selectors = new ArrayList<>();
            for (String name : graderClasses(graders, lab)) {
                selectors.add(DiscoverySelectors.selectClass(loader.loadClass(name)));
            }
            PostDiscoveryFilter gradedOnly = d -> FilterResult.includedIf(d.getSource()
                    .filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getJavaMethod()
                            .isAnnotationPresent(Graded.class)).orElse(true));
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectors)
                    .filters(gradedOnly)
                    // as in the labs' Surefire configuration: a stuck test fails, grading goes on
                    .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                    .configurationParameter("junit.jupiter.execution.timeout.default", "20 s")
                    .build();
            Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false)
                    .enablePostDiscoveryFilterAutoRegistration(false).build());
            GradingListener listener = new GradingListener(reportDir, new PrintStream(OutputStream.nullOutputStream()));
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(loader);
            PrintStream out = System.out;
            PrintStream err = System.err;
            try {
                // graders and lab code may print; keep the check's own output readable
                System.setOut(new PrintStream(OutputStream.nullOutputStream()));
                System.setErr(new PrintStream(OutputStream.nullOutputStream()));
                launcher.execute(request, listener);
            } finally {
                System.setOut(out);
                System.setErr(err);
                thread.setContextClassLoader(previous);
            }
            return listener.results();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("cannot load a grader of lab " + lab + ": " + e.getMessage(), e);
        }
    }

    /** Top-level classes (no '$') in the lab's grader folder. */
    private static List<String> graderClasses(Path dir, String lab) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString())
                    .filter(f -> f.endsWith(".class") && !f.contains("$"))
                    .map(f -> LAB_PACKAGE + lab + "." + f.substring(0, f.length() - ".class".length()))
                    .sorted().toList();
        }
    }

    /** Loads lab classes ({@value #LAB_PACKAGE}*) from its own folders first; everything else from the parent. */
    private static final class LabLoader extends URLClassLoader {
        LabLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith(LAB_PACKAGE)) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    /** In-process javac against this JVM's class path. */
    static final class Compiler {
        private final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();

        Compiler() {
            if (javac == null) {
                throw new IllegalStateException("no Java compiler in this runtime (run IsolationCheck with a JDK)");
            }
        }

        void compile(List<Path> sources, Path out, String classpathPrefix) throws IOException {
            Files.createDirectories(out);
            DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
            try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
                List<String> options = List.of("-d", out.toString(), "-encoding", "UTF-8", "-proc:none", "-nowarn",
                        "-cp", classpathPrefix + System.getProperty("java.class.path"));
                boolean ok = javac.getTask(null, files, diagnostics, options, null,
                        files.getJavaFileObjectsFromPaths(sources)).call();
                if (!ok) {
                    throw new IllegalStateException("a lab variant does not compile:\n" + diagnostics.getDiagnostics().stream()
                            .map(d -> String.valueOf(d.getSource() == null ? "" : d.getSource().getName()) + ":"
                                    + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                            .collect(Collectors.joining("\n")));
                }
            }
        }
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

    @Command(name = "IsolationCheck", mixinStandardHelpOptions = true,
            description = "Check that every exercise, solved alone, earns exactly its own points.")
    static final class Cli implements Callable<Integer> {

        @Mixin
        SolutionTrees trees;

        @Option(names = "--lab", paramLabel = "NAME", description = "Check only this lab (repeatable; default: every lab).")
        Set<String> labs = new TreeSet<>();

        private final PrintStream out;

        Cli(PrintStream out) {
            this.out = out;
        }

        @Override
        public Integer call() throws Exception {
            Path work = Files.createTempDirectory("isolation-check");
            try {
                Result r = check(trees.solutions, trees.graders, labs, work);
                out.print(r.summary());
                out.flush();
                return r.ok() ? 0 : 1;
            } finally {
                delete(work);
            }
        }
    }

    static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
