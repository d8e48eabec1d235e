package org.diffusionlab.data;

/**
 * Which data a model was trained on, so that it can later be measured against the same data: the
 * named dataset, the spiral's jitter and the number of training points. Recorded in a checkpoint
 * (format version 3).
 *
 * @param dataset the dataset
 * @param jitter σ ≥ 0 of the Gaussian jitter of {@link Datasets#makeSpiral}; the other datasets
 *     ignore it (they use their default parameters, see {@link Dataset})
 * @param points the number n ≥ 1 of training points (rows of the n × 2 data)
 */
public record TrainingData(Dataset dataset, double jitter, int points) {

    public TrainingData {
        if (dataset == null) {
            throw new IllegalArgumentException("dataset = null is invalid: must be one of " + Dataset.validNames());
        }
        if (!(jitter >= 0) || !Double.isFinite(jitter)) {
            throw new IllegalArgumentException("jitter = " + jitter + " is invalid: must be finite and >= 0");
        }
        if (points < 1) {
            throw new IllegalArgumentException("points = " + points + " is invalid: must be >= 1");
        }
    }

    /**
     * Whether {@code otherDataset} with {@code otherJitter} is the distribution this data was drawn
     * from: the same dataset and, for the spiral (the only one that uses it), the same jitter. The
     * number of points does not change the distribution.
     */
    public boolean sameDistribution(Dataset otherDataset, double otherJitter) {
        return dataset == otherDataset
                && (dataset != Dataset.SPIRAL || Double.doubleToLongBits(jitter) == Double.doubleToLongBits(otherJitter));
    }
}
