package org.diffusionlab.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageGridTest {

    @Test
    @DisplayName("-1 is black, +1 white, 0 mid-grey, out-of-range values are clamped")
    void levels() {
        assertEquals(0, ImageGrid.level(-1));
        assertEquals(255, ImageGrid.level(1));
        assertEquals(128, ImageGrid.level(0));
        assertEquals(255, ImageGrid.level(3));
        assertEquals(0, ImageGrid.level(-2));
    }

    @Test
    @DisplayName("image k goes to row k / columns and column k mod columns, zoomed, with 2-pixel gaps; the PNG reads back")
    void layout(@TempDir Path dir) throws IOException {
        double[] black = new double[4], white = {1, 1, 1, 1};
        java.util.Arrays.fill(black, -1);
        double[][] images = {black, white, white};
        Path file = dir.resolve("sub/grid.png");
        ImageGrid.write(file, images, 2, 2, 2, 2, 3);
        BufferedImage img = ImageIO.read(file.toFile());
        assertEquals(2 * (2 * 3 + 2) + 2, img.getWidth());
        assertEquals(0, img.getRaster().getSample(2, 2, 0));          // image 0, top-left pixel
        assertEquals(255, img.getRaster().getSample(2 + 8, 2, 0));    // image 1 is to its right
        assertEquals(255, img.getRaster().getSample(2, 2 + 8, 0));    // image 2 starts row 1
        assertEquals(128, img.getRaster().getSample(2 + 8 + 5, 2 + 8 + 5, 0)); // empty cell stays grey
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.render(images, 2, 2, 1, 2, 1));
    }
}
