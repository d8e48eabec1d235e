package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GradeCheck on the fixture reports in src/test/resources/grading and on edited copies of them. */
class GradeCheckTest {

    @TempDir
    Path root;

    static String fixture(String which) throws IOException {
        try (InputStream in = GradeCheckTest.class.getResourceAsStream("/grading/" + which + "/results.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Writes the fixture reports, each passed through an edit, and runs GradeCheck's main on them. */
    String run(int expectedExit, UnaryOperator<String> labsEdit, UnaryOperator<String> solutionsEdit, String... extra)
            throws IOException {
        for (String which : new String[] {"labs", "solutions"}) {
            Path dir = root.resolve(which + "/target/grades");
            Files.createDirectories(dir);
            String json = (which.equals("labs") ? labsEdit : solutionsEdit).apply(fixture(which));
            if (json != null) {
                Files.writeString(dir.resolve("results.json"), json);
            }
        }
        String[] args = new String[extra.length + 4];
        args[0] = "--labs";
        args[1] = root.resolve("labs/target/grades").toString();
        args[2] = "--solutions";
        args[3] = root.resolve("solutions/target/grades").toString();
        System.arraycopy(extra, 0, args, 4, extra.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = GradeCheck.main(args, new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(expectedExit, code, printed);
        return printed;
    }

    @Test
    @DisplayName("full marks for solutions and zero for stubs pass, with a per-exercise table")
    void valid() throws IOException {
        String out = run(0, s -> s, s -> s);
        assertTrue(out.contains("solutions: 5 / 5 points, 4 of 4 automatic tests passed"), out);
        assertTrue(out.contains("labs:      0 / 5 points, 4 of 4 automatic tests failed on the stubs"), out);
        assertTrue(out.matches("(?s).*\\nspiral 2\\.1 +2 +2\\.5 +2\\.5 +0\\n.*"), out);
        assertTrue(out.matches("(?s).*\\nspiral 7\\.1 +1 +manual +- +-\\n.*"), out);
        assertTrue(out.contains("GradeCheck: OK"), out);
    }

    @Test
    @DisplayName("a solution that fails a test is reported with the test and its feedback")
    void solutionFails() throws IOException {
        String out = run(1, s -> s, s -> s.replace("\"score\": 5,", "\"score\": 3,").replace(
                "\"number\": \"3.1\", \"score\": 2, \"max_score\": 2, \"status\": \"passed\", \"output\": \"passed\"",
                "\"number\": \"3.1\", \"score\": 0, \"max_score\": 2, \"status\": \"failed\", \"output\": \"x_t is wrong\\nmore\""));
        assertTrue(out.contains("solutions: score 3 is not full marks (5)"), out);
        assertTrue(out.contains("solutions: spiral 3.1 'qSample matches the reference' fails on the solution: x_t is wrong"), out);
    }

    @Test
    @DisplayName("a grader that passes on the untouched stub gives free points and fails the check")
    void freePoints() throws IOException {
        String out = run(1, s -> s.replace("\"score\": 0,\n  \"max_score\": 5", "\"score\": 0.5,\n  \"max_score\": 5").replace(
                "\"number\": \"5.1\", \"score\": 0, \"max_score\": 0.5, \"status\": \"failed\"",
                "\"number\": \"5.1\", \"score\": 0.5, \"max_score\": 0.5, \"status\": \"passed\""), s -> s);
        assertTrue(out.contains("labs: the untouched stubs score 0.5, not 0"), out);
        assertTrue(out.contains("labs: spiral 5.1 'training lowers the loss' passes on the untouched stub: its 0.5 point(s) are free"), out);
    }

    @Test
    @DisplayName("a grader of a later exercise failing on an earlier stub fails, or warns with --allow-cross-exercise")
    void crossExercise() throws IOException {
        UnaryOperator<String> cross = s -> s.replace("not implemented yet: TODO 5.1: write the training loop",
                "not implemented yet: TODO 3.1: compute x_t");
        String out = run(1, cross, s -> s);
        assertTrue(out.contains("labs: spiral 5.1 'training lowers the loss' fails on the stub of TODO 3.1, not on its own exercise"), out);
        String lenient = run(0, cross, s -> s, "--allow-cross-exercise");
        assertTrue(lenient.contains("warning: labs: spiral 5.1 'training lowers the loss' fails on the stub of TODO 3.1"), lenient);
    }

    @Test
    @DisplayName("an exercise with only manual entries is fine, one with automatic tests but no points is not")
    void exerciseWithoutPoints() throws IOException {
        UnaryOperator<String> zero = s -> s.replace("\"number\": \"5.1\", \"score\": 0.5, \"max_score\": 0.5",
                "\"number\": \"5.1\", \"score\": 0, \"max_score\": 0").replace("\"number\": \"5.1\", \"score\": 0, \"max_score\": 0.5",
                "\"number\": \"5.1\", \"score\": 0, \"max_score\": 0").replace("\"max_score\": 5", "\"max_score\": 4.5")
                .replace("\"score\": 5,", "\"score\": 4.5,");
        String out = run(1, zero, zero);
        assertTrue(out.contains("exercise spiral 5.1 has automatic tests but 0 points"), out);
    }

    @Test
    @DisplayName("the two runs must grade the same tests")
    void mismatch() throws IOException {
        String out = run(1, s -> s.replace("\"name\": \"training lowers the loss\"", "\"name\": \"training runs\""), s -> s);
        assertTrue(out.contains("graded in solutions but not in labs: spiral 5.1 'training lowers the loss'"), out);
        assertTrue(out.contains("graded in labs but not in solutions: spiral 5.1 'training runs'"), out);
    }

    @Test
    @DisplayName("missing or broken reports fail with the file named; bad arguments exit 2")
    void missing() throws IOException {
        String out = run(1, s -> null, s -> "{\"score\": 1,");
        assertTrue(out.contains("labs: no report "), out);
        assertTrue(out.contains("solutions: cannot read "), out);
        assertTrue(out.contains("invalid JSON at offset"), out);
        assertFalse(out.contains("GradeCheck: OK"), out);
        String usage = run(2, s -> s, s -> s, "--bogus");
        assertTrue(usage.contains("Unknown option: '--bogus'"), usage);
    }

    @Test
    @DisplayName("exercise ids repeat across labs: the table and the checks keep them apart")
    void labsKeptApart() throws IOException {
        // a second lab with its own 2.1: its free point must be reported under its own name
        UnaryOperator<String> otherLab = s -> s.replace("{\"name\": \"beta_1 equals betaStart\"",
                "{\"name\": \"cosine beta_1\", \"number\": \"2.1\", \"score\": 0, \"max_score\": 1, \"status\": \"passed\", "
                        + "\"output\": \"passed\", \"visibility\": \"visible\", \"tags\": [\"lab:schedules\"]},\n    {\"name\": \"beta_1 equals betaStart\"");
        String out = run(1, otherLab, otherLab);
        assertTrue(out.contains("labs: schedules 2.1 'cosine beta_1' passes on the untouched stub"), out);
        assertTrue(out.contains("schedules 2.1"), out);
        assertTrue(out.contains("spiral 2.1"), out);
    }
}
