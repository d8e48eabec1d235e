package org.diffusionlab.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.data.Sizes;
import org.diffusionlab.data.TrainingData;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.ScalarTimeEmbedding;
import org.diffusionlab.model.SinusoidalTimeEmbedding;
import org.diffusionlab.model.TimeEmbedding;
import org.diffusionlab.report.Recipe;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.DdimSampler;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.Checkpoint;
import org.diffusionlab.train.LearningRateSchedule;
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.OptimizerChoice;
import org.diffusionlab.train.TrainConfig;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/**
 * The run's choices: {@link Main}'s flags checked and resolved against the recipe's defaults
 * before any work, each bad value a {@link ParameterException} naming its flag.
 *
 * <p>{@code --recipe} ({@link Recipe}) sets the defaults of the data size, the schedule, the
 * sampler, the network and its training: {@code notebook} (the default) is notebook 000's
 * full-batch momentum SGD on the 3-layer MLP with the t/T input; {@code default} is the tuned
 * mini-batch recipe ({@link DeepMlp}, sinusoidal embedding, AdamW, clipping, EMA). Every flag
 * overrides its recipe value. With {@code --recipe notebook}, a mini-batch flag (see
 * {@link #MINI_BATCH_FLAGS}) switches training to the mini-batch trainer, starting from the
 * notebook's network and a full batch; the optimizer must then be named, because the mini-batch
 * trainer's SGD has momentum {@value OptimizerChoice#SGD_MOMENTUM}, not the notebook's.
 *
 * <p>The other flags pick the dataset, the schedule (linear with its β range, or cosine: then the
 * β flags are rejected rather than ignored), the sampler (ddpm, posterior, ddim with S steps and η,
 * optional x̂0 clipping). Loading a checkpoint instead of training rejects the training and
 * schedule flags: the checkpoint fixes them. It also supplies the dataset and the spiral's jitter
 * the model was trained on, unless {@code --dataset} (or {@code --jitter}) is given: measuring a
 * model against other data is allowed but gets a {@link #dataNote}, as does a checkpoint that does
 * not record its data (format versions 1 and 2). A flag that does not apply to the chosen options
 * is a usage error, not a silent no-op.
 */
final class Choices {

    /**
     * The flags that choose the mini-batch trainer's options; with {@code --recipe notebook} any of
     * them switches training from full-batch momentum SGD to the mini-batch trainer.
     */
    static final List<String> MINI_BATCH_FLAGS = List.of("--hidden-layers", "--embedding", "--optimizer", "--batch-size",
            "--lr-schedule", "--weight-decay", "--clip-norm", "--ema");

    /** The reverse-process sampler chosen with --sampler. */
    enum SamplerKind {
        /** {@link DdpmSampler}: DDPM eq. 11 with σ_t² = β_t, T steps. */
        DDPM("ddpm"),
        /** {@link AncestralSampler} with σ_t² = β̃_t, the posterior variance, T steps. */
        POSTERIOR("posterior"),
        /** {@link DdimSampler} with --ddim-steps S and --eta. */
        DDIM("ddim");

        final String id;

        SamplerKind(String id) {
            this.id = id;
        }
    }

    /** Where the schedule came from: a linear β range, the cosine schedule, a recipe's schedule of another shape, or a checkpoint. */
    enum ScheduleKind { LINEAR, COSINE, RECIPE, CHECKPOINT }

    /**
     * The network and its training, after the recipe's defaults and the flags.
     *
     * @param hiddenLayers L ≥ 1 (2 for the full-batch {@link Mlp})
     * @param width w ≥ 1, every hidden layer's width
     * @param embedding the time input (the {@link ScalarTimeEmbedding} t/T for the full-batch {@link Mlp})
     * @param config a {@link TrainConfig} (full batch, the notebook's {@link Mlp}) or a
     *     {@link MiniBatchConfig} (a {@link DeepMlp} trained by {@link Recipe#trainDeepMlp})
     */
    record ModelChoice(int hiddenLayers, int width, TimeEmbedding embedding, Record config) {

        boolean fullBatch() {
            return config instanceof TrainConfig;
        }

        int steps() {
            return config instanceof TrainConfig c ? c.steps() : ((MiniBatchConfig) config).steps();
        }

        double lr() {
            return config instanceof TrainConfig c ? c.lr() : ((MiniBatchConfig) config).lr();
        }
    }

    /** The resolved choices, set once by {@link #resolve()}. */
    Recipe recipe;
    Dataset dataset;
    /** σ of the spiral's jitter: --jitter, or the loaded checkpoint's when --jitter is not given. */
    double jitter;
    /**
     * What of the data came from the loaded checkpoint rather than the flags, in words ("dataset
     * from the checkpoint", "dataset and jitter from the checkpoint", "jitter from the checkpoint"),
     * or null when nothing did.
     */
    String dataSource;
    /**
     * A line starting "note: " when the loaded model is measured against data other than its own
     * or its checkpoint does not record its data; null otherwise.
     */
    String dataNote;
    int nPoints;
    NoiseSchedule schedule;
    ScheduleKind scheduleKind;
    double linearStart, linearEnd;
    SamplerKind sampler;
    /** {MIN, MAX} of --clip-x0, or null. */
    double[] clip;
    /** The network and its training; null when a checkpoint is loaded. */
    ModelChoice modelChoice;
    /** The checkpoint of --load-checkpoint, or null. */
    Checkpoint loaded;

    private final Main flags;
    private final CommandLine cmd;

    private Choices(Main flags) {
        this.flags = flags;
        this.cmd = flags.spec.commandLine();
    }

    /** The choices of {@code flags}, or a {@link ParameterException} for the first bad value. */
    static Choices of(Main flags) {
        Choices choices = new Choices(flags);
        choices.resolve();
        return choices;
    }

    /** Checks every value before any work, naming the flag, so a typo costs no training time. */
    private void resolve() {
        try {
            recipe = Recipe.byName(flags.recipeName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, "--recipe " + flags.recipeName + " is invalid: must be one of "
                    + Recipe.validNames());
        }
        RecipeDefaults defaults = RecipeDefaults.of(recipe);
        nPoints = flags.points != null ? flags.points : defaults.points();
        require(nPoints >= 2, "--points", nPoints, "must be >= 2");
        require(flags.jitter >= 0 && flags.jitter <= Datasets.MAX_JITTER, "--jitter", flags.jitter, "must lie in [0, "
                + RecipeText.plain(Datasets.MAX_JITTER) + "] (the spiral has radius 1; at " + RecipeText.plain(Datasets.MAX_JITTER)
                + " it is already lost in the noise, and near 1e150 the variance overflows and the data become all zeros)");
        require(flags.timesteps == null || flags.timesteps >= 1, "--timesteps", flags.timesteps, "must be >= 1");
        requireBeta("--beta-start", flags.betaStart);
        requireBeta("--beta-end", flags.betaEnd);
        require(flags.width == null || flags.width >= 1, "--width (--hidden)", flags.width, "must be >= 1");
        require(flags.hiddenLayers == null || flags.hiddenLayers >= 1, "--hidden-layers", flags.hiddenLayers,
                "must be >= 1");
        require(flags.steps == null || flags.steps >= 1, "--steps", flags.steps, "must be >= 1");
        require(flags.lr == null || (flags.lr > 0 && Double.isFinite(flags.lr)), "--lr", flags.lr, "must be finite and > 0");
        require(flags.momentum == null || (flags.momentum >= 0 && flags.momentum < 1), "--momentum", flags.momentum,
                "must lie in [0, 1)");
        require(flags.weightDecay == null || (flags.weightDecay >= 0 && Double.isFinite(flags.weightDecay)), "--weight-decay",
                flags.weightDecay, "must be finite and >= 0");
        // The floor compares two held-out samples of this size, and standardizing needs two points.
        require(flags.samples >= 2, "--samples", flags.samples, "must be >= 2");

        try {
            dataset = Dataset.byName(flags.datasetName);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(cmd, "--dataset " + flags.datasetName + " is invalid: must be one of "
                    + Dataset.validNames());
        }
        jitter = flags.jitter;
        require(flags.scheduleName == null || flags.scheduleName.equals("linear") || flags.scheduleName.equals("cosine"),
                "--schedule", flags.scheduleName, "must be linear or cosine");
        sampler = defaults.sampler();
        if (flags.samplerName != null) {
            sampler = null;
            for (SamplerKind k : SamplerKind.values()) {
                if (k.id.equals(flags.samplerName)) sampler = k;
            }
            require(sampler != null, "--sampler", flags.samplerName, "must be ddpm, posterior or ddim");
        }
        requireOnlyWith("--ddim-steps", sampler == SamplerKind.DDIM, "--sampler ddim");
        requireOnlyWith("--eta", sampler == SamplerKind.DDIM, "--sampler ddim");
        requireOnlyWith("--clip-x0", sampler != SamplerKind.DDPM, "--sampler posterior or ddim");
        require(flags.eta == null || (flags.eta >= 0 && flags.eta <= 1), "--eta", flags.eta, "must lie in [0, 1]");
        clip = flags.clipRange == null ? null : parseClip(flags.clipRange);

        if (flags.loadCheckpoint != null) {
            List<String> fixed = new ArrayList<>(List.of("--timesteps", "--beta-start", "--beta-end", "--schedule", "--width",
                    "--steps", "--lr", "--momentum", "--save-checkpoint"));
            fixed.addAll(MINI_BATCH_FLAGS);
            for (String flag : fixed) {
                requireOnlyWith(flag, false, "training (the checkpoint fixes the model, its schedule and its config)");
            }
            PathChecks.fileToRead(cmd, "--load-checkpoint", flags.loadCheckpoint);
            try {
                loaded = Checkpoint.load(flags.loadCheckpoint);
            } catch (IOException e) {
                throw new ParameterException(cmd, "--load-checkpoint " + flags.loadCheckpoint
                        + " cannot be used: " + (e instanceof org.diffusionlab.train.CheckpointFormatException
                                ? e.getMessage() : PathChecks.reason(e)));
            }
            resolveLoadedData(loaded.trainingData());
            schedule = loaded.schedule();
            requireDdimSteps(schedule.T());
            var m = loaded.model();
            checkBudget(defaults, schedule.T(), m instanceof DeepMlp d
                    ? new Net(d.width(), d.hiddenLayers(), d.embedding().dimension(), 1, false, 0)
                    : new Net(((Mlp) m).hiddenDim(), 2, 1, 1, true, 0));
            scheduleKind = ScheduleKind.CHECKPOINT;
            linearStart = RecipeDefaults.LINEAR_BETA_START;
            linearEnd = RecipeDefaults.LINEAR_BETA_END;
        } else {
            // The model first: the memory check before building the schedule needs its sizes.
            modelChoice = resolveModel(defaults);
            schedule = resolveSchedule(defaults);
        }
        requireOnlyWith("--jitter", dataset == Dataset.SPIRAL, "--dataset spiral"
                + (loaded != null && !matched("--dataset") ? " (the checkpoint's model was trained on " + dataset.id() + ")" : ""));
    }

    /** T as the flags will set it: --timesteps, else the recipe's; checks --ddim-steps against it. */
    private int plannedT(RecipeDefaults defaults) {
        int T = flags.timesteps != null ? flags.timesteps : defaults.schedule().T();
        requireDdimSteps(T);
        return T;
    }

    private static final String MIN_BETA_TEXT = String.format(java.util.Locale.ROOT, "%.0e", NoiseSchedule.MIN_BETA);

    /** A β flag: in [MIN_BETA, MAX_BETA] of {@link NoiseSchedule}, the range where the samplers stay finite. */
    private void requireBeta(String flag, Double beta) {
        require(beta == null || (beta >= NoiseSchedule.MIN_BETA && beta <= NoiseSchedule.MAX_BETA), flag, beta,
                "must lie in [" + MIN_BETA_TEXT + ", " + RecipeText.plain(NoiseSchedule.MAX_BETA)
                + "]: " + (beta != null && beta < 0.5
                        ? "below " + MIN_BETA_TEXT + " 1 - beta rounds to 1 in doubles, so "
                                + "alpha_bar_1 = 1 and the sampler divides by sqrt(1 - alpha_bar_1) = 0 (NaN samples)"
                        : "above " + RecipeText.plain(NoiseSchedule.MAX_BETA) + " each reverse step divides by sqrt(alpha_t) "
                                + "< 0.0316 and the samples blow up (the cosine schedule caps beta at "
                                + RecipeText.plain(NoiseSchedule.COSINE_MAX_BETA) + " for this reason)"));
    }

    private void requireDdimSteps(int T) {
        require(flags.ddimSteps == null || (flags.ddimSteps >= 1 && flags.ddimSteps <= T), "--ddim-steps", flags.ddimSteps,
                "must lie in [1, T = " + T + "]");
    }

    /**
     * The network's sizes for {@link RunBudget}: width w, hidden layers L, time inputs k (1 for
     * t/T), rows per batch B, full batch or not, training steps K (0 for a loaded model).
     */
    record Net(int width, int layers, int k, long batch, boolean fullBatch, int steps) {}

    /**
     * Refuses a run whose estimated memory ({@link RunBudget}) exceeds the heap, or one of whose
     * arrays Java cannot index, naming the size flag most to blame and its largest value that fits.
     */
    private void checkBudget(RecipeDefaults defaults, int T, Net net) {
        boolean gif = flags.gif;
        List<RunBudget.Flag> sizeFlags = new ArrayList<>();
        RunBudget.Run run = new RunBudget.Run(nPoints, T, net.width(), net.layers(), net.k(), net.batch(), net.fullBatch(),
                flags.samples, RunBudget.Run.keptStates(sampler, T, flags.ddimSteps), net.steps(), gif, loaded != null);
        if (loaded == null) {
            RunBudget.Run r = run;
            sizeFlags.add(new RunBudget.Flag("--timesteps", T, 1, defaults.schedule().T(), v -> new RunBudget.Run(r.points(),
                    v, r.width(), r.hiddenLayers(), r.k(), r.batch(), r.fullBatch(), r.samples(),
                    RunBudget.Run.keptStates(sampler, v, flags.ddimSteps), r.steps(), gif, false)));
            sizeFlags.add(new RunBudget.Flag("--width", net.width(), 1, defaults.model().width(), v -> new RunBudget.Run(
                    r.points(), r.T(), v, r.hiddenLayers(), r.k(), r.batch(), r.fullBatch(), r.samples(), r.keptStates(),
                    r.steps(), gif, false)));
            sizeFlags.add(new RunBudget.Flag("--steps", net.steps(), 1, defaults.model().steps(), v -> new RunBudget.Run(
                    r.points(), r.T(), r.width(), r.hiddenLayers(), r.k(), r.batch(), r.fullBatch(), r.samples(),
                    r.keptStates(), v, gif, false)));
            if (!net.fullBatch()) {
                sizeFlags.add(new RunBudget.Flag("--hidden-layers", net.layers(), 1, Recipe.HIDDEN_LAYERS,
                        v -> new RunBudget.Run(r.points(), r.T(), r.width(), v, r.k(), r.batch(), false, r.samples(),
                                r.keptStates(), r.steps(), gif, false)));
                sizeFlags.add(new RunBudget.Flag("--embedding", "sinusoidal:", net.k(), 2, Recipe.EMBEDDING,
                        v -> new RunBudget.Run(r.points(), r.T(), r.width(), r.hiddenLayers(), v, r.batch(), false,
                                r.samples(), r.keptStates(), r.steps(), gif, false)));
                sizeFlags.add(new RunBudget.Flag("--batch-size", net.batch(), 1, Recipe.TRAINING.batchSize(),
                        v -> new RunBudget.Run(r.points(), r.T(), r.width(), r.hiddenLayers(), r.k(), v, false,
                                r.samples(), r.keptStates(), r.steps(), gif, false)));
            }
        }
        RunBudget.Run r = run;
        sizeFlags.add(new RunBudget.Flag("--points", nPoints, 2, defaults.points(), v -> new RunBudget.Run(v, r.T(),
                r.width(), r.hiddenLayers(), r.k(), Math.min(r.batch(), v), r.fullBatch(), r.samples(), r.keptStates(),
                r.steps(), gif, r.loaded())));
        sizeFlags.add(new RunBudget.Flag("--samples", flags.samples, 2, 1000, v -> new RunBudget.Run(r.points(), r.T(),
                r.width(), r.hiddenLayers(), r.k(), r.batch(), r.fullBatch(), v, r.keptStates(), r.steps(), gif,
                r.loaded())));
        if (flags.ddimSteps != null) {
            sizeFlags.add(new RunBudget.Flag("--ddim-steps", flags.ddimSteps, 1, Math.min(T, 50), v -> new RunBudget.Run(
                    r.points(), r.T(), r.width(), r.hiddenLayers(), r.k(), r.batch(), r.fullBatch(), r.samples(), v + 1,
                    r.steps(), gif, r.loaded())));
        }
        String problem = RunBudget.check(run, sizeFlags, Sizes.maxHeap());
        if (problem != null) throw new ParameterException(cmd, problem);
    }

    /**
     * The data a loaded model is measured against: the checkpoint's dataset and jitter unless
     * --dataset (or --jitter) is given, with a {@link #dataNote} when they differ from the
     * checkpoint's or the checkpoint does not record them.
     */
    private void resolveLoadedData(TrainingData trained) {
        if (trained == null) {
            dataNote = "note: " + flags.loadCheckpoint + " does not record the data its model was trained on (checkpoint "
                    + "format version 1 or 2); measuring it against --dataset " + dataset.id()
                    + (matched("--dataset") ? "" : " (the default)") + ".";
            return;
        }
        boolean datasetGiven = matched("--dataset");
        if (!datasetGiven) dataset = trained.dataset();
        boolean jitterTaken = dataset == Dataset.SPIRAL && trained.dataset() == Dataset.SPIRAL && !matched("--jitter");
        if (jitterTaken) jitter = trained.jitter();
        dataSource = !datasetGiven ? (jitterTaken ? "dataset and jitter" : "dataset") + " from the checkpoint"
                : jitterTaken ? "jitter from the checkpoint" : null;
        if (!trained.sameDistribution(dataset, jitter)) {
            List<String> givenFlags = new ArrayList<>();
            for (String flag : List.of("--dataset", "--jitter")) {
                if (matched(flag)) givenFlags.add(given(flag));
            }
            dataNote = "note: the model was trained on " + describeData(trained.dataset(), trained.jitter())
                    + " but is measured against " + describeData(dataset, jitter) + " (" + String.join(" ", givenFlags) + ").";
        }
    }

    /** "moons", or "spiral (jitter 0.02)". */
    private static String describeData(Dataset d, double jitter) {
        return d == Dataset.SPIRAL ? d.id() + " (jitter " + RecipeText.plain(jitter) + ")" : d.id();
    }

    /**
     * The schedule from the flags, with the recipe's as default: its kind (linear or cosine), its T
     * and, for a linear one, its β range. A recipe schedule that is neither the cosine one nor the
     * notebook's linear one is used as it is, and then only --schedule may replace it.
     */
    private NoiseSchedule resolveSchedule(RecipeDefaults defaults) {
        NoiseSchedule recipeSchedule = defaults.schedule();
        ScheduleKind recipeKind = recipe == Recipe.NOTEBOOK ? ScheduleKind.LINEAR
                : isCosine(recipeSchedule) ? ScheduleKind.COSINE : ScheduleKind.RECIPE;
        scheduleKind = flags.scheduleName == null ? recipeKind
                : flags.scheduleName.equals("cosine") ? ScheduleKind.COSINE : ScheduleKind.LINEAR;
        // The cosine schedule has no beta range; silently ignoring one would hide a typo.
        requireOnlyWith("--beta-start", scheduleKind == ScheduleKind.LINEAR, "--schedule linear");
        requireOnlyWith("--beta-end", scheduleKind == ScheduleKind.LINEAR, "--schedule linear");
        requireOnlyWith("--timesteps", scheduleKind != ScheduleKind.RECIPE, "--schedule linear or cosine (the "
                + recipe.id() + " recipe's schedule is neither)");
        linearStart = flags.betaStart != null ? flags.betaStart : RecipeDefaults.LINEAR_BETA_START;
        linearEnd = flags.betaEnd != null ? flags.betaEnd : RecipeDefaults.LINEAR_BETA_END;
        int T = flags.timesteps != null ? flags.timesteps : recipeSchedule.T();
        try {
            return switch (scheduleKind) {
                case LINEAR -> NoiseSchedule.linearBetaSchedule(T, linearStart, linearEnd);
                case COSINE -> NoiseSchedule.cosineBetaSchedule(T);
                case RECIPE, CHECKPOINT -> recipeSchedule;
            };
        } catch (IllegalArgumentException e) {
            // Only alpha_bar_T underflowing gets here: the beta flags and T were checked above.
            String flagsGiven = String.join(" ", java.util.stream.Stream.of("--timesteps", "--beta-start", "--beta-end",
                    "--schedule").filter(this::matched).map(this::given).toList());
            throw new ParameterException(cmd, (flagsGiven.isEmpty() ? "the recipe's schedule" : flagsGiven)
                    + " is invalid: " + e.getMessage(), e);
        }
    }

    /** The network and its training from the flags, with the recipe's as defaults (rules in the class comment). */
    private ModelChoice resolveModel(RecipeDefaults defaults) {
        ModelChoice base = defaults.model();
        String miniBatchFlag = null;
        for (String flag : MINI_BATCH_FLAGS) {
            if (miniBatchFlag == null && matched(flag)) miniBatchFlag = flag;
        }
        if (base.config() instanceof TrainConfig full) {
            if (miniBatchFlag == null) {
                int width = flags.width != null ? flags.width : base.width();
                int steps = flags.steps != null ? flags.steps : full.steps();
                checkBudget(defaults, plannedT(defaults), new Net(width, base.hiddenLayers(), 1, nPoints, true, steps));
                return new ModelChoice(base.hiddenLayers(), width, base.embedding(), new TrainConfig(steps,
                        flags.lr != null ? flags.lr : full.lr(),
                        flags.momentum != null ? flags.momentum : full.momentum(), full.smoothing()));
            }
            if (!matched("--optimizer")) {
                throw new ParameterException(cmd, given(miniBatchFlag) + " is invalid here without --optimizer: "
                        + "with --recipe " + recipe.id() + " it switches to the mini-batch trainer, whose optimizer must "
                        + "then be named (--optimizer sgd, adam or adamw; its sgd has momentum "
                        + OptimizerChoice.SGD_MOMENTUM + ", not --momentum)");
            }
            // The notebook's network on a full batch, with nothing the notebook does not do.
            base = new ModelChoice(base.hiddenLayers(), base.width(), base.embedding(), new MiniBatchConfig(full.steps(),
                    nPoints, OptimizerChoice.ADAM, full.lr(), LearningRateSchedule.CONSTANT, 0, MiniBatchConfig.NO_CLIPPING,
                    MiniBatchConfig.NO_EMA, full.smoothing()));
        }
        requireOnlyWith("--momentum", false, "full-batch training (--recipe notebook without " + String.join(", ",
                MINI_BATCH_FLAGS) + "); the mini-batch sgd has momentum " + OptimizerChoice.SGD_MOMENTUM);
        MiniBatchConfig c = (MiniBatchConfig) base.config();
        OptimizerChoice optimizer = c.optimizer();
        if (flags.optimizerName != null) {
            optimizer = switch (flags.optimizerName) {
                case "sgd" -> OptimizerChoice.MOMENTUM_SGD;
                case "adam" -> OptimizerChoice.ADAM;
                case "adamw" -> OptimizerChoice.ADAMW;
                default -> throw new ParameterException(cmd, "--optimizer " + flags.optimizerName
                        + " is invalid: must be sgd, adam or adamw");
            };
        }
        boolean sgd = optimizer == OptimizerChoice.MOMENTUM_SGD;
        LearningRateSchedule lrSchedule = sgd ? LearningRateSchedule.CONSTANT : c.lrSchedule();
        if (flags.lrScheduleName != null) {
            require(flags.lrScheduleName.equals("constant") || flags.lrScheduleName.equals("cosine"), "--lr-schedule",
                    flags.lrScheduleName, "must be constant or cosine");
            lrSchedule = flags.lrScheduleName.equals("cosine") ? LearningRateSchedule.COSINE : LearningRateSchedule.CONSTANT;
            require(!(sgd && lrSchedule == LearningRateSchedule.COSINE), "--lr-schedule", flags.lrScheduleName,
                    "must be constant with --optimizer sgd (momentum SGD's learning rate is fixed)");
        }
        requireOnlyWith("--weight-decay", optimizer == OptimizerChoice.ADAMW, "--optimizer adamw");
        double decay = optimizer != OptimizerChoice.ADAMW ? 0
                : flags.weightDecay != null ? flags.weightDecay
                : c.optimizer() == OptimizerChoice.ADAMW ? c.weightDecay() : Recipe.TRAINING.weightDecay();
        int batch = c.batchSize();
        if (flags.batchSize != null) {
            batch = flags.batchSize.equals("full") ? nPoints
                    : parseInt(flags.batchSize, "--batch-size", "must be an integer >= 1 or full");
            require(batch >= 1, "--batch-size", flags.batchSize, "must be an integer >= 1 or full");
        }
        double clipValue = c.clipNorm();
        if (flags.clipNorm != null) {
            clipValue = flags.clipNorm.equals("off") ? MiniBatchConfig.NO_CLIPPING
                    : parseDouble(flags.clipNorm, "--clip-norm", "must be a finite number > 0 or off");
            require(clipValue > 0 && (Double.isFinite(clipValue) || flags.clipNorm.equals("off")), "--clip-norm",
                    flags.clipNorm, "must be a finite number > 0 or off");
        }
        double emaDecay = c.emaDecay();
        if (flags.ema != null) {
            emaDecay = flags.ema.equals("off") ? MiniBatchConfig.NO_EMA
                    : parseDouble(flags.ema, "--ema", "must lie in (0, 1) or be off");
            require(flags.ema.equals("off") || (emaDecay > 0 && emaDecay < 1), "--ema", flags.ema,
                    "must lie in (0, 1) or be off");
        }
        int k = flags.embeddingName != null ? parseEmbedding(flags.embeddingName) : base.embedding().dimension();
        int layers = flags.hiddenLayers != null ? flags.hiddenLayers : base.hiddenLayers();
        int width = flags.width != null ? flags.width : base.width();
        int steps = flags.steps != null ? flags.steps : c.steps();
        // Before anything of these sizes is allocated, the embedding's frequency table included.
        checkBudget(defaults, plannedT(defaults), new Net(width, layers, k, Math.min(batch, nPoints), false, steps));
        TimeEmbedding embedding = flags.embeddingName == null ? base.embedding()
                : k == 1 ? ScalarTimeEmbedding.INSTANCE : new SinusoidalTimeEmbedding(k);
        return new ModelChoice(layers, width, embedding,
                new MiniBatchConfig(steps, batch, optimizer,
                        flags.lr != null ? flags.lr : c.lr(), lrSchedule, decay, clipValue, emaDecay, c.smoothing()));
    }

    /**
     * The number of time inputs k of "scalar" (1), "sinusoidal" ({@link Recipe#EMBEDDING}) or
     * "sinusoidal:K" (K, even and ≥ 2); the embedding itself is built after the memory check.
     */
    private int parseEmbedding(String value) {
        String range = "must be scalar, sinusoidal or sinusoidal:K with K even and >= 2 (e.g. sinusoidal:32)";
        if (value.equals("scalar")) return 1;
        if (value.equals("sinusoidal")) return Recipe.EMBEDDING;
        int k = -1;
        if (value.startsWith("sinusoidal:")) {
            try {
                k = Integer.parseInt(value.substring("sinusoidal:".length()));
            } catch (NumberFormatException e) {
                k = -1;
            }
        }
        require(k >= 2 && k % 2 == 0, "--embedding", value, range);
        return k;
    }

    private int parseInt(String value, String flag, String range) {
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(cmd, flag + " " + value + " is invalid: " + range);
        }
    }

    private double parseDouble(String value, String flag, String range) {
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new ParameterException(cmd, flag + " " + value + " is invalid: " + range);
        }
    }

    private boolean matched(String flag) {
        return cmd.getParseResult().hasMatchedOption(flag);
    }

    /** The flag as given, with its value: "--ema 0.99". */
    private String given(String flag) {
        List<String> values = cmd.getParseResult().matchedOption(flag).stringValues();
        return values.isEmpty() ? flag : flag + " " + String.join(" ", values);
    }

    /** "MIN,MAX" with finite MIN < MAX. */
    private double[] parseClip(String value) {
        String[] parts = value.split(",", -1);
        double[] range = new double[2];
        boolean ok = parts.length == 2;
        for (int i = 0; ok && i < 2; i++) {
            try {
                range[i] = Double.parseDouble(parts[i].trim());
                ok = Double.isFinite(range[i]);
            } catch (NumberFormatException e) {
                ok = false;
            }
        }
        require(ok && range[0] < range[1], "--clip-x0", value, "must be MIN,MAX with finite MIN < MAX, e.g. -3,3");
        return range;
    }

    /** A flag given on the command line although {@code allowed} is false is a usage error. */
    private void requireOnlyWith(String flag, boolean allowed, String context) {
        if (!allowed && matched(flag)) {
            throw new ParameterException(cmd, given(flag) + " is invalid here: it applies only to " + context);
        }
    }

    private void require(boolean ok, String flag, Object value, String range) {
        if (!ok) {
            // The value as typed ("1e-20", not "1.0E-20") when the flag was given.
            String shown = flag.startsWith("--") && matched(flag) ? given(flag) : flag + " " + value;
            throw new ParameterException(cmd, shown + " is invalid: " + range);
        }
    }

    /** Whether {@code s} is exactly the cosine schedule of its length. */
    static boolean isCosine(NoiseSchedule s) {
        return Arrays.equals(s.betas(), NoiseSchedule.cosineBetaSchedule(s.T()).betas());
    }
}
