package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabGeneratorTest {

    static final String SOLUTION = String.join("\n",
            "package org.diffusionlab.labs.spiral;",
            "",
            "public final class Forward {",
            "    /** x_t = sqrt(alphaBar_t) x0 + sqrt(1 - alphaBar_t) eps. */",
            "    public static double qSample(double x0, double alphaBar, double eps) {",
            "        // BEGIN SOLUTION throw new UnsupportedOperationException(\"TODO 3.1: compute x_t\");",
            "        double signal = Math.sqrt(alphaBar) * x0;",
            "        return signal + Math.sqrt(1 - alphaBar) * eps;",
            "        // END SOLUTION",
            "    }",
            "",
            "    static int helper() {",
            "      // BEGIN SOLUTION",
            "      int unusedButSecretHelperValue = 42;",
            "      // END SOLUTION",
            "        return 0;",
            "    }",
            "}",
            "");

    static final String LAB = String.join("\n",
            "package org.diffusionlab.labs.spiral;",
            "",
            "public final class Forward {",
            "    /** x_t = sqrt(alphaBar_t) x0 + sqrt(1 - alphaBar_t) eps. */",
            "    public static double qSample(double x0, double alphaBar, double eps) {",
            "        throw new UnsupportedOperationException(\"TODO 3.1: compute x_t\");",
            "    }",
            "",
            "    static int helper() {",
            "        return 0;",
            "    }",
            "}",
            "");

    @Test
    @DisplayName("a region becomes its stub at the BEGIN marker's indentation; without stub text it vanishes")
    void replacesRegions() throws Exception {
        assertEquals(LAB, LabGenerator.generate(SOLUTION, "Forward.java"));
    }

    @Test
    @DisplayName("a region the predicate keeps stays solved, without its marker lines (IsolationCheck's variants)")
    void keepsChosenRegions() throws Exception {
        String solved = LabGenerator.generate(SOLUTION, "Forward.java", stub -> stub != null && stub.contains("TODO 3.1"));
        assertTrue(solved.contains("        double signal = Math.sqrt(alphaBar) * x0;\n"), solved);
        assertFalse(solved.contains("SOLUTION") || solved.contains("TODO 3.1") || solved.contains("unusedButSecretHelperValue"), solved);
        String helper = LabGenerator.generate(SOLUTION, "Forward.java", stub -> stub == null);
        assertTrue(helper.contains("TODO 3.1") && helper.contains("      int unusedButSecretHelperValue = 42;"), helper);
    }

    @Test
    @DisplayName("CRLF line endings, a missing final newline and files without markers are kept as they are")
    void keepsLineEndings() throws Exception {
        String crlf = SOLUTION.replace("\n", "\r\n");
        assertEquals(LAB.replace("\n", "\r\n"), LabGenerator.generate(crlf, "F"));
        assertEquals("a\nb", LabGenerator.generate("a\nb", "F"));
        assertEquals("", LabGenerator.generate("", "F"));
    }

    @Test
    @DisplayName("nested, unbalanced and malformed markers fail with file:line")
    void badMarkers() {
        assertMarkerError("a\n// BEGIN SOLUTION\nb\n  // BEGIN SOLUTION\n// END SOLUTION\n", "F.java:4: BEGIN SOLUTION inside the region opened at line 2");
        assertMarkerError("a\n// END SOLUTION\n", "F.java:2: END SOLUTION without a BEGIN SOLUTION");
        assertMarkerError("a\n\n  // BEGIN SOLUTION stub();\nb\n", "F.java:3: BEGIN SOLUTION is never closed");
        assertMarkerError("x\n//BEGIN SOLUTIONS\n", "F.java:2: malformed marker");
        assertMarkerError("x = 1; // END SOLUTION\n", "F.java:1: malformed marker");
    }

    private static void assertMarkerError(String text, String start) {
        LabGenerator.MarkerException e = assertThrows(LabGenerator.MarkerException.class,
                () -> LabGenerator.generate(text, "F.java"));
        assertTrue(e.getMessage().startsWith(start), e.getMessage());
    }

    /** A repository with solutions/src/main and labs/src/main under {@code root}. */
    static void repo(Path root) throws IOException {
        Path sol = root.resolve("solutions/src/main/java/org/diffusionlab/labs/spiral");
        Files.createDirectories(sol);
        Files.writeString(sol.resolve("Forward.java"), SOLUTION);
        Files.writeString(sol.resolve("Plain.java"), "class Plain {}\n");
        Path res = root.resolve("solutions/src/main/resources");
        Files.createDirectories(res);
        Files.write(res.resolve("icon.bin"), new byte[] {(byte) 0x89, 'P', 0, (byte) 0xff});
        Files.createDirectories(root.resolve("labs/src/test/java"));
        Files.writeString(root.resolve("labs/src/test/java/GraderTest.java"), "class GraderTest {}\n");
    }

    static int main(Path root, StringBuilder stderr, String... args) throws IOException {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] full = new String[args.length + 4];
        System.arraycopy(args, 0, full, 0, args.length);
        full[args.length] = "--solutions";
        full[args.length + 1] = root.resolve("solutions/src/main").toString();
        full[args.length + 2] = "--labs";
        full[args.length + 3] = root.resolve("labs/src/main").toString();
        int code = LabGenerator.main(full, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        stderr.append(err.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    @DisplayName("generate writes the labs tree (binary files byte for byte), after which --check passes")
    void generateThenCheck(@TempDir Path root) throws IOException {
        repo(root);
        StringBuilder err = new StringBuilder();
        assertEquals(1, main(root, err, "--check"), "labs not generated yet must fail");
        assertTrue(err.toString().contains("Forward.java: missing"), err.toString());
        assertEquals(0, main(root, new StringBuilder()));
        Path labs = root.resolve("labs/src/main");
        assertEquals(LAB, Files.readString(labs.resolve("java/org/diffusionlab/labs/spiral/Forward.java")));
        assertEquals("class Plain {}\n", Files.readString(labs.resolve("java/org/diffusionlab/labs/spiral/Plain.java")));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 0, (byte) 0xff}, Files.readAllBytes(labs.resolve("resources/icon.bin")));
        StringBuilder ok = new StringBuilder();
        assertEquals(0, main(root, ok, "--check"), ok.toString());
    }

    @Test
    @DisplayName("--check names a labs file edited by hand with its first differing line; generate repairs it")
    void detectsDrift(@TempDir Path root) throws IOException {
        repo(root);
        main(root, new StringBuilder());
        Path plain = root.resolve("labs/src/main/java/org/diffusionlab/labs/spiral/Plain.java");
        Files.writeString(plain, "class Plain { int x; }\n");
        StringBuilder err = new StringBuilder();
        assertEquals(1, main(root, err, "--check"));
        assertTrue(err.toString().contains("Plain.java: differs from what LabGenerator generates (first difference at line 1: "
                + "labs has 'class Plain { int x; }', expected 'class Plain {}')"), err.toString());
        assertEquals(0, main(root, new StringBuilder()));
        assertEquals("class Plain {}\n", Files.readString(plain));
    }

    @Test
    @DisplayName("--check fails on solution code leaked into labs, on markers anywhere under labs/src, and on extra files")
    void detectsLeaks(@TempDir Path root) throws IOException {
        repo(root);
        main(root, new StringBuilder());
        Path forward = root.resolve("labs/src/main/java/org/diffusionlab/labs/spiral/Forward.java");
        Files.writeString(forward, LAB.replace("        throw new UnsupportedOperationException(\"TODO 3.1: compute x_t\");",
                "        return signal + Math.sqrt(1 - alphaBar) * eps;"));
        Files.writeString(root.resolve("labs/src/test/java/GraderTest.java"), "class GraderTest {}\n// END SOLUTION\n");
        Files.writeString(root.resolve("labs/src/main/java/Extra.java"), "class Extra {}\n");
        StringBuilder err = new StringBuilder();
        assertEquals(1, main(root, err, "--check"));
        String e = err.toString();
        assertTrue(e.contains("Forward.java:6: solution code leaked into labs: return signal + Math.sqrt(1 - alphaBar) * eps;"), e);
        assertTrue(e.contains("GraderTest.java:2: solution marker in labs: // END SOLUTION"), e);
        assertTrue(e.contains("Extra.java: not generated from"), e);
        assertEquals(0, main(root, new StringBuilder()), "generate deletes the extra file and rewrites Forward");
        assertFalse(Files.exists(root.resolve("labs/src/main/java/Extra.java")));
    }

    @Test
    @DisplayName("short or shared lines are not leaks: only SecretLines' non-trivial solution-only lines count")
    void leakHeuristic(@TempDir Path root) throws IOException {
        repo(root);
        main(root, new StringBuilder());
        Path plain = root.resolve("labs/src/main/java/org/diffusionlab/labs/spiral/Plain.java");
        // "return 0;" is short, the Javadoc line also appears outside the regions: neither is a leak
        Files.writeString(plain, "class Plain {}\nreturn 0;\n/** x_t = sqrt(alphaBar_t) x0 + sqrt(1 - alphaBar_t) eps. */\n");
        StringBuilder err = new StringBuilder();
        assertEquals(1, main(root, err, "--check"));
        assertFalse(err.toString().contains("leaked"), err.toString());
        assertTrue(err.toString().contains("Plain.java: differs"), err.toString());
    }

    @Test
    @DisplayName("marker errors in solutions fail both modes and nothing is written")
    void markerErrorsStopGeneration(@TempDir Path root) throws IOException {
        repo(root);
        Files.writeString(root.resolve("solutions/src/main/java/Bad.java"), "a\n// BEGIN SOLUTION\n");
        StringBuilder err = new StringBuilder();
        assertEquals(1, main(root, err));
        assertTrue(err.toString().contains("Bad.java:2: BEGIN SOLUTION is never closed"), err.toString());
        assertFalse(Files.exists(root.resolve("labs/src/main")));
    }

    @Test
    @DisplayName("bad usage exits 2 with a message naming the option")
    void usage(@TempDir Path root) throws IOException {
        StringBuilder unknown = new StringBuilder();
        assertEquals(2, main(root, unknown, "--frobnicate"));
        assertTrue(unknown.toString().contains("Unknown option: '--frobnicate'"), unknown.toString());
        StringBuilder missing = new StringBuilder();
        assertEquals(2, main(root, missing), "no solutions directory");
        assertTrue(missing.toString().contains("--solutions " + root.resolve("solutions/src/main") + " is invalid: no directory"),
                missing.toString());
    }
}
