package org.diffusionlab.train;

import java.io.IOException;
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
import org.diffusionlab.model.Mlp;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * A trained model with everything needed to sample from it again: the network's parameters, the
 * noise schedule it was trained with (its β_1..β_T) and the training configuration.
 *
 * <p>Placed in {@code train} rather than {@code model} because it records a {@link TrainConfig}, and
 * {@code model} must not depend on {@code train} (packages only look upstream).
 *
 * <p><b>File format</b> (version {@value #VERSION}, big-endian, doubles stored bit for bit so a
 * loaded model gives exactly the original's outputs):
 * <pre>
 *   magic    8 bytes   ASCII "DLABCKPT"
 *   version  int32     {@value #VERSION}
 *   length   int64     number of payload bytes that follow
 *   payload  length bytes:
 *     config   int32 steps, float64 lr, float64 momentum, float64 smoothing
 *     schedule int32 T, then T × float64 β_1..β_T
 *     model    int32 K = 6, then for W1, b1, W2, b2, W3, b3: int32 rows, int32 cols,
 *              rows·cols × float64 (row-major); the hidden width is W1's column count
 *   crc      int32     CRC32 of the payload
 * </pre>
 * A file whose magic, version, length or checksum does not match is rejected with a
 * {@link CheckpointFormatException} that says which check failed.
 *
 * @param model the network (its live parameter matrices are read when saving)
 * @param schedule the schedule the model was trained with
 * @param config the training configuration
 */
public record Checkpoint(Mlp model, NoiseSchedule schedule, TrainConfig config) {

    /** The format version written by {@link #save}; {@link #load} reads only this version. */
    public static final int VERSION = 1;

    private static final byte[] MAGIC = "DLABCKPT".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER_BYTES = MAGIC.length + Integer.BYTES + Long.BYTES;
    private static final int CRC_BYTES = Integer.BYTES;

    public Checkpoint {
        if (model == null || schedule == null || config == null) {
            throw new IllegalArgumentException("model = " + model + ", schedule = " + schedule + ", config = " + config
                    + " is invalid: none may be null");
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
     * Reads a checkpoint written by {@link #save}.
     *
     * @throws CheckpointFormatException if the file is not a checkpoint, has another version, is
     *     truncated or padded, fails its CRC32, or holds values the model, schedule or config reject
     * @throws IOException if the file cannot be read
     */
    public static Checkpoint load(Path path) throws IOException {
        return fromBytes(Files.readAllBytes(path), path.toString());
    }

    /** The bytes {@link #save} writes (format in the class comment). */
    public byte[] toBytes() {
        List<SimpleMatrix> params = model.parameters();
        int payloadBytes = Integer.BYTES + 3 * Double.BYTES
                + Integer.BYTES + schedule.T() * Double.BYTES
                + Integer.BYTES;
        for (SimpleMatrix p : params) payloadBytes += 2 * Integer.BYTES + p.getNumElements() * Double.BYTES;

        ByteBuffer payload = ByteBuffer.allocate(payloadBytes);
        payload.putInt(config.steps()).putDouble(config.lr()).putDouble(config.momentum()).putDouble(config.smoothing());
        payload.putInt(schedule.T());
        for (double b : schedule.betas()) payload.putDouble(b);
        payload.putInt(params.size());
        for (SimpleMatrix p : params) {
            payload.putInt(p.getNumRows()).putInt(p.getNumCols());
            for (int i = 0; i < p.getNumRows(); i++) {
                for (int j = 0; j < p.getNumCols(); j++) payload.putDouble(p.get(i, j));
            }
        }
        CRC32 crc = new CRC32();
        crc.update(payload.array());

        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + payloadBytes + CRC_BYTES);
        out.put(MAGIC).putInt(VERSION).putLong(payloadBytes).put(payload.array()).putInt((int) crc.getValue());
        return out.array();
    }

    /**
     * Parses the bytes of a checkpoint file.
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
        if (version != VERSION) {
            throw new CheckpointFormatException(source + " has checkpoint format version " + version
                    + "; this reader supports version " + VERSION + " only");
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
            TrainConfig config = new TrainConfig(payload.getInt(), payload.getDouble(), payload.getDouble(), payload.getDouble());
            double[] betas = new double[checkCount("T", payload.getInt(), payload, Double.BYTES)];
            for (int i = 0; i < betas.length; i++) betas[i] = payload.getDouble();
            NoiseSchedule schedule = NoiseSchedule.fromBetas(betas);
            int count = payload.getInt();
            if (count != Mlp.parameterNames().size()) {
                throw new IllegalArgumentException("parameter count = " + count + " is invalid: the model has "
                        + Mlp.parameterNames().size());
            }
            List<SimpleMatrix> params = new ArrayList<>(count);
            for (int k = 0; k < count; k++) {
                int rows = checkCount("rows", payload.getInt(), payload, 0);
                int cols = checkCount("cols", payload.getInt(), payload, 0);
                checkCount("rows·cols", (long) rows * cols, payload, Double.BYTES);
                SimpleMatrix m = new SimpleMatrix(rows, cols);
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) m.set(i, j, payload.getDouble());
                }
                params.add(m);
            }
            if (payload.hasRemaining()) {
                throw new IllegalArgumentException(payload.remaining() + " unread payload bytes after the model");
            }
            Mlp model = new Mlp(params.get(0), params.get(1), params.get(2), params.get(3), params.get(4), params.get(5));
            return new Checkpoint(model, schedule, config);
        } catch (IllegalArgumentException | BufferUnderflowException e) {
            throw new CheckpointFormatException(source + " has a valid checksum but invalid content: "
                    + (e.getMessage() == null ? "the payload ends early" : e.getMessage()));
        }
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
