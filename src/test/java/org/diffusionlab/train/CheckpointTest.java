package org.diffusionlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.diffusionlab.data.Dataset;
import org.diffusionlab.data.TrainingData;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
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
        return new Checkpoint(mlp, NoiseSchedule.cosineBetaSchedule(40), new TrainConfig(123, 1e-3, 0.9, 0.99),
                new TrainingData(Dataset.MOONS, 0.02, 1500));
    }

    /** A 3-hidden-layer DeepMlp with a sinusoidal embedding, trained (on paper) by the mini-batch trainer. */
    private static Checkpoint deepExample() {
        DeepMlp net = DeepMlp.init(2, new SinusoidalTimeEmbedding(8), 3, 16, 0.5, 0.1, new SplittableRandom(3));
        return new Checkpoint(net, NoiseSchedule.cosineBetaSchedule(30), new MiniBatchConfig(77, 64, OptimizerChoice.ADAMW,
                2e-3, LearningRateSchedule.COSINE, 1e-4, MiniBatchConfig.NO_CLIPPING, 0.999, 0.99),
                new TrainingData(Dataset.SPIRAL, 0.0731, 257));
    }

    private Path saved(Checkpoint c) throws IOException {
        Path p = dir.resolve("model.ckpt");
        c.save(p);
        return p;
    }

    @Test
    @DisplayName("a saved checkpoint loads back with bit-identical parameters, schedule, config and training data")
    void roundTrip() throws IOException {
        Checkpoint original = example();
        Path p = saved(original);
        assertEquals(3, ByteBuffer.wrap(Files.readAllBytes(p), 8, 4).getInt(), "save() writes format version 3");
        Checkpoint loaded = Checkpoint.load(p);
        assertSameParameters(((Mlp) original.model()).parameters(), ((Mlp) loaded.model()).parameters());
        assertEquals(16, ((Mlp) loaded.model()).hiddenDim());
        assertArrayEquals(original.schedule().betas(), loaded.schedule().betas());
        assertEquals(original.config(), loaded.config());
        assertEquals(new TrainingData(Dataset.MOONS, 0.02, 1500), loaded.trainingData());
    }

    @Test
    @DisplayName("the training data round-trips for every dataset, and an unknown one (null) stays unknown")
    void trainingDataRoundTrip() throws IOException {
        Checkpoint base = example();
        for (Dataset d : Dataset.values()) {
            TrainingData data = new TrainingData(d, 0.125 + d.ordinal(), 2 + 1000 * d.ordinal());
            Checkpoint c = new Checkpoint(base.model(), base.schedule(), base.config(), data);
            assertEquals(data, Checkpoint.fromBytes(c.toBytes(), "x").trainingData(), d.id());
        }
        Checkpoint unknown = new Checkpoint(base.model(), base.schedule(), base.config(), null);
        assertNull(Checkpoint.load(saved(unknown)).trainingData());
    }

    private static void assertSameParameters(List<SimpleMatrix> a, List<SimpleMatrix> b) {
        assertEquals(a.size(), b.size());
        for (int k = 0; k < a.size(); k++) {
            assertEquals(a.get(k).getNumRows(), b.get(k).getNumRows(), "rows of parameter " + k);
            assertEquals(a.get(k).getNumCols(), b.get(k).getNumCols(), "cols of parameter " + k);
            assertArrayEquals(a.get(k).getDDRM().data, b.get(k).getDDRM().data, "parameter " + k);
        }
    }

    @Test
    @DisplayName("a DeepMlp checkpoint loads back with its depth, width, embedding, parameters and mini-batch config")
    void deepRoundTrip() throws IOException {
        Checkpoint original = deepExample();
        Checkpoint loaded = Checkpoint.load(saved(original));
        DeepMlp a = (DeepMlp) original.model(), b = (DeepMlp) loaded.model();
        assertEquals(3, b.hiddenLayers());
        assertEquals(16, b.width());
        assertTrue(b.embedding() instanceof SinusoidalTimeEmbedding, b.embedding().toString());
        assertEquals(8, b.embedding().dimension());
        assertSameParameters(a.parameters(), b.parameters());
        assertArrayEquals(original.schedule().betas(), loaded.schedule().betas());
        assertEquals(original.config(), loaded.config());
        assertEquals(new TrainingData(Dataset.SPIRAL, 0.0731, 257), loaded.trainingData());
        // the scalar embedding and one hidden layer, with a full-batch config
        DeepMlp shallow = DeepMlp.init(2, ScalarTimeEmbedding.INSTANCE, 1, 5, 0.3, 0.0, new SplittableRandom(4));
        Checkpoint c = Checkpoint.fromBytes(new Checkpoint(shallow, original.schedule(), TrainConfig.notebook(),
                original.trainingData()).toBytes(), "x");
        assertEquals(ScalarTimeEmbedding.INSTANCE, ((DeepMlp) c.model()).embedding());
        assertEquals(1, ((DeepMlp) c.model()).hiddenLayers());
        assertSameParameters(shallow.parameters(), ((DeepMlp) c.model()).parameters());
        assertEquals(TrainConfig.notebook(), c.config());
    }

    @Test
    @DisplayName("sampling from a loaded DeepMlp checkpoint gives exactly the samples of the original")
    void deepSameSamples() throws IOException {
        Checkpoint original = deepExample();
        Checkpoint loaded = Checkpoint.load(saved(original));
        AncestralSampler posterior = AncestralSampler.of(Variance.POSTERIOR);
        SimpleMatrix a = posterior.sample(original.model(), 200, original.schedule(), new SplittableRandom(9));
        SimpleMatrix b = posterior.sample(loaded.model(), 200, loaded.schedule(), new SplittableRandom(9));
        assertArrayEquals(a.getDDRM().data, b.getDDRM().data);
    }

    @Test
    @DisplayName("a version-1 file written by the first format still loads, with the parameters it was written with")
    void versionOneStillLoads() throws Exception {
        // checkpoint-v1.bin was written by Checkpoint.save of format version 1 (commit 421b961) from exactly this model,
        // schedule and config; version 1 had no kind fields, so only the old reader path can parse it.
        Path fixture = Path.of(CheckpointTest.class.getResource("checkpoint-v1.bin").toURI());
        byte[] bytes = Files.readAllBytes(fixture);
        assertEquals(1, ByteBuffer.wrap(bytes, 8, 4).getInt(), "the fixture is not a version-1 file");
        Checkpoint loaded = Checkpoint.load(fixture);
        Mlp expected = Mlp.init(3, 4, 2, 0.5, 0.1, new SplittableRandom(11));
        assertSameParameters(expected.parameters(), ((Mlp) loaded.model()).parameters());
        assertArrayEquals(NoiseSchedule.linearBetaSchedule(6, 1e-3, 0.2).betas(), loaded.schedule().betas());
        assertEquals(new TrainConfig(321, 1.5e-3, 0.95, 0.98), loaded.config());
        assertNull(loaded.trainingData(), "version 1 does not record the data");
        // re-saved, it becomes a file of the current version with the same content, the data still unknown
        Checkpoint again = Checkpoint.fromBytes(loaded.toBytes(), "re-saved");
        assertEquals(Checkpoint.VERSION, ByteBuffer.wrap(loaded.toBytes(), 8, 4).getInt());
        assertSameParameters(expected.parameters(), ((Mlp) again.model()).parameters());
        assertEquals(loaded.config(), again.config());
        assertNull(again.trainingData());
    }

    @Test
    @DisplayName("a version-2 file (before the training data was recorded) still loads, with the data unknown")
    void versionTwoStillLoads() throws Exception {
        // checkpoint-v2.bin was written by Checkpoint.save of format version 2 (commit dbaad41, before version 3)
        // from exactly this model, schedule and config, by a throwaway main:
        //   new Checkpoint(DeepMlp.init(2, new SinusoidalTimeEmbedding(4), 2, 3, 0.5, 0.1, new SplittableRandom(12)),
        //       NoiseSchedule.linearBetaSchedule(5, 1e-3, 0.2), <the MiniBatchConfig below>).save(path)
        // Version 2 ends after the model (no data section), so only the version-2 reader path can parse it.
        Path fixture = Path.of(CheckpointTest.class.getResource("checkpoint-v2.bin").toURI());
        byte[] bytes = Files.readAllBytes(fixture);
        assertEquals(2, ByteBuffer.wrap(bytes, 8, 4).getInt(), "the fixture is not a version-2 file");
        Checkpoint loaded = Checkpoint.load(fixture);
        DeepMlp expected = DeepMlp.init(2, new SinusoidalTimeEmbedding(4), 2, 3, 0.5, 0.1, new SplittableRandom(12));
        DeepMlp net = (DeepMlp) loaded.model();
        assertEquals(4, net.embedding().dimension());
        assertEquals(2, net.hiddenLayers());
        assertSameParameters(expected.parameters(), net.parameters());
        assertArrayEquals(NoiseSchedule.linearBetaSchedule(5, 1e-3, 0.2).betas(), loaded.schedule().betas());
        assertEquals(new MiniBatchConfig(222, 16, OptimizerChoice.ADAMW, 2.5e-3, LearningRateSchedule.COSINE, 1e-4, 1.5,
                0.99, 0.98), loaded.config());
        assertNull(loaded.trainingData(), "version 2 does not record the data");
        // the same checkpoint read as version 3 fails: the data section it lacks is reported, not invented
        byte[] asV3 = bytes.clone();
        asV3[11] = 3;
        String message = assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(asV3, "x")).getMessage();
        assertTrue(message.contains("invalid content"), message);
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
                NoiseSchedule.linearBetaSchedule(10, 1e-3, 0.1), TrainConfig.notebook(), null);
        other.save(p);
        assertEquals(4, ((Mlp) Checkpoint.load(p).model()).hiddenDim());
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
    @DisplayName("every truncation of a checkpoint (Mlp or DeepMlp) is rejected as truncated, never loaded")
    void truncated() throws IOException {
        for (Checkpoint c : List.of(example(), deepExample())) {
            byte[] full = Files.readAllBytes(saved(c));
            for (int len : new int[] {8, 12, 20, 24, full.length / 2, full.length - 4, full.length - 1}) {
                Path p = dir.resolve("cut" + len);
                Files.write(p, Arrays.copyOf(full, len));
                CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.load(p));
                assertTrue(e.getMessage().contains("truncated"), len + " bytes: " + e.getMessage());
            }
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
        byte[] v4 = bytes.clone();
        v4[11] = 4;  // version is the int32 at bytes 8..11
        String message = assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(v4, "x")).getMessage();
        assertTrue(message.contains("version 4") && message.contains("versions 1 to 3"), message);
        byte[] v0 = bytes.clone();
        v0[11] = 0;
        message = assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(v0, "x")).getMessage();
        assertTrue(message.contains("version 0"), message);
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
        int firstBeta = 20 + 4 + 4 + 3 * 8 + 4;  // header, config kind, steps, lr/momentum/smoothing, T
        ByteBuffer.wrap(bytes).putDouble(firstBeta, 1.5);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Checkpoint.fromBytes(withFreshCrc(bytes), "x"));
        assertTrue(e.getMessage().contains("invalid content") && e.getMessage().contains("1.5"), e.getMessage());
    }

    @Test
    @DisplayName("an unknown embedding or optimizer name in a DeepMlp checkpoint is rejected, naming the value")
    void invalidNames() {
        byte[] bytes = deepExample().toBytes();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        byte[] badEmbedding = text.replace("sinusoidal", "sinusoidaX").getBytes(StandardCharsets.ISO_8859_1);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Checkpoint.fromBytes(withFreshCrc(badEmbedding), "x"));
        assertTrue(e.getMessage().contains("sinusoidaX") && e.getMessage().contains("scalar"), e.getMessage());
        byte[] badOptimizer = text.replace("ADAMW", "ADAMX").getBytes(StandardCharsets.ISO_8859_1);
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(withFreshCrc(badOptimizer), "x"));
        assertTrue(e.getMessage().contains("ADAMX") && e.getMessage().contains("MOMENTUM_SGD"), e.getMessage());
        byte[] badDataset = new String(example().toBytes(), StandardCharsets.ISO_8859_1).replace("moons", "moonX")
                .getBytes(StandardCharsets.ISO_8859_1);
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(withFreshCrc(badDataset), "x"));
        assertTrue(e.getMessage().contains("moonX") && e.getMessage().contains(Dataset.validNames()), e.getMessage());
    }

    @Test
    @DisplayName("training data with a negative jitter or no points is rejected, on load and when made, naming the field")
    void invalidTrainingData() {
        byte[] bytes = example().toBytes();
        // the data section ends the payload: ..., float64 jitter, int32 points, then the int32 CRC
        int points = bytes.length - 4 - 4, jitter = points - 8;
        byte[] noPoints = bytes.clone();
        ByteBuffer.wrap(noPoints).putInt(points, 0);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> Checkpoint.fromBytes(withFreshCrc(noPoints), "x"));
        assertTrue(e.getMessage().contains("points = 0"), e.getMessage());
        byte[] negativeJitter = bytes.clone();
        ByteBuffer.wrap(negativeJitter).putDouble(jitter, -0.5);
        e = assertThrows(CheckpointFormatException.class, () -> Checkpoint.fromBytes(withFreshCrc(negativeJitter), "x"));
        assertTrue(e.getMessage().contains("jitter = -0.5"), e.getMessage());
        IllegalArgumentException made = assertThrows(IllegalArgumentException.class,
                () -> new TrainingData(Dataset.SPIRAL, Double.NaN, 10));
        assertTrue(made.getMessage().startsWith("jitter = NaN"), made.getMessage());
        made = assertThrows(IllegalArgumentException.class, () -> new TrainingData(null, 0.02, 10));
        assertTrue(made.getMessage().startsWith("dataset = null"), made.getMessage());
    }

    /** The bytes with their CRC32 recomputed, so only the content checks can reject them. */
    private static byte[] withFreshCrc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 20, bytes.length - 24);
        ByteBuffer.wrap(bytes).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    @Test
    @DisplayName("a model, embedding or config the format cannot store is rejected when the checkpoint is made, naming it")
    void unsupportedParts() {
        NoiseSchedule schedule = NoiseSchedule.cosineBetaSchedule(10);
        org.diffusionlab.model.EpsilonModel stub = new org.diffusionlab.model.EpsilonModel() {
            @Override
            public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
                return xt;
            }

            @Override
            public int dataDim() {
                return 2;
            }
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(stub, schedule, TrainConfig.notebook(), null));
        assertTrue(e.getMessage().startsWith("model = ") && e.getMessage().contains("Mlp or a DeepMlp"), e.getMessage());
        org.diffusionlab.model.TimeEmbedding custom = new org.diffusionlab.model.TimeEmbedding() {
            @Override
            public int dimension() {
                return 1;
            }

            @Override
            public SimpleMatrix encode(int[] t, int T) {
                return new SimpleMatrix(t.length, 1);
            }
        };
        DeepMlp net = DeepMlp.init(2, custom, 1, 3, 0.1, 0, new SplittableRandom(1));
        e = assertThrows(IllegalArgumentException.class, () -> new Checkpoint(net, schedule, TrainConfig.notebook(), null));
        assertTrue(e.getMessage().startsWith("model.embedding() = "), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(example().model(), schedule, example(), null));
        assertTrue(e.getMessage().startsWith("config = ") && e.getMessage().contains("TrainConfig or a MiniBatchConfig"),
                e.getMessage());
    }
}
