package org.diffusionlab.grading.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Grades a synthetic class built from the fixture lab (src/test/resources/instructor-fixture/repo:
 * labs "toy" with exercises 1.1, 1.2 (one hidden test), 2.1 and lab "loops" with 3.1; 8 points) and
 * checks every student's exact points and the feedback that explains them.
 */
@Tag("slow")
class BatchGradeTest {

    static final String PKG = "org/diffusionlab/labs/";
    static Path fixture;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void locateFixture() throws URISyntaxException {
        fixture = Path.of(BatchGradeTest.class.getResource("/instructor-fixture/repo").toURI());
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    @DisplayName("a class of thirteen submissions gets exact points, each failure reported for its own student and test")
    void gradesSyntheticClass() throws Exception {
        SandboxAvailable.assume();
        Path subs = tmp.resolve("submissions");
        Map<String, Double> expected = writeSyntheticClass(subs);
        Path out = tmp.resolve("graded");
        long start = System.nanoTime();
        List<StudentResult> results = batch(subs, out, 2);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("graded %d submissions with 2 jobs in %.1f s%n", results.size(), seconds);
        assertEquals(expected, points(results), "points per student");

        assertFeedback(out, "carol", "2.1", "compile error in labs/src/main/java/" + PKG + "toy/Scale.java");
        assertFeedback(out, "carol", "2.1", "';' expected");
        assertFeedback(out, "dave", "3.1", "timed out");
        assertFeedback(out, "erin", "1.2", "System.exit(1)");
        assertFeedback(out, "frank", "2.1", "OutOfMemoryError");
        assertFeedback(out, "ivan", "1.1", "StackOverflowError");
        assertFeedback(out, "mallory", "2.1", "SIGKILL");
        assertFeedback(out, "nina", "2.1", "Scale.java missing from the submission");
        assertFeedback(out, "oscar", "1.1", "did you change its signature?");
        assertFeedback(out, "bob", "1.1", "not implemented yet: TODO 1.1");
        // Grading.note texts reach the batch reports through the engine's own report in the forked JVM
        assertFeedback(out, "alice", "3.1", "grader's note: countUp was called with n = 4");
        String bob = Files.readString(out.resolve("bob/results.json"));
        assertTrue(bob.contains("\"extra_data\": {\"notes\": [\"grader's note: countUp was called with n = 4\"]}"),
                "a failed test keeps its note apart from the failure:\n" + bob);
        assertTrue(Files.readString(out.resolve("peggy/feedback.md")).contains("sandbox: memory: the sandboxed JVM"),
                "a worker that kills itself is reported:\n" + Files.readString(out.resolve("peggy/feedback.md")));

        String grace = Files.readString(out.resolve("grace/results.json"));
        assertTrue(grace.contains("\"visibility\": \"after_due_date\""), "the hidden test keeps its visibility:\n" + grace);
        assertTrue(grace.contains("\"score\": 4,\n  \"max_score\": 8"), grace);
        for (StudentResult r : results) {
            String json = Files.readString(out.resolve(r.student()).resolve("results.json"));
            assertFalse(json.contains("HIDDEN-GRADER-SECRET") || json.contains("SumsHiddenGrader.java:"),
                    "feedback never shows a grader's source: " + r.student());
        }
        long kept = Files.size(out.resolve("nina/output.txt"));
        assertTrue(kept < 70_000, "console output is capped at 64 KB, kept " + kept + " bytes");

        List<String> gradebook = Files.readAllLines(out.resolve("gradebook.csv"));
        // columns are lab-qualified (exercise ids repeat across labs) and ordered by lab, then id
        assertEquals("student,loops 3.1,toy 1.1,toy 1.2,toy 2.1,total,problems", gradebook.get(0));
        assertTrue(gradebook.contains("alice,1,2,3,2,8,"), String.join("\n", gradebook));
        assertTrue(gradebook.stream().anyMatch(l -> l.startsWith("grace,1,1,2,0,4,")), String.join("\n", gradebook));
        assertEquals(1 + expected.size(), gradebook.size(), "one row per student");
    }

    /** Thirteen kinds of submission, one student each; returns every student's exact expected points. */
    static Map<String, Double> writeSyntheticClass(Path subs) throws IOException {
        Files.createDirectories(subs);
        String sums = solution("toy/Sums.java");
        String scale = solution("toy/Scale.java");
        String count = solution("loops/Count.java");

        // Whole repository, with the student's own (ignored) tests, a fake grader and a pom.
        Path alice = subs.resolve("alice");
        writeLab(alice.resolve("labs/src/main/java"), sums, scale, count);
        write(alice.resolve("labs/src/test/java/" + PKG + "toy/MyTest.java"), "package org.diffusionlab.labs.toy; class MyTest {}");
        write(alice.resolve("labs/pom.xml"), "<project/>");
        write(alice.resolve("src/main/java/org/diffusionlab/data/Datasets.java"), "package org.diffusionlab.data; broken");
        // The untouched stubs, as the labs/ folder only.
        Path bob = subs.resolve("bob");
        writeLab(bob.resolve("labs/src/main/java"), stub("toy/Sums.java"), stub("toy/Scale.java"), stub("loops/Count.java"));
        // A syntax error in one file: only that file's exercise (2.1) is lost.
        writeLab(subs.resolve("carol"), sums, scale.replace("return m.scale(factor);", "return m.scale(factor)"), count);
        // An infinite loop in 3.1.
        writeLab(subs.resolve("dave"), sums, scale, count.replace("i++", "i += 0"));
        // System.exit in mean: both 1.2 tests fail, the JVM survives.
        writeLab(subs.resolve("erin"), sums.replace("if (values.length == 0) {", "System.exit(1);\n        if (values.length == 0) {"),
                scale, count);
        // Out of memory in 2.1.
        writeLab(subs.resolve("frank"), sums, scale.replace("return m.scale(factor);",
                "java.util.List<long[]> hog = new java.util.ArrayList<>();\n"
                        + "        while (true) { hog.add(new long[1 << 20]); if (hog.size() < 0) { return m; } }"), count);
        // Partly right: sum fails on {}, mean lacks the empty check (hidden test), scale is a stub.
        writeLab(subs.resolve("grace"),
                sums.replace("double total = 0.0;\n        for (double v : values) {\n            total += v;\n        }",
                                "double total = values[0];\n        for (int i = 1; i < values.length; i++) {\n"
                                        + "            total += values[i];\n        }")
                        .replace("if (values.length == 0) {\n            throw new IllegalArgumentException(\"values must not be empty\");\n        }\n", ""),
                stub("toy/Scale.java"), count);
        // A zip of loose .java files, with a pom and a fake always-passing grader (both ignored).
        zip(subs.resolve("heidi.zip"), Map.of("Sums.java", sums, "Scale.java", scale, "Count.java", count,
                "pom.xml", "<project/>", "SumsGrader.java",
                "package org.diffusionlab.labs.toy; class SumsGrader {}"));
        // Unbounded recursion in sum: 1.1 and the visible 1.2 test fail; the hidden one passes.
        writeLab(subs.resolve("ivan"), sums.replace("double total = 0.0;", "double total = sum(values);"), scale, count);
        // Kills its own JVM while 2.1 runs: the JVM is restarted for the remaining tests.
        writeLab(subs.resolve("mallory"), sums, scale.replace("return m.scale(factor);",
                "try {\n            new ProcessBuilder(\"kill\", \"-9\", Long.toString(ProcessHandle.current().pid()))"
                        + ".start().waitFor();\n        } catch (Exception e) {\n            throw new RuntimeException(e);\n        }\n"
                        + "        return m.scale(factor);"), count);
        // Scale.java missing; Count floods the console.
        Path nina = subs.resolve("nina");
        write(nina.resolve(PKG + "toy/Sums.java"), sums);
        write(nina.resolve(PKG + "loops/Count.java"), count.replace("int[] out = new int[n];",
                "for (int k = 0; k < 200_000; k++) {\n            System.out.println(\"flooding the console \" + k);\n        }\n"
                        + "        int[] out = new int[n];"));
        // A changed signature: the graders' calls of sum find no such method (1.1 and the mean tests that
        // need it fail, with a message saying so); Scale and Count still count, and so does the one mean
        // test that `return 0` happens to satisfy.
        writeLab(subs.resolve("oscar"), sums.replace("sum(double[] values)", "sum(float[] values)")
                .replace("return sum(values) / values.length;", "return 0;"), scale, count);

        // Tries to forge a passing result in the grading log (there is none in its sandbox: only its own
        // private /tmp), then kills its JVM; a fresh worker has no marker file, so it dies on every call.
        writeLab(subs.resolve("peggy"), sums.replace("double total = 0.0;", String.join("\n",
                "if (!java.nio.file.Files.exists(java.nio.file.Path.of(\"forged.mark\"))) {",
                "    try (var logs = java.nio.file.Files.list(java.nio.file.Path.of(\".\"))) {",
                "        java.nio.file.Files.writeString(java.nio.file.Path.of(\"forged.mark\"), \"x\");",
                "        for (var log : logs.filter(f -> f.toString().endsWith(\".log\")).toList()) {",
                "            java.nio.file.Files.writeString(log, \"RESULT\\torg.diffusionlab.labs.toy.SumsGrader#sumOfSeveral()"
                        + "\\tPASS\\t\\tdeadbeef\\n\", java.nio.file.StandardOpenOption.APPEND);",
                "        }",
                "        new ProcessBuilder(\"kill\", \"-9\", Long.toString(ProcessHandle.current().pid())).start().waitFor();",
                "    } catch (Exception e) {",
                "        throw new RuntimeException(e);",
                "    }",
                "}",
                "double total = 0.0;")), scale, count);

        Map<String, Double> expected = new LinkedHashMap<>();
        expected.put("alice", 8.0);
        expected.put("bob", 0.0);
        expected.put("carol", 6.0);
        expected.put("dave", 7.0);
        expected.put("erin", 5.0);
        expected.put("frank", 6.0);
        expected.put("grace", 4.0);
        expected.put("heidi", 8.0);
        expected.put("ivan", 4.0);
        expected.put("mallory", 6.0);
        expected.put("nina", 6.0);
        expected.put("oscar", 4.0);
        expected.put("peggy", 4.0);
        return expected;
    }

    static Map<String, Double> points(List<StudentResult> results) {
        return results.stream().collect(Collectors.toMap(StudentResult::student, StudentResult::score, (a, b) -> a,
                LinkedHashMap::new));
    }

    static List<StudentResult> batch(Path subs, Path out, int jobs) throws Exception {
        BatchGrade batch = new BatchGrade();
        new CommandLine(batch).parseArgs("--repo", fixture.toString(), "--submissions", subs.toString(),
                "--out", out.toString(), "--jobs", Integer.toString(jobs), "--timeout-seconds", "60",
                "--memory-mb", "96", "--test-timeout-seconds", "2", "--classpath", gradingClasspath());
        return batch.gradeClass();
    }

    /** This JVM's class path (core classes, their dependencies, JUnit) plus the launcher Surefire brings. */
    static String gradingClasspath() throws ClassNotFoundException, URISyntaxException {
        Path launcher = Path.of(Class.forName("org.junit.platform.launcher.core.LauncherFactory")
                .getProtectionDomain().getCodeSource().getLocation().toURI());
        return System.getProperty("java.class.path") + File.pathSeparator + launcher;
    }

    private static void assertFeedback(Path out, String student, String exercise, String text) throws IOException {
        String json = Files.readString(out.resolve(student).resolve("results.json"));
        boolean found = json.lines().filter(l -> l.contains("\"number\": \"" + exercise + "\""))
                .anyMatch(l -> l.contains(text.replace("\"", "\\\"")));
        assertTrue(found, student + "'s feedback for " + exercise + " should mention \"" + text + "\":\n" + json);
    }

    static String solution(String file) throws IOException {
        return Files.readString(fixture.resolve("solutions/src/main/java/" + PKG + file));
    }

    static String stub(String file) throws IOException {
        return Files.readString(fixture.resolve("labs/src/main/java/" + PKG + file));
    }

    /** Writes Sums, Scale and Count under {@code root} by package path. */
    static void writeLab(Path root, String sums, String scale, String count) throws IOException {
        write(root.resolve(PKG + "toy/Sums.java"), sums);
        write(root.resolve(PKG + "toy/Scale.java"), scale);
        write(root.resolve(PKG + "loops/Count.java"), count);
    }

    static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    static void zip(Path file, Map<String, String> entries) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }
}
