package org.diffusionlab.train;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.model.image.Parameter;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.schedule.NoiseSchedule;

/**
 * A trained U-Net with what sampling from it needs: its architecture, every parameter (the EMA
 * weights left by {@link ImageTrainer}), the prediction type it was trained for, its noise
 * schedule and the name of its dataset. Written atomically (a temporary file, then a move) and
 * checked by a CRC32 like {@link Checkpoint}, whose 2-D format it leaves alone: it has its own
 * magic, so neither reader can mistake the other's files.
 *
 * <p><b>File format</b> (version {@value #VERSION}, big-endian; doubles bit for bit, so a loaded
 * network computes exactly the saved one's outputs; a "string" is an int32 byte count and UTF-8):
 * <pre>
 *   magic    8 bytes   ASCII "DLABUNET"
 *   version  int32     1
 *   length   int64     payload bytes
 *   payload:
 *     config     int32 imageChannels, height, width, base, L, then L × int32 multipliers,
 *                int32 groups, timeFeatures, embedding, classes, T
 *     prediction string ("eps", "x0" or "v")
 *     dataset    string (e.g. "digits")
 *     schedule   int32 T, then T × float64 β_1..β_T
 *     parameters int32 count, then per parameter: string name, int32 rows, int32 cols, rows·cols × float64
 *   crc      int32     CRC32 of the payload
 * </pre>
 *
 * @param net the network (its live parameters are written)
 * @param prediction what it outputs
 * @param schedule its β_1..β_T
 * @param dataset the data it was trained on, by name
 */
public record ImageCheckpoint(UNet net, PredictionType prediction, NoiseSchedule schedule, String dataset) {

    public static final String MAGIC = "DLABUNET";
    public static final int VERSION = 1;

    public ImageCheckpoint {
        if (schedule.T() != net.config().T()) {
            throw new IllegalArgumentException("schedule.T() = " + schedule.T() + " is invalid: the network was built for T = " + net.config().T());
        }
    }

    /** Writes the checkpoint to {@code file} (via a temporary file in the same folder, then an atomic move). */
    public void save(Path file) throws IOException {
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(payload);
        UNet.Config c = net.config();
        for (int v : new int[] {c.imageChannels(), c.height(), c.width(), c.base(), c.multipliers().length}) out.writeInt(v);
        for (int m : c.multipliers()) out.writeInt(m);
        for (int v : new int[] {c.groups(), c.timeFeatures(), c.embedding(), c.classes(), c.T()}) out.writeInt(v);
        writeString(out, prediction.label());
        writeString(out, dataset);
        out.writeInt(schedule.T());
        for (double b : schedule.betas()) out.writeDouble(b);
        List<Parameter> params = net.parameters();
        out.writeInt(params.size());
        for (Parameter p : params) {
            writeString(out, p.name());
            out.writeInt(p.value().getNumRows());
            out.writeInt(p.value().getNumCols());
            for (double v : p.w()) out.writeDouble(v);
        }
        out.flush();
        byte[] bytes = payload.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path tmp = Files.createTempFile(absolute.getParent(), absolute.getFileName().toString(), ".tmp");
        try (DataOutputStream f = new DataOutputStream(Files.newOutputStream(tmp))) {
            f.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
            f.writeInt(VERSION);
            f.writeLong(bytes.length);
            f.write(bytes);
            f.writeInt((int) crc.getValue());
        }
        Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reads a checkpoint written by {@link #save}.
     *
     * @throws CheckpointFormatException when the magic, version, length or checksum does not match,
     *     or the parameters do not fit the recorded architecture
     */
    public static ImageCheckpoint load(Path file) throws IOException {
        byte[] all = Files.readAllBytes(file);
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all))) {
            byte[] magic = new byte[8];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC.getBytes(StandardCharsets.US_ASCII))) {
                throw new CheckpointFormatException(file + " is not a U-Net checkpoint (magic " + new String(magic, StandardCharsets.US_ASCII).strip()
                        + ", expected " + MAGIC + ")");
            }
            int version = in.readInt();
            if (version != VERSION) throw new CheckpointFormatException(file + ": U-Net checkpoint version " + version + " is not supported (only " + VERSION + ")");
            long length = in.readLong();
            if (length < 0 || length > all.length - 24) throw new CheckpointFormatException(file + " is truncated: header says " + length + " payload bytes");
            byte[] payload = new byte[(int) length];
            in.readFully(payload);
            int stored = in.readInt();
            CRC32 crc = new CRC32();
            crc.update(payload);
            if ((int) crc.getValue() != stored) throw new CheckpointFormatException(file + ": checksum mismatch (the file is damaged)");
            return parse(new DataInputStream(new java.io.ByteArrayInputStream(payload)), file);
        } catch (EOFException e) {
            throw new CheckpointFormatException(file + " is truncated");
        }
    }

    private static ImageCheckpoint parse(DataInputStream in, Path file) throws IOException {
        int channels = in.readInt(), height = in.readInt(), width = in.readInt(), base = in.readInt(), levels = in.readInt();
        if (levels < 1 || levels > 16) throw new CheckpointFormatException(file + ": " + levels + " levels is not a U-Net this project writes");
        int[] multipliers = new int[levels];
        for (int l = 0; l < levels; l++) multipliers[l] = in.readInt();
        int groups = in.readInt(), features = in.readInt(), embedding = in.readInt(), classes = in.readInt(), T = in.readInt();
        UNet.Config config;
        PredictionType prediction;
        try {
            config = new UNet.Config(channels, height, width, base, multipliers, groups, features, embedding, classes, T);
            prediction = PredictionType.parse(readString(in));
        } catch (IllegalArgumentException e) {
            throw new CheckpointFormatException(file + ": " + e.getMessage());
        }
        String dataset = readString(in);
        int scheduleT = in.readInt();
        if (scheduleT != T) throw new CheckpointFormatException(file + ": schedule has T = " + scheduleT + " but the network " + T);
        double[] betas = new double[T];
        for (int i = 0; i < T; i++) betas[i] = in.readDouble();
        UNet net = new UNet(config, new SplittableRandom(0));
        List<Parameter> params = net.parameters();
        int count = in.readInt();
        if (count != params.size()) throw new CheckpointFormatException(file + ": " + count + " parameter arrays, the architecture has " + params.size());
        for (Parameter p : params) {
            String name = readString(in);
            int rows = in.readInt(), cols = in.readInt();
            if (!name.equals(p.name()) || rows != p.value().getNumRows() || cols != p.value().getNumCols()) {
                throw new CheckpointFormatException(file + ": parameter " + name + " " + rows + "x" + cols + " does not match "
                        + p.name() + " " + p.value().getNumRows() + "x" + p.value().getNumCols());
            }
            double[] w = p.w();
            for (int i = 0; i < w.length; i++) w[i] = in.readDouble();
        }
        return new ImageCheckpoint(net, prediction, NoiseSchedule.fromBetas(betas), dataset);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 16) throw new IOException("string length " + n + " is implausible");
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
