package org.diffusionlab.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.ejml.simple.SimpleMatrix;

/**
 * The named toy datasets with their default parameters, so a dataset can be chosen by name (for
 * example {@code --dataset moons}). Every one returns exactly n standardized points ({@code n × 2},
 * per-axis mean 0 and std 1) drawn from the caller's random source; see {@link Datasets} and
 * {@link ToyDatasets} for the geometry and the draw order.
 */
public enum Dataset {

    /** {@link Datasets#makeSpiral} with jitter 0.02 (the minimal lab). */
    SPIRAL("spiral") {
        @Override
        public SimpleMatrix sample(int n, RandomGenerator rng) {
            return Datasets.makeSpiral(n, 0.02, rng);
        }
    },
    /** {@link ToyDatasets#twoGaussians} with std 0.3 (blobs at (±2, ±2), well separated). */
    TWO_GAUSSIANS("two_gaussians") {
        @Override
        public SimpleMatrix sample(int n, RandomGenerator rng) {
            return ToyDatasets.twoGaussians(n, 0.3, rng);
        }
    },
    /** {@link ToyDatasets#moons} with noise 0.05. */
    MOONS("moons") {
        @Override
        public SimpleMatrix sample(int n, RandomGenerator rng) {
            return ToyDatasets.moons(n, 0.05, rng);
        }
    },
    /** {@link ToyDatasets#circles} with inner radius factor 0.5 and noise 0.05. */
    CIRCLES("circles") {
        @Override
        public SimpleMatrix sample(int n, RandomGenerator rng) {
            return ToyDatasets.circles(n, 0.5, 0.05, rng);
        }
    },
    /** {@link ToyDatasets#swissRoll} with noise 0.5 (the raw roll spans about ±14). */
    SWISS_ROLL("swiss_roll") {
        @Override
        public SimpleMatrix sample(int n, RandomGenerator rng) {
            return ToyDatasets.swissRoll(n, 0.5, rng);
        }
    },
    /** {@link ToyDatasets#checkerboard}. */
    CHECKERBOARD("checkerboard") {
        @Override
        public SimpleMatrix sample(int n, RandomGenerator rng) {
            return ToyDatasets.checkerboard(n, rng);
        }
    };

    private final String id;

    Dataset(String id) {
        this.id = id;
    }

    /**
     * n points of this dataset with its default parameters.
     *
     * @param n number of points, ≥ 2
     * @param rng the caller's random source
     * @return {@code n × 2}, per-axis mean 0 and std 1
     */
    public abstract SimpleMatrix sample(int n, RandomGenerator rng);

    /** The name used on the command line, e.g. {@code "swiss_roll"}. */
    public String id() {
        return id;
    }

    /** All names, comma-separated, in declaration order. */
    public static String validNames() {
        return Arrays.stream(values()).map(Dataset::id).collect(Collectors.joining(", "));
    }

    /**
     * The dataset with this name. Case is ignored and '-' counts as '_' ("Swiss-Roll" finds
     * {@link #SWISS_ROLL}).
     *
     * @throws IllegalArgumentException naming the valid names when none matches
     */
    public static Dataset byName(String name) {
        if (name != null) {
            String key = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
            for (Dataset d : values()) {
                if (d.id.equals(key)) return d;
            }
        }
        throw new IllegalArgumentException("dataset = \"" + name + "\" is invalid: must be one of " + validNames());
    }
}
