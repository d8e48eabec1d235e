package org.diffusionlab.train;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.data.TrainingData;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.model.TimeEmbedding;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * A trained model with everything needed to sample from it again: the network's parameters (and,
 * for a {@link DeepMlp}, its depth, width and time embedding), the noise schedule it was trained
 * with (its β_1..β_T), the training configuration and the data it was trained on.
 *
 * <p>Placed in {@code train} rather than {@code model} because it records a {@link TrainConfig} or
 * {@link MiniBatchConfig}, and {@code model} must not depend on {@code train} (packages only look
 * upstream).
 *
 * <p><b>File format</b> (version {@value #VERSION}, big-endian, doubles stored bit for bit so a
 * loaded model gives exactly the original's outputs; a "string" is an int32 byte count followed by
 * that many UTF-8 bytes):
 * <pre>
 *   magic    8 bytes   ASCII "DLABCKPT"
 *   version  int32     3
 *   length   int64     number of payload bytes that follow
 *   payload  length bytes:
 *     config   int32 kind, then
 *                1 ({@link TrainConfig}, full batch): int32 steps, float64 lr, float64 momentum, float64 smoothing
 *                2 ({@link MiniBatchConfig}): int32 steps, int32 batchSize, string optimizer (enum name),
 *                  float64 lr, string lrSchedule (enum name), float64 weightDecay, float64 clipNorm
 *                  (+∞ = no clipping), float64 emaDecay, float64 smoothing
 *     schedule int32 T, then T × float64 β_1..β_T
 *     model    int32 kind, then
 *                1 ({@link Mlp}): int32 K = 6, then K matrices W1, b1, W2, b2, W3, b3
 *                2 ({@link DeepMlp}): string embedding ("scalar" or "sinusoidal"), int32 its dimension k,
 *                  int32 K = 2(L + 1) for L hidden layers, then K matrices W_1, b_1, …, W_{L+1}, b_{L+1}
 *              a matrix is int32 rows, int32 cols, then rows·cols × float64 (row-major)
 *     data     int32 recorded, then
 *                0: nothing (the data is not known, e.g. a version 1 or 2 file loaded and saved again)
 *                1 ({@link TrainingData}): string dataset ({@link Dataset#id()}, e.g. "moons"),
 *                  float64 jitter (the spiral's; other datasets ignore it), int32 points
 *   crc      int32     CRC32 of the payload
 * </pre>
 * <b>Version 2</b> (read but no longer written) is version 3 without the data section: its payload
 * ends after the model. <b>Version 1</b> (the first format) has the same header and CRC and the
 * payload of a {@link TrainConfig} and an {@link Mlp} without the two kind fields: int32 steps,
 * float64 lr, float64 momentum, float64 smoothing; int32 T, T × float64 β; int32 K = 6, six matrices.
 * Neither records the data, so they load with {@code trainingData} null.
 *
 * <p>A file whose magic, version, length or checksum does not match is rejected with a
 * {@link CheckpointFormatException} that says which check failed.
 *
 * @param model the network: an {@link Mlp} or a {@link DeepMlp} with a {@link ScalarTimeEmbedding}
 *     or {@link SinusoidalTimeEmbedding} (its live parameter matrices are read when saving)
 * @param schedule the schedule the model was trained with
 * @param config how it was trained: a {@link TrainConfig} ({@link Trainer}) or a {@link MiniBatchConfig}
 *     ({@link MiniBatchTrainer})
 * @param trainingData the data it was trained on, or null when that is not known (always for a file
 *     of version 1 or 2, which did not record it)
 */
public record Checkpoint(EpsilonModel model, NoiseSchedule schedule, Record config, TrainingData trainingData) {

    /** The format version written by {@link #save}; {@link #load} reads this version, 2 and 1. */
    public static final int VERSION = 3;

    private static final byte[] MAGIC = "DLABCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + Long.BYTES;
    private static final int CRC_BYTES = Integer.BYTES;
    private static final int FULL_BATCH = 1, MINI_BATCH = 2;
    private static final int MLP = 1, DEEP_MLP = 2;
    private static final String SCALAR = "scalar", SINUSOIDAL = "sinusoidal";
    private static final int NO_DATA = 0, DATA = 1;

    public Checkpoint {
        if (model == null || schedule == null || config == null) {
            throw new IllegalArgumentException("model = " + model + ", schedule = " + schedule + ", config = " + config
                    + " is invalid: none may be null");
        }
        if (!(model instanceof Mlp) && !(model instanceof DeepMlp)) {
            throw new IllegalArgumentException("model = " + model.getClass().getName()
                    + " is invalid: a checkpoint holds an Mlp or a DeepMlp");
        }
        if (model instanceof DeepMlp deep && !(deep.embedding() instanceof ScalarTimeEmbedding)
                && !(deep.embedding() instanceof SinusoidalTimeEmbedding)) {
            throw new IllegalArgumentException("model.embedding() = " + deep.embedding().getClass().getName()
                    + " is invalid: a checkpoint stores a ScalarTimeEmbedding or a SinusoidalTimeEmbedding");
        }
        if (!(config instanceof TrainConfig) && !(config instanceof MiniBatchConfig)) {
            throw new IllegalArgumentException("config = " + config + " is invalid: must be a TrainConfig or a MiniBatchConfig");
        }
    }

    /**
     * Writes this checkpoint atomically: the bytes go to a temporary file in the target's
     * directory, are forced to disk, and the file is then renamed over {@code path}
     * ({@link StandardCopyOption#ATOMIC_MOVE}). A reader therefore sees either the old file or the
     * complete new one, never a partial write; if anything fails the temporary file is removed and
     * {@code path} is untouched.
     *
     * @param path the checkpoint file; its directory must exist
     * @throws IOException if writing or renaming fails (also when the file system cannot rename atomically)
     */
    public void save(Path path) throws IOException {
        byte[] bytes = toBytes();
        Path dir = path.toAbsolutePath().getParent();
        // not Files.createTempFile: its owner-only permissions would carry over to the checkpoint
        Path tmp = dir.resolve(path.getFileName() + "." + ProcessHandle.current().pid() + "." + System.nanoTime() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) ch.write(buf);
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads a checkpoint written by {@link #save}, of version {@value #VERSION}, 2 or 1 (the last
     * two with {@link #trainingData()} null: they did not record it).
     *
     * @throws CheckpointFormatException if the file is not a checkpoint, has another version, is
     *     truncated or padded, fails its CRC32, or holds values the model, schedule or config reject
     * @throws IOException if the file cannot be read
     */
    public static Checkpoint load(Path path) throws IOException {
        return fromBytes(Files.readAllBytes(path), path.toString());
    }

    /** The bytes {@link #save} writes (format version {@value #VERSION} in the class comment). */
    public byte[] toBytes() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream payload = new DataOutputStream(buffer)) {
            writeConfig(payload);
            payload.writeInt(schedule.T());
            for (double b : schedule.betas()) payload.writeDouble(b);
            writeModel(payload);
            writeData(payload);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        byte[] body = buffer.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(body);
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + body.length + CRC_BYTES);
        out.put(MAGIC).putInt(VERSION).putLong(body.length).put(body).putInt((int) crc.getValue());
        return out.array();
    }

    private void writeConfig(DataOutputStream out) throws IOException {
        if (config instanceof TrainConfig c) {
            out.writeInt(FULL_BATCH);
            out.writeInt(c.steps());
            out.writeDouble(c.lr());
            out.writeDouble(c.momentum());
            out.writeDouble(c.smoothing());
        } else {
            MiniBatchConfig c = (MiniBatchConfig) config;
            out.writeInt(MINI_BATCH);
            out.writeInt(c.steps());
            out.writeInt(c.batchSize());
            writeString(out, c.optimizer().name());
            out.writeDouble(c.lr());
            writeString(out, c.lrSchedule().name());
            out.writeDouble(c.weightDecay());
            out.writeDouble(c.clipNorm());
            out.writeDouble(c.emaDecay());
            out.writeDouble(c.smoothing());
        }
    }

    private void writeModel(DataOutputStream out) throws IOException {
        List<SimpleMatrix> params;
        if (model instanceof Mlp mlp) {
            out.writeInt(MLP);
            params = mlp.parameters();
        } else {
            DeepMlp deep = (DeepMlp) model;
            out.writeInt(DEEP_MLP);
            writeString(out, deep.embedding() instanceof ScalarTimeEmbedding ? SCALAR : SINUSOIDAL);
            out.writeInt(deep.embedding().dimension());
            params = deep.parameters();
        }
        out.writeInt(params.size());
        for (SimpleMatrix p : params) {
            out.writeInt(p.getNumRows());
            out.writeInt(p.getNumCols());
            for (int i = 0; i < p.getNumRows(); i++) {
                for (int j = 0; j < p.getNumCols(); j++) out.writeDouble(p.get(i, j));
            }
        }
    }

    private void writeData(DataOutputStream out) throws IOException {
        if (trainingData == null) {
            out.writeInt(NO_DATA);
            return;
        }
        out.writeInt(DATA);
        writeString(out, trainingData.dataset().id());
        out.writeDouble(trainingData.jitter());
        out.writeInt(trainingData.points());
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /**
     * Parses the bytes of a checkpoint file of version {@value #VERSION}, 2 or 1.
     *
     * @param bytes the whole file
     * @param source where the bytes came from, for error messages (e.g. the path)
     * @throws CheckpointFormatException as for {@link #load}
     */
    public static Checkpoint fromBytes(byte[] bytes, String source) throws CheckpointFormatException {
        // 1. magic: is this our kind of file at all?
        if (bytes.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)) {
            throw new CheckpointFormatException(source + " is not a Diffusion Lab checkpoint: it does not start with \"DLABCKPT\"");
        }
        if (bytes.length < HEADER_BYTES + CRC_BYTES) {
            throw new CheckpointFormatException(source + " is truncated: " + bytes.length + " bytes, shorter than the "
                    + (HEADER_BYTES + CRC_BYTES) + "-byte header and checksum");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes);
        in.position(MAGIC.length);
        // 2. version
        int version = in.getInt();
        if (version < 1 || version > VERSION) {
            throw new CheckpointFormatException(source + " has checkpoint format version " + version
                    + "; this reader supports versions 1 to " + VERSION);
        }
        // 3. length: the header says how many payload bytes follow
        long payloadBytes = in.getLong();
        long expectedFile = HEADER_BYTES + payloadBytes + CRC_BYTES;
        if (payloadBytes < 0 || expectedFile != bytes.length) {
            throw new CheckpointFormatException(source + " is " + (bytes.length < expectedFile ? "truncated" : "padded or corrupt")
                    + ": the header announces " + payloadBytes + " payload bytes (a " + expectedFile
                    + "-byte file) but the file has " + bytes.length + " bytes");
        }
        // 4. checksum
        CRC32 crc = new CRC32();
        crc.update(bytes, HEADER_BYTES, (int) payloadBytes);
        int stored = ByteBuffer.wrap(bytes, HEADER_BYTES + (int) payloadBytes, CRC_BYTES).getInt();
        if (stored != (int) crc.getValue()) {
            throw new CheckpointFormatException(String.format("%s is corrupt: CRC32 of the payload is %08x but the file records %08x",
                    source, (int) crc.getValue(), stored));
        }
        // 5. content: the constructors re-check every value
        ByteBuffer payload = ByteBuffer.wrap(bytes, HEADER_BYTES, (int) payloadBytes).slice();
        try {
            Record config = version == 1 ? readTrainConfig(payload) : readConfig(payload);
            double[] betas = new double[checkCount("T", payload.getInt(), payload, Double.BYTES)];
            for (int i = 0; i < betas.length; i++) betas[i] = payload.getDouble();
            NoiseSchedule schedule = NoiseSchedule.fromBetas(betas);
            EpsilonModel model = version == 1 ? readMlp(payload) : readModel(payload);
            TrainingData data = version < 3 ? null : readData(payload);
            if (payload.hasRemaining()) {
                throw new IllegalArgumentException(payload.remaining() + " unread payload bytes after the "
                        + (version < 3 ? "model" : "data"));
            }
            return new Checkpoint(model, schedule, config, data);
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw new CheckpointFormatException(source + " has a valid checksum but invalid content: "
                    + (e.getMessage() == null ? "the payload ends early" : e.getMessage()));
        }
    }

    private static Record readConfig(ByteBuffer in) {
        int kind = in.getInt();
        return switch (kind) {
            case FULL_BATCH -> readTrainConfig(in);
            case MINI_BATCH -> new MiniBatchConfig(in.getInt(), in.getInt(),
                    enumValue(OptimizerChoice.class, "optimizer", readString(in)), in.getDouble(),
                    enumValue(LearningRateSchedule.class, "lrSchedule", readString(in)),
                    in.getDouble(), in.getDouble(), in.getDouble(), in.getDouble());
            default -> throw new IllegalArgumentException("config kind = " + kind + " is invalid: must be "
                    + FULL_BATCH + " (full batch) or " + MINI_BATCH + " (mini-batch)");
        };
    }

    private static TrainConfig readTrainConfig(ByteBuffer in) {
        return new TrainConfig(in.getInt(), in.getDouble(), in.getDouble(), in.getDouble());
    }

    private static TrainingData readData(ByteBuffer in) {
        int recorded = in.getInt();
        if (recorded == NO_DATA) return null;
        if (recorded != DATA) {
            throw new IllegalArgumentException("data recorded = " + recorded + " is invalid: must be " + NO_DATA
                    + " (not recorded) or " + DATA + " (recorded)");
        }
        String id = readString(in);
        Dataset dataset = null;
        for (Dataset d : Dataset.values()) {
            if (d.id().equals(id)) dataset = d;
        }
        if (dataset == null) {
            throw new IllegalArgumentException("dataset = \"" + id + "\" is invalid: must be one of " + Dataset.validNames());
        }
        return new TrainingData(dataset, in.getDouble(), in.getInt());
    }

    private static EpsilonModel readModel(ByteBuffer in) {
        int kind = in.getInt();
        if (kind == MLP) return readMlp(in);
        if (kind != DEEP_MLP) {
            throw new IllegalArgumentException("model kind = " + kind + " is invalid: must be " + MLP + " (Mlp) or "
                    + DEEP_MLP + " (DeepMlp)");
        }
        String name = readString(in);
        int k = in.getInt();
        TimeEmbedding embedding;
        if (name.equals(SCALAR)) {
            if (k != 1) throw new IllegalArgumentException("scalar embedding dimension = " + k + " is invalid: must be 1");
            embedding = ScalarTimeEmbedding.INSTANCE;
        } else if (name.equals(SINUSOIDAL)) {
            embedding = new SinusoidalTimeEmbedding(k);
        } else {
            throw new IllegalArgumentException("embedding = \"" + name + "\" is invalid: must be \"" + SCALAR
                    + "\" or \"" + SINUSOIDAL + "\"");
        }
        int count = in.getInt();
        if (count < 4 || count % 2 != 0) {
            throw new IllegalArgumentException("parameter count = " + count
                    + " is invalid: a DeepMlp has 2(L + 1) >= 4 (a weight and a bias per layer)");
        }
        List<SimpleMatrix> params = readMatrices(in, count), weights = new ArrayList<>(), biases = new ArrayList<>();
        for (int l = 0; l < count; l += 2) {
            weights.add(params.get(l));
            biases.add(params.get(l + 1));
        }
        return new DeepMlp(weights, biases, embedding);
    }

    private static Mlp readMlp(ByteBuffer in) {
        int count = in.getInt();
        if (count != Mlp.parameterNames().size()) {
            throw new IllegalArgumentException("parameter count = " + count + " is invalid: the model has "
                    + Mlp.parameterNames().size());
        }
        List<SimpleMatrix> p = readMatrices(in, count);
        return new Mlp(p.get(0), p.get(1), p.get(2), p.get(3), p.get(4), p.get(5));
    }

    private static List<SimpleMatrix> readMatrices(ByteBuffer in, int count) {
        List<SimpleMatrix> params = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            int rows = checkCount("rows", in.getInt(), in, 0);
            int cols = checkCount("cols", in.getInt(), in, 0);
            checkCount("rows·cols", (long) rows * cols, in, Double.BYTES);
            SimpleMatrix m = new SimpleMatrix(rows, cols);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) m.set(i, j, in.getDouble());
            }
            params.add(m);
        }
        return params;
    }

    private static String readString(ByteBuffer in) {
        byte[] bytes = new byte[checkCount("string length", in.getInt(), in, 1)];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static <E extends Enum<E>> E enumValue(Class<E> type, String name, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(value)) return e;
        }
        throw new IllegalArgumentException(name + " = \"" + value + "\" is invalid: must be one of "
                + Arrays.toString(type.getEnumConstants()));
    }

    /** A count read from the file, checked before anything is allocated for it. */
    private static int checkCount(String name, long value, ByteBuffer payload, int bytesEach) {
        if (value < 0 || value * bytesEach > payload.remaining()) {
            throw new IllegalArgumentException(name + " = " + value + " does not fit in the "
                    + payload.remaining() + " payload bytes left");
        }
        return (int) value;
    }
}
