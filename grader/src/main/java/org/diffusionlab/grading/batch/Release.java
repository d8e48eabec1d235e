package org.diffusionlab.grading.batch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.diffusionlab.grading.SecretLines;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes the student release: a copy of the repository without what students must not get
 * ({@link #EXCLUDED}: solutions, hidden graders, instructor tooling and the trusted batch grader, CI,
 * benchmarks, build output, the core's own tests), then checks it for solution text and zips it. In the release the root pom's
 * {@code with-solutions} profile is inactive (no solutions/pom.xml), so plain {@code mvn test} grades
 * the labs.
 *
 * <p>The leak check ({@link SecretLines}, the heuristic {@code LabGenerator --check} uses too): every
 * non-trivial line inside a {@code // BEGIN SOLUTION} … {@code // END SOLUTION} region under solutions/
 * is secret unless the core library (src/main, which students get anyway) contains it too; so is every
 * non-trivial line of a hidden grader that is not also in the core, the visible graders or the lab
 * stubs. No file of the release may contain a secret line, have a path under solutions/, or carry the
 * name of a hidden grader.
 */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Write the student release (a folder and a .zip) and check it holds no solution text.")
public final class Release implements Callable<Integer> {

    /** Paths (relative to the repo root) never released; any folder named target/ is skipped too. */
    static final List<String> EXCLUDED = List.of("solutions", Course.HIDDEN_GRADERS, "instructor", "grader", ".git", ".ci",
            "bench", "outputs", "src/test", "grading/src/test", ".idea", ".vscode");

    /** The GitHub Classroom workflow the release carries as .github/workflows/classroom.yml. */
    static final String CLASSROOM_WORKFLOW = "instructor/classroom/classroom.yml";

    @Option(names = "--repo", defaultValue = ".", description = "Instructor repository root (default: ${DEFAULT-VALUE}).")
    Path repo;

    @Option(names = "--out", required = true, description = "Release folder to create; the zip is <out>.zip.")
    Path out;

    @Option(names = "--exclude", description = "Another repo-relative path to leave out (repeatable).")
    List<String> extraExcluded = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Release()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        Path root = repo.toAbsolutePath().normalize();
        Path dir = out.toAbsolutePath().normalize();
        Path zip = dir.resolveSibling(dir.getFileName() + ".zip");
        if (Files.exists(dir) && !Course.list(dir).isEmpty()) {
            throw new IllegalArgumentException("out must be a new or empty folder, got " + dir);
        }
        List<String> excluded = new ArrayList<>(EXCLUDED);
        excluded.addAll(extraExcluded);
        if (dir.startsWith(root)) {
            excluded.add(root.relativize(dir).toString().replace('\\', '/'));
            excluded.add(root.relativize(zip).toString().replace('\\', '/'));
        }
        int copied = copy(root, dir, excluded);
        // GitHub Classroom grades a student repository with this workflow (it lives under instructor/,
        // so that the instructor's own repository, whose stubs fail by design, does not run it)
        Path workflow = root.resolve(CLASSROOM_WORKFLOW);
        if (Files.isRegularFile(workflow)) {
            Path target = dir.resolve(".github/workflows/classroom.yml");
            Files.createDirectories(target.getParent());
            Files.copy(workflow, target);
            copied++;
        }
        List<String> leaks = leaks(root, dir);
        if (!leaks.isEmpty()) {
            System.err.println("RELEASE REJECTED: " + leaks.size() + " leak(s) of instructor material in " + dir);
            leaks.stream().limit(50).forEach(l -> System.err.println("  " + l));
            Files.deleteIfExists(zip);
            return 1;
        }
        zip(dir, zip);
        System.out.printf(Locale.ROOT, "release: %d files in %s, zipped to %s (%d KB); no solution text found%n",
                copied, dir, zip, Files.size(zip) / 1024);
        return 0;
    }

    static int copy(Path root, Path dir, List<String> excluded) throws IOException {
        int n = 0;
        for (Path file : Course.list(root)) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            if (isExcluded(rel, excluded)) {
                continue;
            }
            Path target = dir.resolve(rel);
            Files.createDirectories(target.getParent());
            Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES);
            n++;
        }
        return n;
    }

    static boolean isExcluded(String rel, List<String> excluded) {
        for (String e : excluded) {
            if (rel.equals(e) || rel.startsWith(e + "/")) {
                return true;
            }
        }
        String[] segments = rel.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            if (segments[i].equals("target")) {
                return true;
            }
        }
        return rel.endsWith(".iml");
    }

    /** Every way instructor material shows in the release, as "file:line: reason" lines (empty = clean). */
    static List<String> leaks(Path repo, Path release) throws IOException {
        SecretLines secrets = secretLines(repo);
        Set<String> hiddenNames = new HashSet<>();
        Path hidden = repo.resolve(Course.HIDDEN_GRADERS);
        if (Files.isDirectory(hidden)) {
            Course.list(hidden).forEach(f -> hiddenNames.add(f.getFileName().toString()));
        }
        List<String> leaks = new ArrayList<>();
        for (Path file : Course.list(release)) {
            String rel = release.relativize(file).toString().replace('\\', '/');
            if (rel.startsWith("solutions/")) {
                leaks.add(rel + ": a file under solutions/");
            }
            if (hiddenNames.contains(file.getFileName().toString())) {
                leaks.add(rel + ": has the name of a hidden grader");
            }
            List<String> lines = textLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String origin = secrets.originOf(lines.get(i));
                if (origin != null) {
                    leaks.add(rel + ":" + (i + 1) + ": secret line from " + origin);
                }
            }
        }
        return leaks;
    }

    /** The secret lines of the repository: solution regions and hidden graders, minus what students get anyway. */
    static SecretLines secretLines(Path repo) throws IOException {
        SecretLines secrets = new SecretLines();
        Path solutions = repo.resolve("solutions");
        if (!Files.isDirectory(solutions)) {
            return secrets;
        }
        for (Path file : Course.list(solutions)) {
            secrets.addRegions(relative(repo, file), String.join("\n", textLines(file)));
        }
        forgetLinesOf(repo.resolve("src/main"), secrets);
        Path hidden = repo.resolve(Course.HIDDEN_GRADERS);
        if (Files.isDirectory(hidden)) {
            SecretLines hiddenLines = new SecretLines();
            for (Path file : Course.list(hidden)) {
                hiddenLines.addAll(relative(repo, file), String.join("\n", textLines(file)));
            }
            // Lines the hidden graders share with what students see anyway are not secret.
            for (String open : List.of("src/main", Course.GRADERS, Course.LABS_MAIN)) {
                forgetLinesOf(repo.resolve(open), hiddenLines);
            }
            secrets.addAll(hiddenLines);
        }
        return secrets;
    }

    private static String relative(Path repo, Path file) {
        return repo.relativize(file).toString().replace('\\', '/');
    }

    private static void forgetLinesOf(Path dir, SecretLines secrets) throws IOException {
        if (Files.isDirectory(dir)) {
            for (Path file : Course.list(dir)) {
                secrets.forget(String.join("\n", textLines(file)));
            }
        }
    }

    /** The file's lines if it is UTF-8 text, else none (images, jars). */
    private static List<String> textLines(Path file) throws IOException {
        String text = SecretLines.text(Files.readAllBytes(file));
        return text == null ? List.of() : text.lines().toList();
    }

    /** Zips {@code dir} with its folder name as the top-level entry. */
    static void zip(Path dir, Path zip) throws IOException {
        String top = dir.getFileName().toString();
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os);
             Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(top + "/" + dir.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, z);
                z.closeEntry();
            }
        }
    }
}
