package org.diffusionlab.grading.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubmissionFilesTest {

    static final String SUMS = "labs/src/main/java/org/diffusionlab/labs/toy/Sums.java";

    @TempDir
    Path tmp;
    Course course;

    @BeforeEach
    void fixtureCourse() throws IOException, URISyntaxException {
        course = new Course(Path.of(SubmissionFilesTest.class.getResource("/instructor-fixture/repo").toURI()));
    }

    @Test
    @DisplayName("the fixture course knows its lab packages, graders and which stub names which exercise")
    void courseFromFixture() {
        assertEquals(Set.of("org.diffusionlab.labs.toy", "org.diffusionlab.labs.loops"), course.labPackages);
        assertTrue(course.graderFileNames.containsAll(Set.of("SumsGrader.java", "SumsHiddenGrader.java")));
        assertEquals(SUMS, course.exerciseFiles.get("org.diffusionlab.labs.toy 1.2"));
        assertEquals("labs/src/main/java/org/diffusionlab/labs/loops/Count.java", course.exerciseFiles.get("org.diffusionlab.labs.loops 3.1"));
    }

    @Test
    @DisplayName("in a whole repository the labs/ copy wins over a stray copy, and tests and core files are ignored")
    void wholeRepositoryIsNormalized() throws IOException {
        Path sub = tmp.resolve("sub");
        write(sub.resolve("repo/" + SUMS), "package org.diffusionlab.labs.toy; class Sums { /* labs */ }");
        write(sub.resolve("repo/solutions/src/main/java/org/diffusionlab/labs/toy/Sums.java"),
                "package org.diffusionlab.labs.toy; class Sums { /* stray */ }");
        write(sub.resolve("repo/labs/src/test/java/org/diffusionlab/labs/toy/Helper.java"),
                "package org.diffusionlab.labs.toy; class Helper {}");
        write(sub.resolve("repo/src/main/java/org/diffusionlab/data/Datasets.java"), "package org.diffusionlab.data;");
        write(sub.resolve("repo/labs/src/main/java/org/diffusionlab/labs/toy/Extra.java"),
                "package org.diffusionlab.labs.toy; class Extra {}");

        SubmissionFiles.Collected got = SubmissionFiles.collect(sub, course);

        assertEquals(Set.of(SUMS), got.files().keySet(),
                "only the lab's own files are taken: a new class in a lab package could shadow what its graders see");
        assertTrue(Files.readString(got.files().get(SUMS)).contains("/* labs */"));
        assertTrue(got.notes().stream().anyMatch(n -> n.contains("ignored 2 file(s)")), got.notes().toString());
        assertTrue(got.notes().stream().anyMatch(n -> n.contains("Extra.java is not one of the lab's files")),
                got.notes().toString());
    }

    @Test
    @DisplayName("a zip entry that climbs out of its folder is never written")
    void zipSlipIsBlocked() throws IOException {
        Path zip = tmp.resolve("mallory.zip");
        try (OutputStream os = Files.newOutputStream(zip); ZipOutputStream z = new ZipOutputStream(os)) {
            for (String name : new String[] {"../../escaped.java", "Sums.java"}) {
                z.putNextEntry(new ZipEntry(name));
                z.write("package org.diffusionlab.labs.toy; class Sums {}".getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        Path root = SubmissionFiles.unpack(zip, tmp.resolve("scratch/unpacked"));
        assertFalse(Files.exists(tmp.resolve("escaped.java")));
        assertFalse(Files.exists(tmp.resolve("scratch/escaped.java")));
        assertEquals(Set.of(SUMS), SubmissionFiles.collect(root, course).files().keySet());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
