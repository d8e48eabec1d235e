package org.diffusionlab.train;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.data.ImageSet;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.model.Adam;
import org.diffusionlab.model.ExponentialMovingAverage;
import org.diffusionlab.model.GradientClipping;
import org.diffusionlab.model.image.LabelEmbedding;
import org.diffusionlab.model.image.Parameter;
import org.diffusionlab.model.image.Tensor;
import org.diffusionlab.model.image.UNet;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * Trains a {@link UNet} on images with the DDPM objective (Algorithm 1 of the DDPM paper, with
 * the prediction type of {@link ImageTrainConfig}). Each step:
 * <ol>
 *   <li>draw a mini-batch of B training images x_0 (shuffled epochs, {@link MiniBatches}), for
 *       each a step t uniform in 1..T and noise ε ~ N(0, I), and form x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε
 *       (DDPM eq. 4);</li>
 *   <li>for a conditional network, replace each label by {@code NO_LABEL} with probability p_∅;</li>
 *   <li>loss L = mean over all B·C·H·W pixels of (f_θ(x_t, t, y) − target)², target ε, x_0 or v;</li>
 *   <li>backward (dL/df = 2(f − target)/(B·C·H·W)), clip the gradient's global norm, one AdamW step
 *       at lr·factor(k, K), and update the EMA of the weights.</li>
 * </ol>
 * After the last step the network holds the EMA weights (bias-corrected, as in the 2-D lab), the
 * ones to sample from. Every random draw comes from the caller's generator, in the order above.
 */
public final class ImageTrainer {

    private final UNet net;
    private final NoiseSchedule schedule;
    private final ImageTrainConfig config;
    private final List<Double> losses = new ArrayList<>();

    public ImageTrainer(UNet net, NoiseSchedule schedule, ImageTrainConfig config) {
        if (schedule.T() != net.config().T()) {
            throw new IllegalArgumentException("schedule.T() = " + schedule.T() + " is invalid: the network embeds t in 1.." + net.config().T());
        }
        this.net = net;
        this.schedule = schedule;
        this.config = config;
    }

    /**
     * Runs all K steps and leaves the EMA weights in the network.
     *
     * @param data training images (shape matching the network)
     * @param monitor told after every step
     * @return the loss of every step
     * @throws TrainingDivergedException when the loss stops being finite or explodes
     */
    public List<Double> train(ImageSet data, RandomGenerator rng, TrainingMonitor monitor) {
        UNet.Config c = net.config();
        if (data.channels() != c.imageChannels() || data.height() != c.height() || data.width() != c.width()) {
            throw new IllegalArgumentException("data is " + data.channels() + "x" + data.height() + "x" + data.width()
                    + ", invalid: the network takes " + c.imageChannels() + "x" + c.height() + "x" + c.width());
        }
        List<Parameter> params = net.parameters();
        List<SimpleMatrix> values = params.stream().map(Parameter::value).toList();
        List<SimpleMatrix> grads = params.stream().map(Parameter::gradient).toList();
        Adam adam = Adam.adamW(config.lr(), config.weightDecay());
        ExponentialMovingAverage ema = new ExponentialMovingAverage(values, config.emaDecay());
        MiniBatches batches = new MiniBatches(data.size(), config.batchSize(), rng);
        double smoothed = Double.NaN, first = Double.NaN;
        for (int k = 1; k <= config.steps(); k++) {
            double loss = step(data, batches.next(), rng);
            adam.setLearningRate(config.lr() * config.lrSchedule().factor(k, config.steps()));
            adam.step(values, GradientClipping.clipByGlobalNorm(grads, config.clipNorm()));
            ema.update(values);
            if (k == 1) first = loss;
            TrainingDivergedException.check(k, loss, first, config.lr());
            smoothed = k == 1 ? loss : 0.99 * smoothed + 0.01 * loss;
            losses.add(loss);
            monitor.onStep(k, loss, smoothed);
        }
        ema.copyTo(values);
        return List.copyOf(losses);
    }

    /** Forward pass, loss and backward pass of one mini-batch (stages 1–3 of the class comment); returns the loss. */
    private double step(ImageSet data, int[] batch, RandomGenerator rng) {
        UNet.Config c = net.config();
        int B = batch.length, d = data.pixels();
        Tensor xt = new Tensor(B, c.imageChannels(), c.height(), c.width());
        double[] target = new double[B * d];
        int[] t = new int[B];
        int[] labels = c.conditional() ? new int[B] : null;
        PredictionType prediction = config.prediction();
        for (int b = 0; b < B; b++) {
            double[] x0 = data.images()[batch[b]];
            t[b] = 1 + rng.nextInt(schedule.T());
            double a = schedule.sqrtAlphaBar(t[b]), s = schedule.sqrtOneMinusAlphaBar(t[b]);
            for (int i = 0; i < d; i++) {
                double eps = rng.nextGaussian();
                xt.data[b * d + i] = a * x0[i] + s * eps;
                target[b * d + i] = prediction.target(x0[i], eps, t[b], schedule);
            }
            if (labels != null) {
                labels[b] = rng.nextDouble() < config.dropLabel() ? LabelEmbedding.NO_LABEL : data.labels()[batch[b]];
            }
        }
        net.zeroGradients();
        Tensor out = net.forward(xt, t, labels);
        Tensor gradient = out.zerosLike();
        double loss = 0, scale = 2.0 / out.size();
        for (int i = 0; i < out.size(); i++) {
            double r = out.data[i] - target[i];
            loss += r * r;
            gradient.data[i] = scale * r;
        }
        net.backward(gradient);
        return loss / out.size();
    }
}
