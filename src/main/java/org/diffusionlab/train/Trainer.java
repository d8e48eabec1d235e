package org.diffusionlab.train;

import java.util.random.RandomGenerator;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.Losses;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.model.MomentumSgd;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * Full-batch training of ε̂_θ with the simplified DDPM objective (DDPM eq. 14, Algorithm 1):
 * at every step, for every data point x_0[i], draw t[i] ~ U{1..T} and ε[i] ~ N(0, I), form
 * x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, and take one momentum-SGD step on MSE(ε̂_θ([x_t, t/T]), ε).
 */
public final class Trainer {

    private Trainer() {}

    /**
     * Trains {@code model} in place.
     *
     * <p>Draw order per step: the n values t[i] = {@code rng.nextInt(1, T + 1)}, then ε row by row.
     *
     * @param model the network, updated in place
     * @param data x_0, {@code n × d}
     * @param schedule the noise schedule (defines T)
     * @param config steps, lr, momentum, smoothing
     * @param rng the caller's random source
     * @param monitor told after every step
     * @return the smoothed loss after each step; index k holds step k + 1
     * @throws TrainingDivergedException if a loss is NaN or infinite, or explodes (see {@link TrainingDivergedException#check})
     */
    public static double[] train(Mlp model, SimpleMatrix data, NoiseSchedule schedule, TrainConfig config,
                                 RandomGenerator rng, TrainingMonitor monitor) {
        int n = data.getNumRows();
        int T = schedule.T();
        MomentumSgd optimizer = new MomentumSgd(config.lr(), config.momentum());
        double[] smoothed = new double[config.steps()];
        double running = Double.NaN;
        double firstLoss = Double.NaN;
        int[] t = new int[n];
        for (int step = 1; step <= config.steps(); step++) {
            for (int i = 0; i < n; i++) t[i] = rng.nextInt(1, T + 1);
            ForwardProcess.NoisySample noisy = ForwardProcess.qSample(data, t, schedule, rng);
            Mlp.Output output = model.forward(Mlp.timeInput(noisy.xt(), t, T));
            Losses.Loss loss = Losses.mse(output.out(), noisy.eps());
            if (step == 1) firstLoss = loss.value();
            TrainingDivergedException.check(step, loss.value(), firstLoss, config.lr());
            optimizer.step(model, model.backward(output.cache(), loss.grad()));
            running = step == 1 ? loss.value() : config.smoothing() * running + (1 - config.smoothing()) * loss.value();
            smoothed[step - 1] = running;
            monitor.onStep(step, loss.value(), running);
        }
        return smoothed;
    }
}
