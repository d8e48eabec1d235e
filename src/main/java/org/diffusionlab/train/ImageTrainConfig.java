package org.diffusionlab.train;

import org.diffusionlab.forward.PredictionType;

/**
 * The hyper-parameters of {@link ImageTrainer}.
 *
 * @param steps optimizer updates K ≥ 1
 * @param batchSize images per step B ≥ 1
 * @param lr base learning rate of AdamW, &gt; 0
 * @param lrSchedule how lr changes over the K steps
 * @param weightDecay AdamW's decoupled λ ≥ 0
 * @param clipNorm global gradient-norm cap, &gt; 0 (+∞: no clipping)
 * @param emaDecay d in [0, 1) of the weight average used for sampling (0: the last weights)
 * @param prediction what the network learns to output
 * @param dropLabel probability p_∅ in [0, 1) of training on {@code NO_LABEL} instead of the image's
 *     label (classifier-free guidance needs p_∅ &gt; 0; ignored by unconditional networks)
 */
public record ImageTrainConfig(int steps, int batchSize, double lr, LearningRateSchedule lrSchedule, double weightDecay,
                               double clipNorm, double emaDecay, PredictionType prediction, double dropLabel) {

    public ImageTrainConfig {
        if (steps < 1) throw new IllegalArgumentException("steps = " + steps + " is invalid: must be >= 1");
        if (batchSize < 1) throw new IllegalArgumentException("batchSize = " + batchSize + " is invalid: must be >= 1");
        if (!(lr > 0) || Double.isInfinite(lr)) throw new IllegalArgumentException("lr = " + lr + " is invalid: must be finite and > 0");
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weightDecay = " + weightDecay + " is invalid: must be >= 0");
        if (!(clipNorm > 0)) throw new IllegalArgumentException("clipNorm = " + clipNorm + " is invalid: must be > 0 (+Infinity: no clipping)");
        if (!(emaDecay >= 0 && emaDecay < 1)) throw new IllegalArgumentException("emaDecay = " + emaDecay + " is invalid: must lie in [0, 1)");
        if (!(dropLabel >= 0 && dropLabel < 1)) throw new IllegalArgumentException("dropLabel = " + dropLabel + " is invalid: must lie in [0, 1)");
    }

    /**
     * The digits recipe: 1000 steps of 64 images, AdamW 2e-3 with cosine decay and λ = 1e-4,
     * clipping at 1, EMA 0.999, ε prediction, labels dropped 10 % of the time.
     */
    public static ImageTrainConfig digits() {
        return new ImageTrainConfig(1000, 64, 2e-3, LearningRateSchedule.COSINE, 1e-4, 1.0, 0.999, PredictionType.EPS, 0.1);
    }

    public ImageTrainConfig withSteps(int k) {
        return new ImageTrainConfig(k, batchSize, lr, lrSchedule, weightDecay, clipNorm, emaDecay, prediction, dropLabel);
    }

    public ImageTrainConfig withPrediction(PredictionType p) {
        return new ImageTrainConfig(steps, batchSize, lr, lrSchedule, weightDecay, clipNorm, emaDecay, p, dropLabel);
    }

    public ImageTrainConfig withBatchSize(int b) {
        return new ImageTrainConfig(steps, b, lr, lrSchedule, weightDecay, clipNorm, emaDecay, prediction, dropLabel);
    }

    public ImageTrainConfig withLr(double rate) {
        return new ImageTrainConfig(steps, batchSize, rate, lrSchedule, weightDecay, clipNorm, emaDecay, prediction, dropLabel);
    }

    public ImageTrainConfig withEma(double decay) {
        return new ImageTrainConfig(steps, batchSize, lr, lrSchedule, weightDecay, clipNorm, decay, prediction, dropLabel);
    }
}
