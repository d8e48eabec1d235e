package org.diffusionlab.train;

import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.ExponentialMovingAverage;
import org.diffusionlab.model.GradientClipping;
import org.diffusionlab.model.Losses;
import org.diffusionlab.model.Optimizer;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * Mini-batch training of a {@link DeepMlp} with the simplified DDPM objective (DDPM eq. 14,
 * Algorithm 1). Each step takes the next shuffled mini-batch x_0 of B rows ({@link MiniBatches}),
 * draws t[i] ~ U{1..T} and ε[i] ~ N(0, I) for each of its rows, forms
 * x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε ({@link ForwardProcess#qSample}), computes
 * {@link Losses#mse}(ε̂_θ([x_t, e(t)]), ε), clips the gradient's global norm
 * ({@link GradientClipping}) and takes one optimizer step with the learning rate of its
 * {@link LearningRateSchedule}. With {@code emaDecay} &gt; 0 it keeps an
 * {@link ExponentialMovingAverage} of the weights and writes it into the model at the end, so the
 * trained model is the average (what DDPM samples from), not the last noisy iterate.
 *
 * <p>Unlike {@link Trainer} (the minimal lab's full batch), each update sees B points, so an
 * update costs B/n of a full-batch one: many more (noisier) updates fit in the same time, and the
 * moving average and the decaying learning rate remove most of the noise they leave in the weights.
 */
public final class MiniBatchTrainer {

    private MiniBatchTrainer() {}

    /**
     * Trains {@code model} in place.
     *
     * <p>Draw order, all from {@code rng}: at the start of each epoch the n − 1 draws of the
     * Fisher–Yates shuffle ({@link MiniBatches}); then per step the B values
     * t[i] = {@code rng.nextInt(1, T + 1)}, then ε row by row.
     *
     * @param model the network, updated in place (ending with the EMA weights when {@code emaDecay} &gt; 0)
     * @param data x_0, {@code n × d}
     * @param schedule the noise schedule (defines T)
     * @param config steps, batch size, optimizer and learning-rate schedule, clipping, EMA, smoothing
     * @param rng the caller's random source
     * @param monitor told after every step
     * @return the smoothed loss after each step; index k holds step k + 1
     * @throws TrainingDivergedException if a loss is NaN or infinite, or explodes (see {@link TrainingDivergedException#check})
     */
    public static double[] train(DeepMlp model, SimpleMatrix data, NoiseSchedule schedule, MiniBatchConfig config,
                                 RandomGenerator rng, TrainingMonitor monitor) {
        if (data.getNumCols() != model.dataDim()) {
            throw new IllegalArgumentException("data has " + data.getNumCols() + " columns, invalid: the model predicts "
                    + model.dataDim());
        }
        int T = schedule.T();
        Optimizer optimizer = config.optimizer().create(config.lr(), config.weightDecay());
        ExponentialMovingAverage ema = config.emaDecay() > 0
                ? new ExponentialMovingAverage(model.parameters(), config.emaDecay()) : null;
        MiniBatches batches = new MiniBatches(data.getNumRows(), config.batchSize(), rng);
        double[] smoothed = new double[config.steps()];
        double running = Double.NaN;
        double firstLoss = Double.NaN;
        for (int step = 1; step <= config.steps(); step++) {
            SimpleMatrix x0 = rows(data, batches.next());
            int[] t = new int[x0.getNumRows()];
            for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(1, T + 1);
            ForwardProcess.NoisySample noisy = ForwardProcess.qSample(x0, t, schedule, rng);
            DeepMlp.Output output = model.forward(model.input(noisy.xt(), t, T));
            Losses.Loss loss = Losses.mse(output.out(), noisy.eps());
            if (step == 1) firstLoss = loss.value();
            TrainingDivergedException.check(step, loss.value(), firstLoss, config.lr());
            List<SimpleMatrix> gradients = model.backward(output.cache(), loss.grad()).asList();
            if (config.lrSchedule() != LearningRateSchedule.CONSTANT) {
                optimizer.setLearningRate(config.lr() * config.lrSchedule().factor(step, config.steps()));
            }
            optimizer.step(model.parameters(), GradientClipping.clipByGlobalNorm(gradients, config.clipNorm()));
            if (ema != null) ema.update(model.parameters());
            running = step == 1 ? loss.value() : config.smoothing() * running + (1 - config.smoothing()) * loss.value();
            smoothed[step - 1] = running;
            monitor.onStep(step, loss.value(), running);
        }
        if (ema != null) ema.copyTo(model.parameters());
        return smoothed;
    }

    /** The rows of {@code data} at {@code indices}, in that order. */
    static SimpleMatrix rows(SimpleMatrix data, int[] indices) {
        int d = data.getNumCols();
        SimpleMatrix out = new SimpleMatrix(indices.length, d);
        double[] src = data.getDDRM().data, dst = out.getDDRM().data;
        for (int i = 0; i < indices.length; i++) System.arraycopy(src, indices[i] * d, dst, i * d, d);
        return out;
    }
}
