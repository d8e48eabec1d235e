package org.diffusionlab.grading.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.diffusionlab.grading.SecretLines;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReleaseTest {

    @TempDir
    Path tmp;
    Path repo;

    /** An instructor repository: the fixture lab plus everything a release must leave out. */
    @BeforeEach
    void instructorRepo() throws IOException, URISyntaxException {
        repo = tmp.resolve("repo");
        Path fixture = Path.of(ReleaseTest.class.getResource("/instructor-fixture/repo").toURI());
        SubmissionGrader.copyTree(fixture, repo);
        write("pom.xml", "<project/>");
        write("README.md", "# Diffusion Lab\nRun mvn test.\n");
        write("labs/pom.xml", "<project/>");
        write("solutions/pom.xml", "<project/>");
        write("src/main/java/org/diffusionlab/Core.java", "package org.diffusionlab;\nclass Core {\n"
                + "    // shared with a solution: not a secret, students get the core anyway\n"
                + "        for (int i = 0; i < n; i++) {\n}\n");
        write("src/test/java/org/diffusionlab/CoreTest.java", "class CoreTest {}");
        write(".git/config", "[core]");
        write(".ci/run", "mvn verify");
        write("bench/Bench.java", "class Bench {}");
        write("outputs/loss.png", "png");
        write("labs/target/classes/org/diffusionlab/labs/toy/Sums.class", "bytes");
        write("instructor/batch-grade.sh", "#!/bin/sh");
        write("grader/pom.xml", "<project/>");
        Path workflow = Path.of(System.getProperty("user.dir")).getParent().resolve(Release.CLASSROOM_WORKFLOW);
        write(Release.CLASSROOM_WORKFLOW, Files.readString(workflow));
    }

    @Test
    @DisplayName("the release carries the GitHub Classroom workflow: valid YAML that grades, reports the points and the summary")
    void classroomWorkflow() throws IOException {
        Path out = tmp.resolve("release");
        assertEquals(0, run(out));
        Path workflow = out.resolve(".github/workflows/classroom.yml");
        assertTrue(Files.isRegularFile(workflow), "the release has .github/workflows/classroom.yml");
        Map<?, ?> yaml = new org.yaml.snakeyaml.Yaml().load(Files.readString(workflow));
        Map<?, ?> job = (Map<?, ?>) ((Map<?, ?>) yaml.get("jobs")).get("run-autograding-tests");
        List<?> steps = (List<?>) job.get("steps");
        String all = steps.toString();
        assertTrue(all.contains("mvn -B -ntp test") && all.contains("ClassroomReport") && all.contains("GITHUB_STEP_SUMMARY"),
                "grades, converts the points and writes the summary: " + all);
        Map<?, ?> reporter = (Map<?, ?>) steps.get(steps.size() - 1);
        assertEquals("classroom-resources/autograding-grading-reporter@v1", reporter.get("uses"));
        assertEquals("labs", ((Map<?, ?>) reporter.get("with")).get("runners"));
        assertTrue(((Map<?, ?>) reporter.get("env")).containsKey("LABS_RESULTS"), "the reporter reads LABS_RESULTS");
    }

    @Test
    @DisplayName("the release holds the labs, visible graders and build, and none of the instructor's material")
    void releaseLeavesOutInstructorMaterial() throws IOException {
        Path out = tmp.resolve("release");
        assertEquals(0, run(out), "release of a clean repo");

        Set<String> files = relativeFiles(out);
        assertTrue(files.containsAll(List.of("pom.xml", "README.md", "labs/pom.xml",
                "labs/src/main/java/org/diffusionlab/labs/toy/Sums.java",
                "labs/src/test/java/org/diffusionlab/labs/toy/SumsGrader.java",
                "src/main/java/org/diffusionlab/Core.java")), files.toString());
        for (String f : files) {
            for (String banned : List.of("solutions/", "labs/src/hidden-test/", ".git/", ".ci/", "bench/", "outputs/",
                    "instructor/", "src/test/", "grader/")) {
                assertFalse(f.startsWith(banned), f + " must not be released");
            }
            assertFalse(f.contains("target/"), f + ": build output must not be released");
        }
        assertEquals(Files.readString(repo.resolve("labs/src/main/java/org/diffusionlab/labs/toy/Sums.java")),
                Files.readString(out.resolve("labs/src/main/java/org/diffusionlab/labs/toy/Sums.java")));

        Set<String> zipped = new TreeSet<>();
        try (ZipFile zip = new ZipFile(tmp.resolve("release.zip").toFile())) {
            zip.stream().forEach(e -> zipped.add(e.getName().substring("release/".length())));
        }
        assertEquals(files, zipped, "the zip holds exactly the release folder");
    }

    @Test
    @DisplayName("a solution line anywhere in the release rejects it, naming the file, the line and the origin")
    void solutionTextRejectsTheRelease() throws IOException {
        write("README.md", "# Notes\n    return sum(values) / values.length;\n");
        Path out = tmp.resolve("release");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = run(out);
        } finally {
            System.setErr(old);
        }
        String report = err.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, report);
        assertTrue(report.contains("README.md:2: secret line from solutions/src/main/java/org/diffusionlab/labs/toy/Sums.java:"),
                report);
        assertFalse(Files.exists(tmp.resolve("release.zip")), "no zip for a rejected release");
    }

    @Test
    @DisplayName("hidden grader text in the release rejects it; lines shared with the core do not")
    void hiddenGraderTextRejectsTheRelease() throws IOException {
        write("docs/grading-notes.md", "Hidden check:\n"
                + "assertThrows(IllegalArgumentException.class, () -> Sums.mean(new double[0]),\n"
                + "for (int i = 0; i < n; i++) {\n");
        List<String> leaks = leaksOf(tmp.resolve("release"));
        assertEquals(1, leaks.size(), leaks.toString());
        assertTrue(leaks.get(0).startsWith("docs/grading-notes.md:2: secret line from "
                + "labs/src/hidden-test/java/org/diffusionlab/labs/toy/SumsHiddenGrader.java:"), leaks.toString());
    }

    @Test
    @DisplayName("the solutions of the fixture hold secret lines, so the check can fail")
    void secretsAreFound() throws IOException {
        assertTrue(Release.secretLines(repo).contains("return sum(values) / values.length;"));
        assertFalse(Release.secretLines(repo).contains("for (int i = 0; i < n; i++) {"),
                "a line the core contains is not secret");
    }

    @Test
    @DisplayName("loop headers and plain returns in a solution are boilerplate a visible grader may share, not secrets")
    void boilerplateIsNotSecret() throws IOException {
        write("solutions/src/main/java/org/diffusionlab/labs/toy/Loss.java", "class Loss {\n"
                + "    // BEGIN SOLUTION\n"
                + "    for (int j = 0; j < 2; j++) {\n"
                + "    return loss.value();\n"
                + "    double total = loss.value() * weight[j];\n"
                + "    // END SOLUTION\n}\n");
        SecretLines secrets = Release.secretLines(repo);
        assertFalse(secrets.contains("for (int j = 0; j < 2; j++) {"), "a loop header");
        assertFalse(secrets.contains("return loss.value();"), "a plain return");
        assertTrue(secrets.contains("double total = loss.value() * weight[j];"), "a computation");
    }

    private List<String> leaksOf(Path out) throws IOException {
        Release.copy(repo, out, new ArrayList<>(Release.EXCLUDED));
        return Release.leaks(repo, out);
    }

    private int run(Path out) {
        return new CommandLine(new Release()).execute("--repo", repo.toString(), "--out", out.toString());
    }

    private void write(String rel, String text) throws IOException {
        Path file = repo.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private static Set<String> relativeFiles(Path dir) throws IOException {
        Set<String> out = new TreeSet<>();
        for (Path f : Course.list(dir)) {
            out.add(dir.relativize(f).toString().replace('\\', '/'));
        }
        return out;
    }
}
