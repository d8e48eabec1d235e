package org.diffusionlab.labs.spiral;

import java.util.random.RandomGenerator;
import org.ejml.simple.SimpleMatrix;

/**
 * Exercise 5 — teaching the network to predict the noise (DDPM Algorithm 1, the simplified loss of
 * eq. 14): take a clean point x_0, pick a step t and a noise ε, form x_t (exercise 3), and move the
 * network's parameters so that ε̂([x_t, t/T]) gets closer to ε.
 */
public final class Training {

    private Training() {}

    /**
     * The pieces the training loop is built from. {@link #LAB} uses yours; the graders of exercise 5.2
     * pass the reference ones, so the loop is graded on its own.
     */
    public interface Parts {
        /** x_t for one step per row (exercise 3.2). */
        SimpleMatrix qSample(SimpleMatrix x0, int[] t, Schedule schedule, SimpleMatrix eps);

        /** One gradient step, returning the loss (exercise 5.1). */
        double trainStep(TrainableModel model, SimpleMatrix xt, int[] t, int T, SimpleMatrix eps, double lr, double momentum);
    }

    /** Your own {@link Forward#qSample(SimpleMatrix, int[], Schedule, SimpleMatrix)} and {@link #trainStep}. */
    public static final Parts LAB = new Parts() {
        @Override
        public SimpleMatrix qSample(SimpleMatrix x0, int[] t, Schedule schedule, SimpleMatrix eps) {
            return Forward.qSample(x0, t, schedule, eps);
        }

        @Override
        public double trainStep(TrainableModel model, SimpleMatrix xt, int[] t, int T, SimpleMatrix eps,
                                double lr, double momentum) {
            return Training.trainStep(model, xt, t, T, eps, lr, momentum);
        }
    };

    /**
     * <b>TODO 5.1</b> (Time: ~15 min) — one step of gradient descent on the noise-prediction loss.
     *
     * <pre>
     *   input = rows [x_t[i], t[i]/T]               (Network.timeInput)
     *   (ε̂, cache) = model.forward(input)
     *   L = mean((ε̂ − ε)²),  G = ∂L/∂ε̂             (Loss.mse(ε̂, ε) gives both)
     *   gradients = model.backward(cache, G)
     *   model.step(gradients, lr, momentum)
     * </pre>
     *
     * <p>Hint: the target is the noise ε, not x_t and not x_0: the network learns to tell which part
     * of x_t is noise. Every piece is already written; this is four lines.
     *
     * @param model the network, updated in place
     * @param xt noisy points, {@code n × d}
     * @param t the step of each row, 1..T, length n
     * @param T number of steps of the schedule
     * @param eps the noise that made x_t, {@code n × d} (the regression target)
     * @return the loss L before the update
     */
    public static double trainStep(TrainableModel model, SimpleMatrix xt, int[] t, int T, SimpleMatrix eps,
                                   double lr, double momentum) {
        throw new UnsupportedOperationException("TODO 5.1: trainStep: forward [x_t, t/T], mse against eps, backward, step");
    }

    /** {@link #train(TrainableModel, SimpleMatrix, Schedule, TrainConfig, RandomGenerator, TrainingMonitor, Parts)} with your own parts. */
    public static double[] train(TrainableModel model, SimpleMatrix data, Schedule schedule, TrainConfig config,
                                 RandomGenerator rng, TrainingMonitor monitor) {
        return train(model, data, schedule, config, rng, monitor, LAB);
    }

    /**
     * <b>TODO 5.2</b> (Time: ~30 min) — the training loop, full batch (every step uses all n points).
     *
     * <p>For step = 1..steps:
     * <ol>
     *   <li>draw a fresh step for every point, t[i] ~ U{1, …, T}: {@code rng.nextInt(1, T + 1)};</li>
     *   <li>draw fresh noise ε ~ N(0, I), {@code n × d}: {@code Forward.gaussian(n, d, rng)};</li>
     *   <li>x_t = {@code parts.qSample(data, t, schedule, ε)};</li>
     *   <li>ℓ = {@code parts.trainStep(model, x_t, t, T, ε, config.lr(), config.momentum())}; if ℓ is
     *       NaN or infinite, stop with an {@link IllegalStateException} that names the step (the
     *       learning rate is too large);</li>
     *   <li>the smoothed loss (an exponential moving average, for a readable curve):
     *       ℓ̄_1 = ℓ_1, ℓ̄_k = s·ℓ̄_{k−1} + (1 − s)·ℓ_k with s = {@code config.smoothing()};</li>
     *   <li>{@code monitor.onStep(step, ℓ, ℓ̄)}.</li>
     * </ol>
     *
     * <p>Hint: the graders check that t and ε are fresh, uniform and standard normal over many steps,
     * and that the same t and ε go to qSample and to trainStep. Use only {@code rng}.
     *
     * @param model the network, updated in place
     * @param data x_0, {@code n × d}
     * @param parts qSample and trainStep ({@link #LAB} for yours)
     * @return the smoothed losses; index k holds step k + 1
     */
    public static double[] train(TrainableModel model, SimpleMatrix data, Schedule schedule, TrainConfig config,
                                 RandomGenerator rng, TrainingMonitor monitor, Parts parts) {
        throw new UnsupportedOperationException("TODO 5.2: train: per step draw t and eps, qSample, trainStep, smoothed loss");
    }
}
