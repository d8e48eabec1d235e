package org.diffusionlab.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.sample.Trajectory;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * Square scatter-plot frames of 2-D point sets, drawn with plain Java2D on fixed axes so that
 * successive frames line up: the input of {@link Gif#write} for animations of the forward process
 * and of a sampler's {@link Trajectory}. Only the first two columns of a point set are drawn;
 * points outside [−range, range]² fall off the frame.
 */
public final class ScatterFrames {

    private static final Color POINT = new Color(31, 119, 180, 110);
    private static final Color GRID = new Color(225, 225, 225);

    private ScatterFrames() {}

    /**
     * One frame: the rows of {@code points} as dots on the square [−range, range]², with faint lines
     * at the integers and a title on top.
     *
     * @param points {@code n × d}, d ≥ 2 (columns 0 and 1 are x and y)
     * @param title text drawn at the top, may be empty
     * @param sizePx width and height in pixels, ≥ 32
     * @param range half-width of the axes, finite and &gt; 0
     */
    public static BufferedImage render(SimpleMatrix points, String title, int sizePx, double range) {
        if (points.getNumCols() < 2) {
            throw new IllegalArgumentException("points has " + points.getNumCols() + " columns, invalid: need x and y (>= 2)");
        }
        if (sizePx < 32) {
            throw new IllegalArgumentException("sizePx = " + sizePx + " is invalid: must be >= 32");
        }
        if (!(range > 0) || Double.isInfinite(range)) {
            throw new IllegalArgumentException("range = " + range + " is invalid: must be finite and > 0");
        }
        BufferedImage img = new BufferedImage(sizePx, sizePx, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, sizePx, sizePx);
            double scale = sizePx / (2 * range);
            g.setColor(GRID);
            g.setStroke(new BasicStroke(1f));
            for (int k = (int) Math.ceil(-range); k <= range; k++) {
                int px = (int) Math.round((k + range) * scale);
                g.drawLine(px, 0, px, sizePx);
                g.drawLine(0, sizePx - px, sizePx, sizePx - px);
            }
            g.setColor(POINT);
            double r = Math.max(1.5, sizePx / 160.0);
            for (int i = 0; i < points.getNumRows(); i++) {
                double px = (points.get(i, 0) + range) * scale;
                double py = sizePx - (points.get(i, 1) + range) * scale;  // screen y grows downwards
                g.fill(new Ellipse2D.Double(px - r, py - r, 2 * r, 2 * r));
            }
            if (!title.isEmpty()) {
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(10, sizePx / 25)));
                g.drawString(title, sizePx / 40 + 2, g.getFontMetrics().getAscent() + 2);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    /**
     * Frames of a sampler's trajectory, one per {@code every}-th state from x_T on, always including
     * the final x_0; each is titled with its diffusion step ("reverse t = 37").
     *
     * @param every ≥ 1 (1 keeps every state)
     */
    public static List<BufferedImage> reverseProcess(Trajectory trajectory, int every, int sizePx, double range) {
        if (every < 1) {
            throw new IllegalArgumentException("every = " + every + " is invalid: must be >= 1");
        }
        List<BufferedImage> frames = new ArrayList<>();
        int last = trajectory.states().size() - 1;
        for (int k = 0; k <= last; k++) {
            if (k % every == 0 || k == last) {
                frames.add(render(trajectory.states().get(k), "reverse t = " + trajectory.timesteps().get(k), sizePx, range));
            }
        }
        return frames;
    }

    /**
     * Frames of the forward process q(x_t | x_0) at the steps {@code ts}, each titled "forward t = …".
     * One noise matrix ε (drawn from {@code rng} row by row, the only draws) is shared by every frame:
     * x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (DDPM eq. 4), so each frame has the right distribution and every
     * point moves smoothly from its data position to its own noise. t = 0 shows x_0 itself.
     *
     * @param x0 clean data, {@code n × d}
     * @param ts steps in 0..T, in the order they are shown
     */
    public static List<BufferedImage> forwardProcess(SimpleMatrix x0, NoiseSchedule schedule, List<Integer> ts,
                                                     RandomGenerator rng, int sizePx, double range) {
        SimpleMatrix eps = ForwardProcess.gaussian(x0.getNumRows(), x0.getNumCols(), rng);
        List<BufferedImage> frames = new ArrayList<>();
        for (int t : ts) {
            if (t < 0 || t > schedule.T()) {
                throw new IllegalArgumentException("t = " + t + " is invalid: frames need t in [0, " + schedule.T() + "]");
            }
            SimpleMatrix xt = t == 0 ? x0 : ForwardProcess.qSample(x0, t, schedule, eps);
            frames.add(render(xt, "forward t = " + t, sizePx, range));
        }
        return frames;
    }
}
