package org.diffusionlab.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.sample.Trajectory;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScatterFramesTest {

    @TempDir
    Path dir;

    private static int red(BufferedImage img, int x, int y) {
        return (img.getRGB(x, y) >> 16) & 0xff;
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    @Test
    @DisplayName("a point is drawn where its coordinates say: (1.5, 1.5) on [-3, 3]² lands at 3/4 across and 1/4 down")
    void placement() {
        SimpleMatrix p = new SimpleMatrix(new double[][] {{1.5, 1.5}});
        BufferedImage img = ScatterFrames.render(p, "", 200, 3.0);
        assertTrue(red(img, 150, 50) < 200, "point pixel red = " + red(img, 150, 50));
        // the mirror position (bottom left) and a spot off the grid lines stay white
        assertEquals(255, red(img, 50, 150));
        assertEquals(255, red(img, 120, 120));
    }

    @Test
    @DisplayName("reverse-process frames keep every k-th state and the last one")
    void reverseFrames() {
        List<Integer> ts = new ArrayList<>();
        List<SimpleMatrix> states = new ArrayList<>();
        for (int t = 10; t >= 0; t--) {
            ts.add(t);
            states.add(new SimpleMatrix(new double[][] {{t / 10.0, 0}}));
        }
        List<BufferedImage> frames = ScatterFrames.reverseProcess(new Trajectory(ts, states), 3, 64, 2.0);
        // states k = 0, 3, 6, 9 and the last, k = 10
        assertEquals(5, frames.size());
        assertArrayEquals(pixels(ScatterFrames.render(states.get(10), "reverse t = 0", 64, 2.0)), pixels(frames.get(4)));
    }

    @Test
    @DisplayName("forward-process frames write to a GIF that reads back with one frame per requested t")
    void forwardGif() throws IOException {
        SimpleMatrix x0 = Dataset.MOONS.sample(300, new SplittableRandom(1));
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(100, 1e-4, 0.05);
        List<BufferedImage> frames = ScatterFrames.forwardProcess(x0, s, List.of(0, 10, 50, 100), new SplittableRandom(2), 120, 3.0);
        assertEquals(4, frames.size());
        assertArrayEquals(pixels(ScatterFrames.render(x0, "forward t = 0", 120, 3.0)), pixels(frames.get(0)));
        Path p = dir.resolve("forward.gif");
        Gif.write(frames, p, 200, true);
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(p.toFile())) {
            reader.setInput(in);
            assertEquals(4, reader.getNumImages(true));
        } finally {
            reader.dispose();
        }
    }

    @Test
    @DisplayName("bad sizes, ranges and steps are rejected naming the parameter")
    void badArguments() {
        SimpleMatrix p = new SimpleMatrix(3, 2);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScatterFrames.render(new SimpleMatrix(3, 1), "", 64, 1))
                .getMessage().startsWith("points has 1 columns"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScatterFrames.render(p, "", 8, 1))
                .getMessage().startsWith("sizePx = 8"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScatterFrames.render(p, "", 64, 0))
                .getMessage().startsWith("range = 0.0"));
        NoiseSchedule s = NoiseSchedule.linearBetaSchedule(10, 1e-3, 0.1);
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> ScatterFrames.forwardProcess(p, s, List.of(11), new SplittableRandom(1), 64, 1))
                .getMessage().startsWith("t = 11"));
    }
}
