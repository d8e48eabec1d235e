package org.diffusionlab.grading.batch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The instructor's side of a grading run: the pristine lab stubs, the graders (visible and hidden) and
 * what follows from them. Paths are relative to the repository root and use '/'.
 */
final class Course {

    /** Student-editable files: everything under here in a submission replaces the stub. */
    static final String LABS_MAIN = "labs/src/main";
    static final String LABS_MAIN_JAVA = LABS_MAIN + "/java";
    static final String LABS_MAIN_RESOURCES = LABS_MAIN + "/resources";
    /** Graders the students see. */
    static final String GRADERS = "labs/src/test/java";
    static final String GRADER_RESOURCES = "labs/src/test/resources";
    /** Graders left out of the release; the batch grader (and solutions/ validation) adds them. */
    static final String HIDDEN_GRADERS = "labs/src/hidden-test/java";
    /** Every lab package lies under this one. */
    static final String LAB_ROOT_PACKAGE = "org.diffusionlab.labs";

    private static final Pattern TODO = Pattern.compile("TODO (\\d+(?:\\.\\d+)*)");

    final Path repo;
    final List<Path> graderRoots = new ArrayList<>();
    /** Pristine student-editable files (relative paths, e.g. labs/src/main/java/org/.../Sums.java). */
    final Set<String> studentFiles = new TreeSet<>();
    /** Packages that hold lab sources. */
    final Set<String> labPackages = new TreeSet<>();
    /** File names of every grader source: a submitted file with one of these names is never taken. */
    final Set<String> graderFileNames = new TreeSet<>();
    /** Lab package + " " + exercise id -> the stub file naming it in a "TODO x.y" (for "file missing" feedback). */
    final Map<String, String> exerciseFiles = new TreeMap<>();

    Course(Path repo) throws IOException {
        this.repo = repo.toAbsolutePath().normalize();
        Path main = this.repo.resolve(LABS_MAIN);
        if (!Files.isDirectory(main.resolve("java"))) {
            throw new IllegalArgumentException("repo has no " + LABS_MAIN_JAVA + ": " + this.repo);
        }
        for (Path file : list(main)) {
            String rel = relative(file);
            studentFiles.add(rel);
            if (rel.startsWith(LABS_MAIN_JAVA + "/") && rel.endsWith(".java")) {
                labPackages.add(packageOf(rel.substring(LABS_MAIN_JAVA.length() + 1)));
                Matcher todo = TODO.matcher(Files.readString(file));
                while (todo.find()) {
                    exerciseFiles.putIfAbsent(packageOf(rel.substring(LABS_MAIN_JAVA.length() + 1)) + " " + todo.group(1), rel);
                }
            }
        }
        for (String root : List.of(GRADERS, HIDDEN_GRADERS)) {
            Path dir = this.repo.resolve(root);
            if (Files.isDirectory(dir)) {
                graderRoots.add(dir);
                for (Path file : list(dir)) {
                    graderFileNames.add(file.getFileName().toString());
                }
            }
        }
    }

    /** Grader sources (visible and hidden) declared in the given package. */
    List<Path> graderSources(String pkg) {
        List<Path> out = new ArrayList<>();
        for (Path root : graderRoots) {
            Path dir = root.resolve(pkg.replace('.', '/'));
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.list(dir)) {
                    files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return out;
    }

    /** Every package that holds graders, in order. */
    Set<String> graderPackages() throws IOException {
        Set<String> out = new TreeSet<>();
        for (Path root : graderRoots) {
            for (Path file : list(root)) {
                if (file.toString().endsWith(".java")) {
                    out.add(packageOf(root.relativize(file).toString().replace('\\', '/')));
                }
            }
        }
        return out;
    }

    String relative(Path file) {
        return repo.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    /** "org/x/Y.java" -> "org.x". */
    static String packageOf(String javaPath) {
        int slash = javaPath.lastIndexOf('/');
        return slash < 0 ? "" : javaPath.substring(0, slash).replace('/', '.');
    }

    static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
