package org.diffusionlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;
import java.util.function.ToDoubleBiFunction;
import java.util.random.RandomGenerator;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.metrics.DistributionMetrics;
import org.diffusionlab.metrics.HeldOutPairs;
import org.diffusionlab.metrics.Wasserstein;
import org.ejml.simple.SimpleMatrix;

/**
 * The metrics the command prints: sliced W1, W1 per axis, histogram overlap per axis and energy
 * distance between the samples and held-out real points (see {@link #heldOut}), each beside its
 * real-vs-real floor at the same sample size.
 */
record MetricTable(Floored slicedW1, Floored w1, Floored overlap, Floored energy) {

    /** Pairs (A_k, B_k) of held-out real samples that every metric and its floor are averaged over: one pair's floor varies by ≈ 27 % (docs/quality-tuning.md), 20 pairs' by ≈ 6 %. */
    static final int HELD_OUT_PAIRS = 20;

    /** The held-out pool holds this many times --samples points (twice the rows the pairs use), so its random rows are close to independent draws. */
    static final int HELD_OUT_POOL_FACTOR = 4 * HELD_OUT_PAIRS;

    /** How far outside the data a sample must lie, in multiples of the data's largest |coordinate|, to be counted by {@link #farOutside}. */
    static final double FAR = 3;

    /**
     * Samples farther from 0 than this many times the data's largest |coordinate| stop the run
     * (exit status 3): that is a numerical blow-up, not a poor model. A model whose noise
     * predictions are 1000 times too large still lands within ≈ 500 times the data's reach
     * (MainTest's farSamplesWarning), and every metric of a sample 1e4 times too far measures only
     * how far it flew.
     */
    static final double EXPLODED = 1e4;

    /** The four metrics between {@code generated} and {@code real}, computed in the printed order. */
    static MetricTable of(SimpleMatrix generated, HeldOutPairs real) {
        Floored sw = Floored.of("sliced W1", Wasserstein::sliced, generated, real);
        Floored w1 = Floored.perAxis("W1", Wasserstein::perAxis, generated, real);
        Floored overlap = Floored.perAxis("overlap", DistributionMetrics::histogramOverlapPerAxis, generated, real);
        Floored energy = Floored.of("energy distance", DistributionMetrics::energyDistance, generated, real);
        return new MetricTable(sw, w1, overlap, energy);
    }

    /** "name = value (floor f)" of the first NaN or infinite value or floor, or null when all are finite. */
    String firstNonFinite() {
        for (Floored m : List.of(slicedW1, w1, overlap, energy)) {
            for (int j = 0; j < m.value().length; j++) {
                if (!Double.isFinite(m.value()[j]) || !Double.isFinite(m.floor()[j])) {
                    return (m.perAxis() ? m.name() + " " + (char) ('x' + j) : m.name()) + " = " + m.value()[j]
                            + " (floor " + m.floor()[j] + ")";
                }
            }
        }
        return null;
    }

    /** value / floor to 3 significant digits, or "n/a" when the floor is 0 (no ratio to print). */
    static String ratio(double value, double floor) {
        return floor == 0 ? "n/a" : String.format(Locale.ROOT, "%.3g", value / floor);
    }

    /** The table as printed: a header, then one line per metric entry. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("metric (generated vs data)   value     floor     ratio");
        for (Floored m : List.of(slicedW1, w1, overlap, energy)) lines.addAll(m.lines());
        return lines;
    }

    /**
     * The real points every metric compares with: {@value #HELD_OUT_PAIRS} pairs (A_k, B_k) of
     * held-out real samples of {@code samples} rows each, which the model never saw
     * ({@link HeldOutPairs}: why held out, why shuffled, why several pairs). A pool of
     * {@value #HELD_OUT_POOL_FACTOR}·{@code samples} fresh points of the dataset is drawn from
     * {@code poolRng} (in the run: a stream split from the same seeded root as the training data's),
     * its rows are shuffled with {@code shuffleRng}, and the pairs are taken from position 0.
     *
     * @param dataset the dataset ({@code jitter} applies to the spiral only)
     * @param samples rows n of each real sample, ≥ 1
     */
    static HeldOutPairs heldOut(Dataset dataset, double jitter, int samples, RandomGenerator poolRng,
                                RandomGenerator shuffleRng) {
        SimpleMatrix pool = Main.draw(dataset, jitter, HELD_OUT_POOL_FACTOR * samples, poolRng);
        int[] order = HeldOutPairs.shuffledOrder(pool.getNumRows(), shuffleRng);
        return HeldOutPairs.fromPool(pool, order, 0, HELD_OUT_PAIRS, samples);
    }

    /** Samples with a coordinate beyond {@link #FAR} times the data's largest |coordinate|. */
    static int farOutside(SimpleMatrix generated, SimpleMatrix data) {
        double limit = FAR * data.elementMaxAbs();
        int far = 0;
        for (int i = 0; i < generated.getNumRows(); i++) {
            if (Math.abs(generated.get(i, 0)) > limit || Math.abs(generated.get(i, 1)) > limit) far++;
        }
        return far;
    }

    /**
     * A metric between the generated samples and the held-out pairs beside its real-vs-real floor
     * ({@link HeldOutPairs#value}, {@link HeldOutPairs#floor}): one entry for a joint metric, one
     * per axis for a per-axis one. {@code higherIsBetter} marks the overlap, whose floor is a ceiling.
     */
    record Floored(String name, boolean perAxis, boolean higherIsBetter, double[] value, double[] floor) {

        static Floored of(String name, ToDoubleBiFunction<SimpleMatrix, SimpleMatrix> metric,
                          SimpleMatrix generated, HeldOutPairs real) {
            return of(name, (a, b) -> new double[] {metric.applyAsDouble(a, b)}, generated, real, false);
        }

        static Floored perAxis(String name, BiFunction<SimpleMatrix, SimpleMatrix, double[]> metric,
                               SimpleMatrix generated, HeldOutPairs real) {
            return of(name, metric, generated, real, true);
        }

        private static Floored of(String name, BiFunction<SimpleMatrix, SimpleMatrix, double[]> metric,
                                  SimpleMatrix generated, HeldOutPairs real, boolean perAxis) {
            return new Floored(name, perAxis, name.equals("overlap"), real.value(metric, generated), real.floor(metric));
        }

        /** One printed line per entry: name, value, floor and value/floor. */
        List<String> lines() {
            List<String> lines = new ArrayList<>();
            for (int j = 0; j < value.length; j++) {
                String label = perAxis ? name + " " + (char) ('x' + j) : name;
                lines.add(String.format(Locale.ROOT, "  %-26s %-9.4g %-9.4g %s%s", label, value[j], floor[j],
                        ratio(value[j], floor[j]), higherIsBetter ? "  (higher is better; floor = real vs real)" : ""));
            }
            return lines;
        }
    }
}
