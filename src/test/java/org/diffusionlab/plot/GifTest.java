package org.diffusionlab.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Node;

class GifTest {

    @TempDir
    Path dir;

    private static BufferedImage flat(Color c) {
        BufferedImage img = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(c);
        g.fillRect(0, 0, 40, 30);
        g.dispose();
        return img;
    }

    private static IIOMetadataNode child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) return (IIOMetadataNode) n;
        }
        return null;
    }

    @Test
    @DisplayName("a written GIF reads back with every frame in order, its size, colour, delay and loop flag")
    void roundTrip() throws IOException {
        List<Color> colors = List.of(Color.RED, Color.GREEN, Color.BLUE);
        for (boolean loop : new boolean[] {true, false}) {
            Path p = dir.resolve("anim-" + loop + ".gif");
            Gif.write(colors.stream().map(GifTest::flat).toList(), p, 50, loop);
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            try (ImageInputStream in = ImageIO.createImageInputStream(p.toFile())) {
                reader.setInput(in);
                assertEquals(3, reader.getNumImages(true));
                for (int k = 0; k < 3; k++) {
                    BufferedImage frame = reader.read(k);
                    assertEquals(40, frame.getWidth());
                    assertEquals(30, frame.getHeight());
                    assertEquals(colors.get(k).getRGB(), frame.getRGB(20, 15), "frame " + k);
                    Node root = reader.getImageMetadata(k).getAsTree("javax_imageio_gif_image_1.0");
                    assertEquals("5", child(root, "GraphicControlExtension").getAttribute("delayTime"));
                    IIOMetadataNode apps = child(root, "ApplicationExtensions");
                    assertEquals(loop && k == 0, apps != null, "loop extension on frame " + k);
                    if (apps != null) {
                        IIOMetadataNode app = child(apps, "ApplicationExtension");
                        assertEquals("NETSCAPE", app.getAttribute("applicationID"));
                    }
                }
            } finally {
                reader.dispose();
            }
        }
    }

    @Test
    @DisplayName("writing over an existing GIF replaces it")
    void replaces() throws IOException {
        Path p = dir.resolve("a.gif");
        Gif.write(List.of(flat(Color.RED), flat(Color.RED), flat(Color.RED)), p, 100, true);
        Gif.write(List.of(flat(Color.BLUE)), p, 100, false);
        BufferedImage img = ImageIO.read(p.toFile());
        assertEquals(Color.BLUE.getRGB(), img.getRGB(0, 0));
        assertTrue(p.toFile().length() < 1000, "single flat frame should be small, is " + p.toFile().length());
    }

    @Test
    @DisplayName("no frames, frames of different sizes and negative delays are rejected naming the parameter")
    void badArguments() {
        Path p = dir.resolve("x.gif");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Gif.write(List.of(), p, 10, true))
                .getMessage().startsWith("frames = []"));
        BufferedImage small = new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Gif.write(List.of(flat(Color.RED), small), p, 10, true))
                .getMessage().startsWith("frames[1] is 10x10"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Gif.write(List.of(small), p, -1, true))
                .getMessage().startsWith("delayMillis = -1"));
    }
}
