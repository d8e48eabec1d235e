package org.diffusionlab.grading.batch;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles lab sources in-process with javax.tools ({@code -proc:none}: no annotation processor, so
 * compiling runs none of the student's code): the pristine lab and its graders once per batch, and
 * each submission's lab files alone. A compile error costs as little as possible: a student file that
 * does not compile is replaced by its stub (so only its exercises score 0).
 */
final class LabCompiler {

    /** What compiling cost the student: files and packages graded as stubs, and why. */
    record Result(Map<String, String> revertedFiles, Map<String, String> revertedPackages,
                  Set<String> studentClasses) {}

    private static final int MAX_MESSAGES = 3;

    private final Course course;
    private final String classpath;

    LabCompiler(Course course, String classpath) {
        this.course = course;
        this.classpath = classpath;
    }

    /**
     * Compiles the lab sources of {@code labTree} alone (no graders: in the sandboxed batch grader they
     * are compiled once, against the pristine stubs) into {@code classes}. A student file that does not
     * compile goes back to its stub; if the student's changes break a pristine file of a package (a
     * changed signature), the whole package goes back to the stubs.
     */
    Result compileLab(Path labTree, Path classes, Set<String> student) throws IOException {
        Map<String, String> revertedFiles = new LinkedHashMap<>();
        Map<String, String> revertedPackages = new LinkedHashMap<>();
        for (int round = 0; ; round++) {
            SubmissionGrader.deleteTree(classes);
            Files.createDirectories(classes);
            List<Path> sources = new ArrayList<>();
            for (String pkg : new TreeSet<>(course.labPackages)) {
                sources.addAll(javaFiles(labTree, pkg));
            }
            List<Diagnostic<? extends JavaFileObject>> errors = javac(sources, classes);
            if (errors.isEmpty()) {
                break;
            }
            if (round > course.studentFiles.size() + 2) {
                throw new IllegalStateException("the lab does not compile even with every file reverted to its stub");
            }
            Map<String, List<String>> byStudentFile = new LinkedHashMap<>();
            Map<String, List<String>> byOtherPackage = new LinkedHashMap<>();
            for (Diagnostic<? extends JavaFileObject> d : errors) {
                String rel = studentRelative(labTree, d);
                if (rel != null && student.contains(rel)) {
                    byStudentFile.computeIfAbsent(rel, k -> new ArrayList<>()).add(describe(d));
                } else if (rel != null && rel.startsWith(Course.LABS_MAIN_JAVA + "/")) {
                    byOtherPackage.computeIfAbsent(Course.packageOf(rel.substring(Course.LABS_MAIN_JAVA.length() + 1)),
                            k -> new ArrayList<>()).add(describe(d));
                } else {
                    throw new IllegalStateException("the pristine lab does not compile: " + describe(d));
                }
            }
            for (Map.Entry<String, List<String>> e : byStudentFile.entrySet()) {
                revert(labTree, e.getKey(), student);
                revertedFiles.put(e.getKey(), join(e.getValue()));
            }
            if (byStudentFile.isEmpty()) {
                for (Map.Entry<String, List<String>> e : byOtherPackage.entrySet()) {
                    List<String> mine = student.stream().filter(rel -> inPackage(rel, e.getKey())).toList();
                    if (mine.isEmpty()) {
                        throw new IllegalStateException("the pristine lab does not compile: " + join(e.getValue()));
                    }
                    for (String rel : mine) {
                        revert(labTree, rel, student);
                    }
                    revertedPackages.put(e.getKey(), "your changes break the lab's own files (did you change a"
                            + " signature?); the whole package was graded as the stubs: " + join(e.getValue()));
                }
            }
        }
        return new Result(revertedFiles, revertedPackages, studentClassNames(student));
    }

    private static Set<String> studentClassNames(Set<String> student) {
        Set<String> studentClasses = new TreeSet<>();
        for (String rel : student) {
            if (rel.startsWith(Course.LABS_MAIN_JAVA + "/") && rel.endsWith(".java")) {
                String path = rel.substring(Course.LABS_MAIN_JAVA.length() + 1);
                studentClasses.add(path.substring(0, path.length() - ".java".length()).replace('/', '.'));
            }
        }
        return studentClasses;
    }

    /** Compiles sources into {@code out}; returns the errors (none = success). */
    List<Diagnostic<? extends JavaFileObject>> javac(List<Path> sources, Path out) throws IOException {
        return javac(sources, out, null);
    }

    /** As above, with {@code extra} (may be null) on the class path before the grading class path. */
    List<Diagnostic<? extends JavaFileObject>> javac(List<Path> sources, Path out, String extra) throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        if (compiler == null) {
            throw new IllegalStateException("no Java compiler in this runtime: run the batch grader on a JDK");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            String cp = out + File.pathSeparator + (extra == null ? "" : extra + File.pathSeparator) + classpath;
            List<String> options = List.of("-d", out.toString(), "-classpath", cp,
                    "--release", "17", "-proc:none", "-implicit:none", "-nowarn", "-encoding", "UTF-8");
            compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources))
                    .call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR).toList();
    }

    private static List<Path> javaFiles(Path labTree, String pkg) throws IOException {
        Path dir = labTree.resolve("java").resolve(pkg.replace('.', '/'));
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }

    /** The course-relative path of the file a diagnostic points into, if it is in the lab tree. */
    private static String studentRelative(Path labTree, Diagnostic<? extends JavaFileObject> d) {
        if (d.getSource() == null) {
            return null;
        }
        Path file = Path.of(d.getSource().toUri()).toAbsolutePath().normalize();
        Path root = labTree.toAbsolutePath().normalize();
        return file.startsWith(root) ? Course.LABS_MAIN + "/" + root.relativize(file).toString().replace('\\', '/')
                : null;
    }

    /** "Sums.java:12: ';' expected" — the file name and the compiler's message, never a grader's source line. */
    private static String describe(Diagnostic<? extends JavaFileObject> d) {
        String file = d.getSource() == null ? "" : Path.of(d.getSource().toUri()).getFileName() + ":"
                + d.getLineNumber() + ": ";
        return file + d.getMessage(Locale.ROOT);
    }

    private static String join(List<String> messages) {
        List<String> shown = messages.subList(0, Math.min(MAX_MESSAGES, messages.size()));
        String more = messages.size() > MAX_MESSAGES ? "\n(" + (messages.size() - MAX_MESSAGES) + " more errors)" : "";
        return String.join("\n", shown) + more;
    }

    private static boolean inPackage(String rel, String pkg) {
        if (!rel.startsWith(Course.LABS_MAIN_JAVA + "/") || !rel.endsWith(".java")) {
            return false;
        }
        return Course.packageOf(rel.substring(Course.LABS_MAIN_JAVA.length() + 1)).equals(pkg);
    }

    /** Puts the stub back (or removes a file the student added) and forgets the student's version. */
    private void revert(Path labTree, String rel, Set<String> student) throws IOException {
        Path target = labTree.resolve(rel.substring(Course.LABS_MAIN.length() + 1));
        Path pristine = course.repo.resolve(rel);
        if (Files.exists(pristine)) {
            Files.copy(pristine, target, StandardCopyOption.REPLACE_EXISTING);
        } else {
            Files.deleteIfExists(target);
        }
        student.remove(rel);
    }
}
