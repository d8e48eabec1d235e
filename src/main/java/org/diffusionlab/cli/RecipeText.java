package org.diffusionlab.cli;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.diffusionlab.cli.Choices.ModelChoice;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.TimeEmbedding;
import org.diffusionlab.report.Recipe;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.LearningRateSchedule;
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.OptimizerChoice;
import org.diffusionlab.train.TrainConfig;

/**
 * Recipes and networks in words: the recipe defaults as flags for the end of --help, and the
 * network and training part of the run's header line.
 */
final class RecipeText {

    private RecipeText() {}

    /** The recipe defaults as flags, for the end of --help. */
    static String recipeFooter() {
        List<String> lines = new ArrayList<>(List.of("", "Recipe defaults (each flag overrides its value):"));
        for (Recipe r : Recipe.values()) {
            RecipeDefaults d = RecipeDefaults.of(r);
            NoiseSchedule s = d.schedule();
            List<String> flags = new ArrayList<>(List.of("--points " + d.points(), "--sampler " + d.sampler().id));
            if (r == Recipe.NOTEBOOK) {
                flags.addAll(List.of("--schedule linear", "--timesteps " + s.T(),
                        "--beta-start " + plain(RecipeDefaults.LINEAR_BETA_START),
                        "--beta-end " + plain(RecipeDefaults.LINEAR_BETA_END)));
            } else {
                flags.add(Choices.isCosine(s) ? "--schedule cosine --timesteps " + s.T() : "its own schedule (T = " + s.T() + ")");
            }
            lines.addAll(wrap("  " + r.id() + ":", flags));
            flags = new ArrayList<>();
            ModelChoice m = d.model();
            if (m.config() instanceof TrainConfig c) {
                flags.addAll(List.of("--width " + m.width() + " (" + m.hiddenLayers() + " hidden layers, t/T)",
                        "--steps " + c.steps(), "--lr " + plain(c.lr()), "--momentum " + plain(c.momentum())));
            } else {
                MiniBatchConfig c = (MiniBatchConfig) m.config();
                flags.addAll(List.of("--hidden-layers " + m.hiddenLayers(), "--width " + m.width(),
                        "--embedding " + embeddingFlag(m.embedding()), "--steps " + c.steps(),
                        "--optimizer " + optimizerFlag(c.optimizer()), "--lr " + plain(c.lr()),
                        "--lr-schedule " + c.lrSchedule().name().toLowerCase(Locale.ROOT)));
                if (c.optimizer() == OptimizerChoice.ADAMW) flags.add("--weight-decay " + plain(c.weightDecay()));
                flags.addAll(List.of("--batch-size " + c.batchSize(),
                        "--clip-norm " + (c.clipNorm() == MiniBatchConfig.NO_CLIPPING ? "off" : plain(c.clipNorm())),
                        "--ema " + (c.emaDecay() == MiniBatchConfig.NO_EMA ? "off" : plain(c.emaDecay()))));
            }
            lines.addAll(wrap(m.fullBatch() ? "    full batch:" : "    mini-batch:", flags));
        }
        lines.addAll(wrap("", Arrays.asList(("With --recipe notebook, a mini-batch flag ("
                + String.join(", ", Choices.MINI_BATCH_FLAGS) + ") switches to the mini-batch trainer, starting from the "
                + "notebook's network (2 x " + RecipeDefaults.NOTEBOOK_WIDTH + ", t/T), a full batch, a constant learning "
                + "rate, no clipping and no EMA; then name --optimizer too (its sgd has momentum "
                + OptimizerChoice.SGD_MOMENTUM + ", not --momentum).").split(" "))));
        return String.join(System.lineSeparator(), lines);
    }

    /** {@code head} and the words, filled into lines of at most 79 characters; continuation lines indented by 4. */
    private static List<String> wrap(String head, List<String> words) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(head);
        for (String w : words) {
            if (line.length() > 4 && line.length() + 1 + w.length() > 79) {
                lines.add(line.toString());
                line = new StringBuilder(head.isEmpty() ? "" : "   ");
            }
            if (line.length() > 0) line.append(' ');
            line.append(w);
        }
        lines.add(line.toString());
        return lines;
    }

    private static String embeddingFlag(TimeEmbedding e) {
        return e instanceof ScalarTimeEmbedding ? "scalar" : "sinusoidal:" + e.dimension();
    }

    private static String optimizerFlag(OptimizerChoice o) {
        return o == OptimizerChoice.MOMENTUM_SGD ? "sgd" : o.name().toLowerCase(Locale.ROOT);
    }

    /** "hidden 128" for the notebook's {@link Mlp}; "4 x 64 hidden, sinusoidal k=32" for a {@link DeepMlp}. */
    static String network(EpsilonModel model) {
        if (model instanceof Mlp mlp) return "hidden " + mlp.hiddenDim();
        DeepMlp deep = (DeepMlp) model;
        return deep.hiddenLayers() + " x " + deep.width() + " hidden, " + deep.embedding();
    }

    static String network(ModelChoice m) {
        return m.fullBatch() ? "hidden " + m.width() : m.hiddenLayers() + " x " + m.width() + " hidden, " + m.embedding();
    }

    /**
     * The training part of the header: steps, optimizer and its settings; {@code stepsPrefix} e.g.
     * "trained ". A batch of at least {@code trainingPoints} reads "full batch" (0: unknown, as for a
     * loaded checkpoint).
     */
    static String describe(String network, Record config, String stepsPrefix, int trainingPoints) {
        if (config instanceof TrainConfig c) {
            return String.format(Locale.ROOT, "%s, %s%d steps, lr %s, momentum %s", network, stepsPrefix, c.steps(),
                    plain(c.lr()), plain(c.momentum()));
        }
        MiniBatchConfig c = (MiniBatchConfig) config;
        String optimizer = optimizerFlag(c.optimizer()) + (c.optimizer() == OptimizerChoice.MOMENTUM_SGD
                ? " (momentum " + plain(OptimizerChoice.SGD_MOMENTUM) + ")" : "");
        String decay = c.optimizer() == OptimizerChoice.ADAMW ? ", weight decay " + plain(c.weightDecay()) : "";
        String batch = trainingPoints > 0 && c.batchSize() >= trainingPoints ? "full batch" : "batch " + c.batchSize();
        return String.format(Locale.ROOT, "%s, %s%d steps, %s lr %s (%s)%s, %s, %s, %s", network, stepsPrefix, c.steps(),
                optimizer, plain(c.lr()), c.lrSchedule() == LearningRateSchedule.COSINE ? "cosine decay" : "constant", decay,
                batch, c.clipNorm() == MiniBatchConfig.NO_CLIPPING ? "no clipping" : "clip " + plain(c.clipNorm()),
                c.emaDecay() == MiniBatchConfig.NO_EMA ? "no ema" : "ema " + plain(c.emaDecay()));
    }

    /** 0.0001 rather than 1.0E-4: the way the flags are usually typed. */
    static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
