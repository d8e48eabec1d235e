package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MistakeCheck on the instructor fixture's toy lab: its ScaleGrader (2.1) and SumsGrader (1.1, 1.2). */
class MistakeCheckTest {

    @TempDir
    Path tmp;

    private static Path fixture() throws Exception {
        return Path.of(MistakeCheckTest.class.getResource("/instructor-fixture/repo").toURI());
    }

    private Path graders(Path solutions) throws Exception {
        List<Path> sources = new ArrayList<>(javaFiles(solutions));
        sources.addAll(javaFiles(fixture().resolve("labs/src/test/java")));
        sources.addAll(javaFiles(fixture().resolve("labs/src/hidden-test/java")));
        Path out = tmp.resolve("graders");
        new IsolationCheck.Compiler().compile(sources, out, "");
        return out;
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private MistakeCheck.Result run(String fixtureText) throws Exception {
        Path solutions = fixture().resolve("solutions/src/main");
        Path fixtures = Files.createDirectories(tmp.resolve("mistakes"));
        Files.writeString(fixtures.resolve("toy.txt"), fixtureText);
        return MistakeCheck.check(solutions, graders(solutions), fixtures, Set.of(), tmp.resolve("work"));
    }

    @Test
    @DisplayName("parse reads mistakes and variants with several edits and \\n line breaks; malformed entries are rejected")
    void parses() {
        List<MistakeCheck.Entry> e = MistakeCheck.parse("toy", """
                # comment
                mistake 2.1 | halved
                  file toy/Scale.java
                  find m.scale(factor)
                  with m.scale(factor / 2)
                  hint factor

                variant | two edits
                  file toy/Scale.java
                  find a
                  with b\\nc
                  find d
                  with e
                """);
        assertEquals(2, e.size());
        assertEquals("2.1", e.get(0).exercise());
        assertEquals("factor", e.get(0).hint());
        assertEquals(null, e.get(1).exercise());
        assertEquals("b\nc", e.get(1).edits().get(0)[1]);
        assertEquals(2, e.get(1).edits().size());
        assertThrows(IllegalArgumentException.class, () -> MistakeCheck.parse("toy", "mistake 2.1 | no hint\n  file a\n  find x\n  with y\n"));
        assertThrows(IllegalArgumentException.class, () -> MistakeCheck.parse("toy", "variant | hint\n  file a\n  find x\n  with y\n  hint z\n"));
        assertThrows(IllegalArgumentException.class, () -> MistakeCheck.parse("toy", "variant | dangling find\n  file a\n  find x\n"));
    }

    @Test
    @DisplayName("a mistake that costs only its exercise with its hint passes; a variant keeps full marks")
    void acceptsGoodEntries() throws Exception {
        MistakeCheck.Result r = run("""
                mistake 2.1 | halved
                  file toy/Scale.java
                  find return m.scale(factor);
                  with return m.scale(factor / 2);
                  hint entry (0,1)

                variant | a loop
                  file toy/Scale.java
                  find return m.scale(factor);
                  with SimpleMatrix out = m.copy();\\n        for (int i = 0; i < out.getNumElements(); i++) out.set(i, factor * m.get(i));\\n        return out;
                """);
        assertTrue(r.ok(), r.summary());
        assertEquals(2, r.outcomes().size());
    }

    @Test
    @DisplayName("it fails a mistake whose hint is missing, one the graders miss, a variant that loses points and a stale find")
    void rejectsBadEntries() throws Exception {
        MistakeCheck.Result r = run("""
                mistake 2.1 | halved, but the expected hint is not there
                  file toy/Scale.java
                  find return m.scale(factor);
                  with return m.scale(factor / 2);
                  hint you halved it

                mistake 2.1 | not a mistake at all
                  file toy/Scale.java
                  find return m.scale(factor);
                  with return m.scale(factor * 1.0);
                  hint anything

                variant | wrong, so it loses points
                  file toy/Scale.java
                  find return m.scale(factor);
                  with return m.scale(-factor);

                variant | stale
                  file toy/Scale.java
                  find this text is not in the file
                  with x
                """);
        assertEquals(4, r.failures().size(), r.summary());
        assertTrue(r.failures().get(0).contains("does not contain 'you halved it'"), r.failures().get(0));
        assertTrue(r.failures().get(1).contains("loses no points"), r.failures().get(1));
        assertTrue(r.failures().get(2).contains("a correct variant loses points on [2.1]"), r.failures().get(2));
        assertTrue(r.failures().get(3).contains("occurs nowhere"), r.failures().get(3));
    }
}
