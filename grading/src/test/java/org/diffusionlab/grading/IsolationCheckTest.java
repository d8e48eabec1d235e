package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The instructor fixture (src/test/resources/instructor-fixture/repo) has the very mistake the check
 * is for: toy 1.2 {@code mean} calls the student's own 1.1 {@code sum}, so 1.2 cannot earn its points
 * without 1.1.
 */
class IsolationCheckTest {

    private static final String SUMS = "java/org/diffusionlab/labs/toy/Sums.java";

    @TempDir
    Path tmp;

    private static Path fixture() throws URISyntaxException {
        return Path.of(IsolationCheckTest.class.getResource("/instructor-fixture/repo").toURI());
    }

    /** Compiles the solutions of {@code solutions} with the fixture's graders (visible and hidden) into {@code tmp/graders}. */
    private Path graders(Path solutions) throws Exception {
        Path repo = fixture();
        List<Path> sources = new ArrayList<>(javaFiles(solutions));
        sources.addAll(javaFiles(repo.resolve("labs/src/test/java")));
        sources.addAll(javaFiles(repo.resolve("labs/src/hidden-test/java")));
        Path out = tmp.resolve("graders");
        new IsolationCheck.Compiler().compile(sources, out, "");
        return out;
    }

    private static List<Path> javaFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    @Test
    @DisplayName("an exercise that calls the student's earlier exercise fails the check, named with the exercise it needs")
    void findsDependentExercise() throws Exception {
        Path solutions = fixture().resolve("solutions/src/main");
        IsolationCheck.Result r = IsolationCheck.check(solutions, graders(solutions), Set.of(), tmp.resolve("work"));
        assertEquals(1, r.failures().size(), r.summary());
        String failure = r.failures().get(0);
        assertTrue(failure.startsWith("toy 1.2 'mean of 1..4 is 2.5' fails when only 1.2 is solved"), failure);
        assertTrue(failure.contains("TODO 1.1"), "names the exercise 1.2 still needs: " + failure);
    }

    @Test
    @DisplayName("with the dependency removed each exercise earns exactly its own points alone; only the chosen lab is checked")
    void passesIndependentExercises() throws Exception {
        Path solutions = tmp.resolve("solutions");
        Path sums = solutions.resolve(SUMS);
        Files.createDirectories(sums.getParent());
        for (Path p : javaFiles(fixture().resolve("solutions/src/main"))) {
            Path target = solutions.resolve(fixture().resolve("solutions/src/main").relativize(p));
            Files.createDirectories(target.getParent());
            Files.copy(p, target);
        }
        String text = Files.readString(sums);
        String dependent = "return sum(values) / values.length;";
        assertTrue(text.contains(dependent), "fixture changed: " + text);
        Files.writeString(sums, text.replace(dependent, "double total = 0.0;\n        for (double v : values) total += v;\n"
                + "        return total / values.length;"));
        Path graders = graders(solutions);

        IsolationCheck.Result toy = IsolationCheck.check(solutions, graders, Set.of("toy"), tmp.resolve("work"));
        assertTrue(toy.ok(), toy.summary());
        assertTrue(toy.summary().contains("toy         3 automatically graded exercises"), toy.summary());
        assertTrue(!toy.summary().contains("loops"), "--lab toy checks the toy lab only:\n" + toy.summary());
    }

    @Test
    @DisplayName("an unknown option exits 2 with a message naming it, before any lab is compiled")
    void unknownOption() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = IsolationCheck.main(new String[] {"--graders", tmp.toString(), "--labz", "toy"},
                new PrintStream(out, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(2, code, printed);
        assertTrue(printed.contains("Unknown option") && printed.contains("'--labz'"), printed);
    }
}
