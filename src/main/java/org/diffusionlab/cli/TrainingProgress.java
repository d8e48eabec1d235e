package org.diffusionlab.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.diffusionlab.train.TrainingMonitor;

/**
 * A progress bar over the training steps that shows the smoothed loss.
 *
 * <p>On a terminal it is the usual bar redrawn in place. Anywhere else (a CI log, a redirected
 * stream, a test) it prints a plain ASCII line every few seconds instead, because a bar redrawn
 * with {@code \r} and colour codes becomes one unreadable line in a log file.
 */
final class TrainingProgress implements TrainingMonitor, AutoCloseable {

    /** Time between two lines in a log: about twenty lines for a three-minute run. */
    private static final int LOG_INTERVAL_MILLIS = 10_000;
    private static final int LOG_LINE_LENGTH = 120;

    private final ProgressBar bar;

    private TrainingProgress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * @param steps total number of steps
     * @param log where the plain lines go when not {@code interactive}
     * @param interactive true to draw an in-place bar on the terminal (stderr)
     */
    static TrainingProgress start(int steps, PrintStream log, boolean interactive) {
        ProgressBarBuilder builder = new ProgressBarBuilder().setTaskName("train").setInitialMax(steps)
                .setUnit(" steps", 1).showSpeed();
        if (interactive) {
            builder.setUpdateIntervalMillis(250);
        } else {
            builder.setStyle(ProgressBarStyle.ASCII)
                    .setUpdateIntervalMillis(LOG_INTERVAL_MILLIS)
                    .setConsumer(new DelegatingProgressBarConsumer(new DistinctLines(log), LOG_LINE_LENGTH));
        }
        return new TrainingProgress(builder.build());
    }

    @Override
    public void onStep(int step, double loss, double smoothedLoss) {
        bar.stepTo(step);
        // The renderer puts no space between the speed and this message.
        bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f", smoothedLoss));
    }

    @Override
    public void close() {
        bar.close();
    }

    /** Prints a line unless it repeats the previous one (closing the bar renders it twice). */
    private static final class DistinctLines implements Consumer<String> {
        private final PrintStream log;
        private String previous;

        DistinctLines(PrintStream log) {
            this.log = log;
        }

        @Override
        public void accept(String line) {
            if (!line.equals(previous)) log.println(line);
            previous = line;
        }
    }
}
