package org.diffusionlab.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.metrics.HeldOutPairs;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.train.TrainingMonitor;
import org.ejml.simple.SimpleMatrix;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The quality report: trains a {@link Recipe} on each toy dataset and compares 2000 generated
 * points with 2000 real ones by sliced Wasserstein-1 ({@link Wasserstein#sliced}), beside the
 * real-vs-real floor (the same distance between two independent 2000-point real samples). The
 * ratio SW / floor is ≈ 1 when the samples are as close to the data as another real sample would
 * be; the goal is ≤ {@value #GOAL}.
 *
 * <p><b>What is judged.</b> One pair of 2000-point samples is a noisy measurement: over real
 * pairs, SW(B, A) has a standard deviation of about 27 % of its mean on these datasets, and the
 * same trained model's single-pair ratio moved between 1.1 and 1.9 over six sampler draws. So the
 * goal is judged on
 * <pre>
 *   ratio = [ (1/K) Σ_{k=1..K} SW(G_k, A_k) ] / [ (1/P) Σ_{k=1..P} SW(B_k, A_k) ]
 * </pre>
 * with K = {@value #GENERATED_SETS} generated sets G_k of {@value #SAMPLES} points (one sampler call
 * each), P = {@value #FLOOR_PAIRS} held-out real pairs (A_k, B_k) of {@value #SAMPLES} points
 * ({@link HeldOutPairs}), each G_k compared with its own A_k. Real data is cheap, hence P &gt; K.
 * This estimates E[SW(generated, real)] / E[SW(real, real)] at n = {@value #SAMPLES} for the
 * trained model; the report prints its standard error (delta method over the K and P terms, about
 * ±0.07), which does not include the spread between training seeds. The single pair
 * SW(G_1, A_1) / SW(B_1, A_1) is printed too, for comparison.
 *
 * <p><b>Draw order.</b> Per dataset, everything comes from one {@code SplittableRandom(seed)}:
 * first a pool of n_train + 2·P·{@value #SAMPLES} points of the dataset in one draw (standardized
 * together, so training and evaluation data share one distribution), then a shuffle of the pool's
 * rows ({@link HeldOutPairs#shuffledOrder}); positions 0..n_train−1 are the training data and the
 * rest the pairs, A_1, B_1, A_2, … ({@link HeldOutPairs#fromPool}); then the recipe's training;
 * then G_1, …, G_K.
 *
 * <pre>
 *   mvn -q -pl src compile exec:java -Dexec.mainClass=org.diffusionlab.report.QualityReport
 *       [-Dexec.args="--recipe default|notebook --steps N --datasets spiral,moons,… --seed S"]
 * </pre>
 * Exits with status 2 when a dataset misses the goal, and (with the usage) on an unknown option or a bad value.
 */
public final class QualityReport {

    /** The target for SW / floor. */
    public static final double GOAL = 1.2;
    /** Generated and real sample size. */
    public static final int SAMPLES = 2000;
    /** K, the generated sets of the judged ratio. */
    public static final int GENERATED_SETS = 20;
    /** P, the held-out real pairs of the judged floor (the first K also serve as the A_k of the generated sets). */
    public static final int FLOOR_PAIRS = 40;
    /** The default seed. */
    public static final long DEFAULT_SEED = 42L;

    private QualityReport() {}

    /**
     * One line of the report.
     *
     * @param dataset the dataset
     * @param single SW(G_1, A_1) with the floor SW(B_1, A_1)
     * @param judged the means of SW(G_k, A_k) over the K generated sets and of SW(B_k, A_k) over the P pairs
     * @param standardError the standard error of {@code judged.ratio()} for this trained model
     * @param trainSeconds wall time of training
     * @param sampleSeconds wall time of generating the K sets
     */
    public record Row(Dataset dataset, Wasserstein.Floor single, Wasserstein.Floor judged, double standardError,
                      double trainSeconds, double sampleSeconds) {
        /** Whether {@code judged.ratio()} ≤ {@value #GOAL}. */
        public boolean meetsGoal() {
            return judged.ratio() <= GOAL;
        }
    }

    /**
     * Trains {@code recipe} on {@code dataset} and measures its samples with K = {@value #GENERATED_SETS}
     * and P = {@value #FLOOR_PAIRS} (draw order in the class comment).
     *
     * @param steps training steps, ≥ 1
     */
    public static Row evaluate(Recipe recipe, Dataset dataset, int steps, long seed) {
        return evaluate(recipe, dataset, steps, seed, GENERATED_SETS, FLOOR_PAIRS);
    }

    /** {@link #evaluate(Recipe, Dataset, int, long)} with K generated sets and P ≥ K real pairs. */
    static Row evaluate(Recipe recipe, Dataset dataset, int steps, long seed, int sets, int pairs) {
        if (sets < 2 || pairs < sets) {
            throw new IllegalArgumentException("sets = " + sets + ", pairs = " + pairs
                    + " is invalid: need 2 <= sets <= pairs (two terms at least, for the standard error)");
        }
        SplittableRandom rng = new SplittableRandom(seed);
        int nTrain = recipe.trainingPoints();
        SimpleMatrix pool = dataset.sample(nTrain + 2 * pairs * SAMPLES, rng);
        int[] order = HeldOutPairs.shuffledOrder(pool.getNumRows(), rng);
        SimpleMatrix train = HeldOutPairs.rows(pool, order, 0, nTrain);
        HeldOutPairs real = HeldOutPairs.fromPool(pool, order, nTrain, pairs, SAMPLES);

        long start = System.nanoTime();
        Recipe.Trained trained = recipe.train(train, steps, rng, TrainingMonitor.NONE);
        long trainedAt = System.nanoTime();
        double[] value = new double[sets], floor = new double[pairs];
        for (int k = 0; k < sets; k++) value[k] = Wasserstein.sliced(recipe.sample(trained, SAMPLES, rng), real.a(k));
        long sampledAt = System.nanoTime();
        for (int k = 0; k < pairs; k++) floor[k] = Wasserstein.sliced(real.b(k), real.a(k));
        return new Row(dataset, new Wasserstein.Floor(value[0], floor[0]), new Wasserstein.Floor(mean(value), mean(floor)),
                standardError(value, floor),
                (trainedAt - start) / 1e9, (sampledAt - trainedAt) / 1e9);
    }

    /**
     * The standard error of mean(value)/mean(floor) by the delta method, for independent terms:
     * r·√(s_v²/(K·m_v²) + s_f²/(P·m_f²)), with r the ratio, m the means and s² the sample variances.
     */
    static double standardError(double[] value, double[] floor) {
        return mean(value) / mean(floor) * Math.sqrt(relativeVarianceOfMean(value) + relativeVarianceOfMean(floor));
    }

    private static double mean(double[] x) {
        double s = 0;
        for (double v : x) s += v;
        return s / x.length;
    }

    /** s²/(n·m²): the squared relative standard error of the mean m of x (s² the sample variance). */
    private static double relativeVarianceOfMean(double[] x) {
        double m = mean(x), ss = 0;
        for (double v : x) ss += (v - m) * (v - m);
        return ss / (x.length - 1) / x.length / (m * m);
    }

    /** Command line entry point; see the class comment. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }

    @Command(name = "QualityReport", mixinStandardHelpOptions = true,
            description = "Train a recipe on each toy dataset and compare its samples with real data (sliced W1 / floor).")
    static final class Cli implements Callable<Integer> {

        @Option(names = "--recipe", paramLabel = "NAME", defaultValue = "default",
                description = "The recipe to train, one of ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
                completionCandidates = RecipeNames.class)
        String recipeName;

        @Option(names = "--steps", paramLabel = "N", description = "Training steps, >= 1 (default: the recipe's).")
        Integer steps;

        @Option(names = "--datasets", paramLabel = "NAME", split = ",",
                description = "Comma-separated datasets, each one of ${COMPLETION-CANDIDATES} (default: all).",
                completionCandidates = DatasetNames.class)
        List<String> datasetNames;

        @Option(names = "--seed", paramLabel = "S", defaultValue = "" + DEFAULT_SEED,
                description = "Seed of every dataset's random stream (default: ${DEFAULT-VALUE}).")
        long seed;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Recipe recipe;
            try {
                recipe = Recipe.byName(recipeName);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--recipe " + recipeName + " is invalid: must be one of "
                        + Recipe.validNames());
            }
            if (steps != null && steps < 1) {
                throw new ParameterException(spec.commandLine(), "--steps " + steps + " is invalid: must be >= 1");
            }
            List<Dataset> datasets = new ArrayList<>();
            for (String name : datasetNames == null ? List.<String>of() : datasetNames) {
                try {
                    datasets.add(Dataset.byName(name));
                } catch (IllegalArgumentException e) {
                    throw new ParameterException(spec.commandLine(), "--datasets " + name + " is invalid: must be one of "
                            + Dataset.validNames());
                }
            }
            return report(recipe, steps, datasets.isEmpty() ? List.of(Dataset.values()) : datasets, seed) ? 0 : 2;
        }
    }

    /** Prints the report; returns whether every dataset meets the goal. */
    private static boolean report(Recipe recipe, Integer steps, List<Dataset> datasets, long seed) {
        int n = steps == null ? recipe.defaultSteps() : steps;
        System.out.printf(Locale.ROOT, "Quality report: recipe %s, %d training steps on %d points, seed %d, "
                + "%d generated vs %d real points, sliced W1 over %d directions%n",
                recipe.id(), n, recipe.trainingPoints(), seed, SAMPLES, SAMPLES, Wasserstein.DEFAULT_DIRECTIONS);
        System.out.printf(Locale.ROOT, "judged: mean SW over %d generated sets (each vs its own real sample) / mean floor over "
                + "%d real pairs, +- its standard error%n", GENERATED_SETS, FLOOR_PAIRS);
        System.out.printf(Locale.ROOT, "%-14s %8s %8s %6s | %8s %8s %6s %6s %5s | %8s %8s%n",
                "dataset", "SW", "floor", "ratio", "SW " + GENERATED_SETS + "gen", "floor" + FLOOR_PAIRS, "ratio", "+-", "goal",
                "train s", "sample s");
        boolean allMet = true;
        double total = 0;
        for (Dataset dataset : datasets) {
            Row row = evaluate(recipe, dataset, n, seed);
            allMet &= row.meetsGoal();
            total += row.trainSeconds() + row.sampleSeconds();
            System.out.printf(Locale.ROOT, "%-14s %8.4f %8.4f %6.2f | %8.4f %8.4f %6.2f %6.2f %5s | %8.1f %8.1f%n", dataset.id(),
                    row.single().value(), row.single().floor(), row.single().ratio(),
                    row.judged().value(), row.judged().floor(), row.judged().ratio(), row.standardError(),
                    row.meetsGoal() ? "ok" : "MISS", row.trainSeconds(), row.sampleSeconds());
        }
        System.out.printf(Locale.ROOT, "total %.1f s; goal ratio <= %.1f %s%n", total, GOAL,
                allMet ? "met on every dataset" : "MISSED on at least one dataset");
        return allMet;
    }

    /** The recipe names, for the usage help. */
    static final class RecipeNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Recipe.values()).map(Recipe::id).iterator();
        }
    }

    /** The dataset names, for the usage help. */
    static final class DatasetNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Arrays.stream(Dataset.values()).map(Dataset::id).iterator();
        }
    }
}
