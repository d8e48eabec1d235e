package org.diffusionlab.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    @TempDir
    Path dir;

    /** Three 2x3 images with pixel (i, j) of image k = 40k + 10i + j, and labels 7, 0, 9. */
    private static byte[] imagesFile() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(3);
        out.writeInt(2);
        out.writeInt(3);
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) out.writeByte(40 * k + 10 * i + j);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] labelsFile(int... labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000801);
        out.writeInt(labels.length);
        for (int y : labels) out.writeByte(y);
        return bytes.toByteArray();
    }

    private Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path p = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
            out.write(content);
        }
        return p;
    }

    @Test
    @DisplayName("raw and gzipped IDX files read the same images and labels")
    void rawAndGzip() throws IOException {
        for (boolean gz : new boolean[] {false, true}) {
            Path images = write("img" + gz, imagesFile(), gz);
            Path labels = write("lab" + gz, labelsFile(7, 0, 9), gz);
            IdxFiles.RawImages raw = IdxFiles.readImages(images);
            assertEquals(2, raw.rows());
            assertEquals(3, raw.cols());
            assertArrayEquals(new int[] {80, 81, 82, 90, 91, 92}, raw.pixels()[2]);
            assertArrayEquals(new int[] {7, 0, 9}, IdxFiles.readLabels(labels));
            ImageSet set = IdxFiles.read("fixture", images, labels, 2, 10);
            assertEquals(2, set.size());
            assertEquals(-1.0, set.images()[0][0], 1e-15);
            assertEquals(52 / 127.5 - 1, set.images()[1][5], 1e-15);
            assertArrayEquals(new int[] {7, 0}, set.labels());
        }
    }

    @Test
    @DisplayName("a label file is not an image file, and a truncated file says so")
    void wrongAndTruncated() throws IOException {
        Path labels = write("labels", labelsFile(1, 2), false);
        IOException e = assertThrows(IOException.class, () -> IdxFiles.readImages(labels));
        assertTrue(e.getMessage().contains("idx3"), e.getMessage());
        byte[] full = imagesFile();
        Path cut = write("cut", java.util.Arrays.copyOf(full, full.length - 4), false);
        IOException t = assertThrows(IOException.class, () -> IdxFiles.readImages(cut));
        assertTrue(t.getMessage().contains("truncated"), t.getMessage());
    }

    @Test
    @DisplayName("Fashion-MNIST from a folder without its files names the folder and the Debian package")
    void fashionMissing() {
        IOException e = assertThrows(IOException.class, () -> FashionMnist.load(dir, true, 10));
        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
        assertTrue(!FashionMnist.isPresent(dir));
    }

    @Test
    @DisplayName("Fashion-MNIST reads from a folder with the four file names, down-scaled 28 -> 14 when present on this machine")
    void fashionFromFolder() throws IOException {
        write("train-images-idx3-ubyte.gz", imagesFile(), true);
        write("train-labels-idx1-ubyte.gz", labelsFile(3, 4, 5), true);
        ImageSet s = FashionMnist.load(dir, true, 100);
        assertEquals(3, s.size());
        Path debian = Path.of(FashionMnist.DEBIAN_DIR);
        if (FashionMnist.isPresent(debian)) {
            ImageSet f = FashionMnist.load(debian, false, 50).downscale(2);
            assertEquals(50, f.size());
            assertEquals(14, f.height());
        }
    }
}
