package org.diffusionlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.model.image.Tensor;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.schedule.NoiseSchedule;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageCheckpointTest {

    @Test
    @DisplayName("a saved U-Net loads with the same architecture, prediction, schedule and dataset, and gives bit-identical outputs")
    void roundTrip(@TempDir Path dir) throws IOException {
        SplittableRandom rng = new SplittableRandom(4);
        UNet net = new UNet(UNet.Config.digits(10, 30), rng);
        NoiseSchedule schedule = NoiseSchedule.cosineBetaSchedule(30);
        Path file = dir.resolve("unet.ckpt");
        new ImageCheckpoint(net, PredictionType.V, schedule, "digits").save(file);
        ImageCheckpoint loaded = ImageCheckpoint.load(file);
        assertEquals(PredictionType.V, loaded.prediction());
        assertEquals("digits", loaded.dataset());
        assertArrayEquals(schedule.betas(), loaded.schedule().betas());
        assertEquals(net.config().base(), loaded.net().config().base());
        Tensor x = new Tensor(3, 1, 8, 8);
        for (int i = 0; i < x.size(); i++) x.data[i] = rng.nextGaussian();
        int[] t = {1, 15, 30}, y = {2, -1, 9};
        assertArrayEquals(net.forward(x, t, y).data, loaded.net().forward(x, t, y).data);
    }

    @Test
    @DisplayName("a damaged byte fails the checksum, and a file of another kind names the expected magic")
    void rejected(@TempDir Path dir) throws IOException {
        UNet net = new UNet(new UNet.Config(1, 4, 4, 2, new int[] {1}, 2, 4, 4, 0, 5), new SplittableRandom(1));
        Path file = dir.resolve("small.ckpt");
        new ImageCheckpoint(net, PredictionType.EPS, NoiseSchedule.cosineBetaSchedule(5), "digits").save(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Path damaged = Files.write(dir.resolve("damaged.ckpt"), bytes);
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> ImageCheckpoint.load(damaged));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        Path other = Files.write(dir.resolve("other.ckpt"), "DLABCKPT and more bytes of a 2-D checkpoint".getBytes());
        CheckpointFormatException f = assertThrows(CheckpointFormatException.class, () -> ImageCheckpoint.load(other));
        assertTrue(f.getMessage().contains("expected DLABUNET"), f.getMessage());
    }
}
