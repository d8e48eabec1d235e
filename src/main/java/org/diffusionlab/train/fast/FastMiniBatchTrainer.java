package org.diffusionlab.train.fast;

import java.util.List;
import java.util.random.RandomGenerator;
import org.diffusionlab.model.DeepMlp;
import org.diffusionlab.model.ExponentialMovingAverage;
import org.diffusionlab.model.GradientClipping;
import org.diffusionlab.model.Optimizer;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.LearningRateSchedule;
import org.diffusionlab.train.MiniBatchConfig;
import org.diffusionlab.train.MiniBatchTrainer;
import org.diffusionlab.train.MiniBatches;
import org.diffusionlab.train.TrainingDivergedException;
import org.diffusionlab.train.TrainingMonitor;
import org.ejml.simple.SimpleMatrix;

/**
 * The fast path of {@link MiniBatchTrainer}: the same mini-batch DDPM training (DDPM eq. 14,
 * Algorithm 1) with the same random draws in the same order, the same loss curve and the same
 * in-place result, in double precision on one thread. Only the hot loop is re-done on plain
 * arrays: building x_t and the input rows, the network's forward and backward pass
 * ({@link FlatDeepMlp}) and the loss. Everything else is the core's own code, called on the
 * model's live parameter matrices and on gradient matrices that {@link FlatDeepMlp} fills: the
 * batches ({@link MiniBatches}), the optimizer ({@link org.diffusionlab.train.OptimizerChoice#create}),
 * the learning-rate factor ({@link LearningRateSchedule#factor}), clipping
 * ({@link GradientClipping#clipByGlobalNorm}), the moving average ({@link ExponentialMovingAverage})
 * and the divergence check ({@link TrainingDivergedException#check}). The time embedding e(t) is
 * the model's own, tabulated once for t = 1..T.
 *
 * <p>Equivalence: {@code FastMiniBatchTrainerTest} trains the same network from the same seed
 * with both trainers (Adam and AdamW, with clipping that is active and EMA, scalar and sinusoidal
 * embeddings) and compares every weight and every loss; {@code FlatDeepMlpTest} checks the
 * forward and backward pass against {@link DeepMlp} and against finite differences.
 *
 * <p>Why it is faster: no matrix is allocated per step, the products are vectorizable axpy loops
 * that skip the zeros after each ReLU, and no transposed copies of the activations are made.
 */
public final class FastMiniBatchTrainer {

    private FastMiniBatchTrainer() {}

    /**
     * Trains {@code model} in place, exactly like {@link MiniBatchTrainer#train}.
     *
     * <p>Per step k = 1..K: the next batch of B row indices ({@link MiniBatches#next}, which
     * shuffles with n − 1 draws when an epoch starts); t[i] = {@code rng.nextInt(1, T + 1)} for
     * i = 0..B−1 (1-based steps); ε row by row with {@code rng.nextGaussian()};
     * x_t[i] = √ᾱ_{t[i]}·x_0[i] + √(1 − ᾱ_{t[i]})·ε[i] (DDPM eq. 4); input row [x_t[i], e(t[i])]
     * (B × (d + k)); loss ℓ_k = (1/(B·d)) Σ (ε̂ − ε)² with gradient G = 2(ε̂ − ε)/B
     * ({@link org.diffusionlab.model.Losses#mse}); then the optimizer step with learning rate
     * lr·factor(k, K) on the clipped gradients, and the EMA update.
     *
     * @param model the network, updated in place (ending with the EMA weights when {@code emaDecay} &gt; 0)
     * @param data x_0, {@code n × d} with d = {@code model.dataDim()}
     * @param schedule the noise schedule (defines T)
     * @param config steps, batch size, optimizer and learning-rate schedule, clipping, EMA, smoothing
     * @param rng the caller's random source
     * @param monitor told after every step
     * @return the smoothed loss after each step; index k holds step k + 1
     * @throws TrainingDivergedException if a loss is NaN or infinite, or explodes (see {@link TrainingDivergedException#check})
     */
    public static double[] train(DeepMlp model, SimpleMatrix data, NoiseSchedule schedule, MiniBatchConfig config,
                                 RandomGenerator rng, TrainingMonitor monitor) {
        int n = data.getNumRows(), d = data.getNumCols();
        if (d != model.dataDim()) {
            throw new IllegalArgumentException("data has " + d + " columns, invalid: the model predicts " + model.dataDim());
        }
        int T = schedule.T(), k = model.embedding().dimension();
        int[] allSteps = new int[T];
        for (int s = 1; s <= T; s++) allSteps[s - 1] = s;
        double[] embedding = model.embedding().encode(allSteps, T).getDDRM().data; // row t − 1 is e(t)
        double[] signal = new double[T + 1], noise = new double[T + 1];
        for (int s = 1; s <= T; s++) {
            signal[s] = schedule.sqrtAlphaBar(s);
            noise[s] = schedule.sqrtOneMinusAlphaBar(s);
        }

        List<SimpleMatrix> parameters = model.parameters();
        Optimizer optimizer = config.optimizer().create(config.lr(), config.weightDecay());
        ExponentialMovingAverage ema = config.emaDecay() > 0 ? new ExponentialMovingAverage(parameters, config.emaDecay()) : null;
        MiniBatches batches = new MiniBatches(n, config.batchSize(), rng);
        int maxRows = Math.min(config.batchSize(), n);
        FlatDeepMlp net = new FlatDeepMlp(model, maxRows);
        double[] x0 = data.getDDRM().data;
        double[][] input = net.input(), output = net.output();
        double[][] eps = new double[maxRows][d], grad = new double[maxRows][d];
        int[] t = new int[maxRows];

        double[] smoothed = new double[config.steps()];
        double running = Double.NaN;
        double firstLoss = Double.NaN;
        for (int step = 1; step <= config.steps(); step++) {
            int[] rows = batches.next();
            int b = rows.length;
            for (int i = 0; i < b; i++) t[i] = rng.nextInt(1, T + 1);
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < d; j++) eps[i][j] = rng.nextGaussian();
            }
            for (int i = 0; i < b; i++) {
                double sa = signal[t[i]], sn = noise[t[i]];
                int src = rows[i] * d;
                for (int j = 0; j < d; j++) input[i][j] = sa * x0[src + j] + sn * eps[i][j];
                System.arraycopy(embedding, (t[i] - 1) * k, input[i], d, k);
            }
            net.forward(b);
            double squaredError = 0, scale = 2.0 / b;
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < d; j++) {
                    double diff = output[i][j] - eps[i][j];
                    squaredError += diff * diff;
                    grad[i][j] = diff * scale;
                }
            }
            double loss = squaredError / (b * d);
            if (step == 1) firstLoss = loss;
            TrainingDivergedException.check(step, loss, firstLoss, config.lr());
            net.backward(b, grad);
            if (config.lrSchedule() != LearningRateSchedule.CONSTANT) {
                optimizer.setLearningRate(config.lr() * config.lrSchedule().factor(step, config.steps()));
            }
            optimizer.step(parameters, GradientClipping.clipByGlobalNorm(net.gradients(), config.clipNorm()));
            if (ema != null) ema.update(parameters);
            running = step == 1 ? loss : config.smoothing() * running + (1 - config.smoothing()) * loss;
            smoothed[step - 1] = running;
            monitor.onStep(step, loss, running);
        }
        if (ema != null) ema.copyTo(parameters);
        return smoothed;
    }
}
