package org.diffusionlab.grading.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import java.util.stream.Stream;
import org.diffusionlab.grading.Json;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Gradescope bundle without Gradescope: {@code instructor/gradescope.sh} builds it, the test
 * unpacks it into a folder laid out like {@code /autograder}, runs its {@code build.sh} (what
 * {@code setup.sh} does after installing the JDK, Maven and bubblewrap) and then {@code run_autograder}
 * on four submissions — the solutions as loose files, the stubs as a zip, and two red-team
 * submissions as repositories — and checks each results.json's score and its fields against
 * Gradescope's specification.
 */
@Tag("slow")
class GradescopeBundleTest {

    static final Set<String> VISIBILITIES = Set.of("visible", "hidden", "after_due_date", "after_published");

    @TempDir
    static Path tmp;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    @DisplayName("run_autograder gives full marks, zero and the honest score, in Gradescope's results.json format")
    void bundleGradesLikeGradescope() throws Exception {
        SandboxAvailable.assume();
        Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        Path zip = tmp.resolve("autograder.zip");
        run(repo, tmp.resolve("bundle.log"), Map.of(), "bash", "instructor/gradescope.sh", zip.toString());
        Path root = tmp.resolve("autograder");
        Path source = unzip(zip, root.resolve("source"));
        assertTrue(Files.isRegularFile(source.resolve("setup.sh")) && Files.isRegularFile(source.resolve("run_autograder")));
        try (Stream<Path> files = Files.walk(source)) {
            assertTrue(files.noneMatch(f -> f.toString().contains("/repo/solutions/")), "the bundle holds no solutions");
        }
        run(source, tmp.resolve("build.log"), Map.of(), "bash", "build.sh");

        RedTeamTest.Attack direct = attack("direct-call");
        RedTeamTest.Attack exit = attack("exit-past-guard");
        record Case(String name, double expected) {}
        for (Case c : List.of(new Case("solutions", RedTeamTest.FULL), new Case("stubs", 0), new Case(direct.student(), direct.expected()),
                new Case(exit.student(), exit.expected()))) {
            Path submission = root.resolve("submission");
            SubmissionGrader.deleteTree(submission);
            Files.createDirectories(submission);
            switch (c.name()) {
                case "solutions" -> RedTeamTest.copy(repo.resolve("solutions/src/main"), submission.resolve("main"));
                case "stubs" -> zipTree(repo.resolve("labs/src/main"), submission.resolve("labs.zip"));
                default -> {
                    Path subs = tmp.resolve("attack-" + c.name());
                    RedTeamTest.writeClass(repo, subs, List.of(c.name().equals(direct.student()) ? direct : exit));
                    RedTeamTest.copy(subs.resolve(c.name()), submission);
                }
            }
            Files.deleteIfExists(root.resolve("results/results.json"));
            run(source, tmp.resolve("run-" + c.name() + ".log"), Map.of("AUTOGRADER_ROOT", root.toString()),
                    "bash", "run_autograder");
            String text = Files.readString(root.resolve("results/results.json"), StandardCharsets.UTF_8);
            Map<?, ?> json = assertInstanceOf(Map.class, Json.parse(text));
            assertEquals(c.expected(), ((Number) json.get("score")).doubleValue(), c.name() + "'s score:\n" + text);
            assertGradescopeFormat(json, c.name());
            if (c.name().equals("solutions")) {
                System.out.println("simulated Gradescope results.json for the solutions (first 1500 characters):\n"
                        + text.substring(0, Math.min(1500, text.length())));
            }
        }
    }

    static RedTeamTest.Attack attack(String name) {
        return RedTeamTest.attacks(Path.of("/nonexistent"), Path.of("/nonexistent"), Path.of("/nonexistent"), 9)
                .stream().filter(a -> a.student().equals(name)).findFirst().orElseThrow();
    }

    /** The fields and types Gradescope's autograder specification gives for results.json. */
    static void assertGradescopeFormat(Map<?, ?> json, String who) {
        assertInstanceOf(Number.class, json.get("score"), who + ": score");
        assertInstanceOf(Number.class, json.get("execution_time"), who + ": execution_time");
        assertInstanceOf(String.class, json.get("output"), who + ": output");
        assertEquals("md", json.get("output_format"), who + ": output_format");
        assertTrue(VISIBILITIES.contains(json.get("stdout_visibility")), who + ": stdout_visibility");
        List<?> tests = assertInstanceOf(List.class, json.get("tests"), who + ": tests");
        assertTrue(tests.size() > 100, who + ": every graded test is an entry");
        boolean manual = false;
        for (Object o : tests) {
            Map<?, ?> t = assertInstanceOf(Map.class, o);
            assertInstanceOf(String.class, t.get("name"), who + ": test name");
            assertInstanceOf(String.class, t.get("number"), who + ": test number");
            assertInstanceOf(Number.class, t.get("score"), who + ": test score");
            assertInstanceOf(Number.class, t.get("max_score"), who + ": test max_score");
            assertTrue(Set.of("passed", "failed").contains(t.get("status")), who + ": test status " + t.get("status"));
            assertInstanceOf(String.class, t.get("output"), who + ": test output");
            assertTrue(VISIBILITIES.contains(t.get("visibility")), who + ": test visibility " + t.get("visibility"));
            manual |= ((Number) t.get("max_score")).doubleValue() == 0;
        }
        assertTrue(manual, who + ": the reflections are entries worth 0 points, for manual grading");
    }

    static void run(Path dir, Path log, Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + Files.readString(log));
    }

    static Path unzip(Path zip, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                Path target = dir.resolve(e.getName()).normalize();
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(in, target);
                }
            }
        }
        return dir;
    }

    static void zipTree(Path from, Path zip) throws IOException {
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip)); Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new ZipEntry("labs/src/main/" + from.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }
}
