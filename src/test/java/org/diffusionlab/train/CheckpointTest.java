package org.diffusionlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

    @TempDir
    Path dir;

    private static Checkpoint example() {
        // large weights and non-zero biases so the network's output depends visibly on every parameter
        Mlp mlp = Mlp.init(3, 16, 2, 0.5, 0.1, new SplittableRandom(1));
        return new Checkpoint(mlp, NoiseSchedule.cosineBetaSchedule(40), new TrainConfig(123, 1e-3, 0.9, 0.99));
    }

    private Path saved(Checkpoint c) throws IOException {
        Path p = dir.resolve("model.ckpt");
        c.save(p);
        return p;
    }

    @Test
    @DisplayName("a saved checkpoint loads back with bit-identical parameters, schedule and config")
    void roundTrip() throws IOException {
        Checkpoint original = example();
        Checkpoint loaded = Checkpoint.load(saved(original));
        List<SimpleMatrix> a = original.model().parameters(), b = loaded.model().parameters();
        for (int k = 0; k < a.size(); k++) {
            assertEquals(a.get(k).getNumRows(), b.get(k).getNumRows());
            assertEquals(a.get(k).getNumCols(), b.get(k).getNumCols());
            assertArrayEquals(a.get(k).getDDRM().data, b.get(k).getDDRM().data, Mlp.parameterNames().get(k));
        }
        assertEquals(16, loaded.model().hiddenDim());
        assertArrayEquals(original.schedule().betas(), loaded.schedule().betas());
        assertEquals(original.config(), loaded.config());
    }

    @Test
    @DisplayName("sampling from a loaded checkpoint gives exactly the samples of the original")
    void sameSamples() throws IOException {
        Checkpoint original = example();
        Checkpoint loaded = Checkpoint.load(saved(original));
        SimpleMatrix a = DdpmSampler.pSampleLoop(original.model(), 200, original.schedule(), new SplittableRandom(7), Set.of()).samples();
        SimpleMatrix b = DdpmSampler.pSampleLoop(loaded.model(), 200, loaded.schedule(), new SplittableRandom(7), Set.of()).samples();
        assertArrayEquals(a.getDDRM().data, b.getDDRM().data);
        AncestralSampler posterior = AncestralSampler.of(Variance.POSTERIOR);
        assertArrayEquals(posterior.sample(original.model(), 50, original.schedule(), new SplittableRandom(8)).getDDRM().data,
                posterior.sample(loaded.model(), 50, loaded.schedule(), new SplittableRandom(8)).getDDRM().data);
    }

    @Test
    @DisplayName("saving replaces an existing file and leaves no temporary file behind")
    void atomicReplace() throws IOException {
        Path p = saved(example());
        Checkpoint other = new Checkpoint(Mlp.init(3, 4, 2, 0.1, 0, new SplittableRandom(2)),
                NoiseSchedule.linearBetaSchedule(10, 1e-3, 0.1), TrainConfig.notebook());
        other.save(p);
        assertEquals(4, Checkpoint.load(p).model().hiddenDim());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(p), files.toList());
        }
    }

    @Test
    @DisplayName("a failed save leaves nothing behind")
    void failedSave() {
        Path missing = dir.resolve("no-such-dir").resolve("model.ckpt");
        assertThrows(IOException.class, () -> example().save(missing));
        assertTrue(Files.notExists(missing));
    }

    @Test
    @DisplayName("every truncation of a checkpoint is rejected as truncated, never loaded")
    void truncated() throws IOException {
        byte[] full = Files.readAllBytes(saved(example()));
        for (int len : new int[] {8, 12, 20, 24, full.length / 2, full.length - 4, full.length - 1}) {
            Path p = dir.resolve("cut" + len);
            Files.write(p, Arrays.copyOf(full, len));
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.load(p));
            assertTrue(e.getMessage().contains("truncated"), len + " bytes: " + e.getMessage());
        }
    }

    @Test
    @DisplayName("a foreign file (text, empty, PNG header) is rejected as not a checkpoint")
    void foreign() throws IOException {
        for (byte[] content : new byte[][] {
                "hello, this is a text file".getBytes(StandardCharsets.UTF_8), new byte[0],
                {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13}}) {
            Path p = dir.resolve("foreign");
            Files.write(p, content);
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.load(p));
            assertTrue(e.getMessage().contains("not a Diffusion Lab checkpoint"), e.getMessage());
        }
    }

    @Test
    @DisplayName("one flipped bit in the payload fails the CRC32 check")
    void bitFlip() throws IOException {
        byte[] bytes = Files.readAllBytes(saved(example()));
        bytes[bytes.length / 2] ^= 0x10;
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(bytes, "x"));
        assertTrue(e.getMessage().contains("CRC32"), e.getMessage());
    }

    @Test
    @DisplayName("another format version or extra bytes are rejected with the reason")
    void versionAndPadding() throws IOException {
        byte[] bytes = Files.readAllBytes(saved(example()));
        byte[] v2 = bytes.clone();
        v2[11] = 2;  // version is the int32 at bytes 8..11
        assertTrue(assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(v2, "x"))
                .getMessage().contains("version 2"));
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 3);
        assertTrue(assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(padded, "x"))
                .getMessage().contains("padded"));
    }

    @Test
    @DisplayName("a file with a valid checksum but impossible content is rejected, not loaded")
    void invalidContent() {
        // a β of 1.5 cannot come from save(); it must still be caught on load
        Checkpoint c = example();
        byte[] bytes = c.toBytes();
        int firstBeta = 20 + 4 + 3 * 8 + 4;  // header, steps, lr/momentum/smoothing, T
        ByteBuffer.wrap(bytes).putDouble(firstBeta, 1.5);
        CRC32 crc = new CRC32();
        crc.update(bytes, 20, bytes.length - 24);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(bytes, "x"));
        assertTrue(e.getMessage().contains("invalid content") && e.getMessage().contains("1.5"), e.getMessage());
    }
}
