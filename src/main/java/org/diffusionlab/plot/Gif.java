package org.diffusionlab.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/**
 * Animated GIFs with the JDK's own GIF writer ({@code javax.imageio}), e.g. one frame per state of
 * the forward process or of a sampler's {@code Trajectory}. No extra dependency.
 *
 * <p>GIF stores the frame delay in hundredths of a second, so the delay is rounded to the nearest
 * 10 ms (many viewers also raise delays below 20 ms to about 100 ms). Colour images are reduced to
 * a 256-colour palette per frame by the writer, which is exact for plots with few flat colours.
 */
public final class Gif {

    private static final String FORMAT = "javax_imageio_gif_image_1.0";

    private Gif() {}

    /**
     * Writes {@code frames} as an animated GIF.
     *
     * @param frames at least one image, all of the same width and height, shown in list order
     * @param path the output file (replaced if it exists)
     * @param delayMillis how long each frame is shown, in [0, 655350] ms (rounded to 10 ms)
     * @param loop true to repeat forever (the NETSCAPE2.0 extension with loop count 0), false to play once
     * @throws IOException if the file cannot be written
     */
    public static void write(List<BufferedImage> frames, Path path, int delayMillis, boolean loop) throws IOException {
        if (frames == null || frames.isEmpty()) {
            throw new IllegalArgumentException("frames = " + frames + " is invalid: need at least one frame");
        }
        if (delayMillis < 0 || delayMillis > 655_350) {
            throw new IllegalArgumentException("delayMillis = " + delayMillis + " is invalid: must lie in [0, 655350]");
        }
        int width = frames.get(0).getWidth(), height = frames.get(0).getHeight();
        for (int k = 1; k < frames.size(); k++) {
            BufferedImage f = frames.get(k);
            if (f.getWidth() != width || f.getHeight() != height) {
                throw new IllegalArgumentException("frames[" + k + "] is " + f.getWidth() + "x" + f.getHeight()
                        + ", invalid: every frame must be " + width + "x" + height + " like frames[0]");
            }
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("gif");
        if (!writers.hasNext()) {
            throw new IOException("this JDK has no GIF image writer");
        }
        ImageWriter writer = writers.next();
        Files.deleteIfExists(path);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(path.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int k = 0; k < frames.size(); k++) {
                BufferedImage frame = frames.get(k);
                IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(frame), null);
                meta.mergeTree(FORMAT, frameMetadata(delayMillis, loop && k == 0));
                writer.writeToSequence(new IIOImage(frame, null, meta), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    /** The per-frame delay and, on the first frame of a looping GIF, the loop extension. */
    private static IIOMetadataNode frameMetadata(int delayMillis, boolean loopExtension) {
        IIOMetadataNode root = new IIOMetadataNode(FORMAT);
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        // each frame is a full picture: nothing to keep from the previous one
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(Math.round(delayMillis / 10f)));
        control.setAttribute("transparentColorIndex", "0");
        root.appendChild(control);
        if (loopExtension) {
            IIOMetadataNode apps = new IIOMetadataNode("ApplicationExtensions");
            IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
            app.setAttribute("applicationID", "NETSCAPE");
            app.setAttribute("authenticationCode", "2.0");
            // sub-block 1, then the loop count as a little-endian uint16; 0 = forever
            app.setUserObject(new byte[] {1, 0, 0});
            apps.appendChild(app);
            root.appendChild(apps);
        }
        return root;
    }
}
