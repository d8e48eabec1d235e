package org.diffusionlab.train.fast;

import java.lang.management.ManagementFactory;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.schedule.NoiseSchedule;
import org.diffusionlab.train.TrainConfig;
import org.diffusionlab.train.Trainer;
import org.diffusionlab.train.TrainingDivergedException;
import org.diffusionlab.train.TrainingMonitor;
import org.ejml.simple.SimpleMatrix;

/**
 * The fast path of {@link Trainer}: the same full-batch DDPM training (DDPM eq. 14, Algorithm 1)
 * with the same random draws, loss curve and in-place result, computed in float by
 * {@link FusedMlp} on up to {@link #CHUNKS} threads. No JVM flag is needed.
 *
 * <p>Equivalence: {@code FastTrainerTest} trains the same network from the same seed with both
 * trainers and compares weights and losses to a float tolerance; {@code FusedMlpTest} checks the
 * fused backward pass against {@link Mlp#backward} and finite differences.
 *
 * <p>Determinism: the n rows are cut into {@link #CHUNKS} fixed chunks whatever the number of
 * threads; each chunk sums its gradient into its own buffer and the buffers are added in chunk
 * order. The same seed therefore gives the same weights, bit for bit, on 1 to {@link #CHUNKS}
 * threads. When a thread is late (descheduled on a busy machine), another computes a backup copy
 * of its chunk into its own buffer ({@link StepPool}); both copies are the same numbers, so which
 * one is used does not matter either. One synchronization per step: the momentum update runs on
 * the caller's thread, and the caller draws the next step's t and ε while the workers start on
 * the current step's chunks (the draws are the step's largest serial part).
 */
public final class FastTrainer {

    /** Number of row chunks (and the most threads that can help). */
    public static final int CHUNKS = 4;

    private FastTrainer() {}

    /** {@link #train(Mlp, SimpleMatrix, NoiseSchedule, TrainConfig, RandomGenerator, TrainingMonitor, int)} with {@link #defaultThreads()}. */
    public static double[] train(Mlp model, SimpleMatrix data, NoiseSchedule schedule, TrainConfig config,
                                 RandomGenerator rng, TrainingMonitor monitor) {
        return train(model, data, schedule, config, rng, monitor, defaultThreads());
    }

    /**
     * The cores not already busy: min(cores − round(1-minute load average), {@link #CHUNKS}), at
     * least 1 (cores, capped at {@link #CHUNKS}, where the load average is unavailable). Threads
     * that synchronize every step lose when the machine is oversubscribed (measured
     * here: 2 threads took twice as long as 1 at a load average of 6–11 on 2 cores). The choice
     * never changes the result.
     */
    public static int defaultThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        int free = load < 0 ? cores : cores - (int) Math.round(load);
        return Math.max(1, Math.min(free, CHUNKS));
    }

    /**
     * Trains {@code model} in place, exactly like {@link Trainer#train} but in float.
     *
     * <p>Per step k: draw t[i] = {@code rng.nextInt(1, T + 1)} for i = 0..n−1, then ε row by row with
     * {@code rng.nextGaussian()}; x_t[i] = √ᾱ_{t[i]}·x_0[i] + √(1 − ᾱ_{t[i]})·ε[i] (DDPM eq. 4);
     * input row [x_t[i], t[i]/T]; loss ℓ_k = mean over all n·d elements of (ε̂ − ε)², gradient
     * 2(ε̂ − ε)/n ({@link org.diffusionlab.model.Losses#mse}); then for every parameter w with
     * gradient g: v ← m·v − lr·g, w ← w + v (v starts at 0, {@link org.diffusionlab.model.MomentumSgd}).
     *
     * @param model the network, updated in place (also when training diverges: then it holds the
     *     weights before the failing step)
     * @param data x_0, {@code n × d}, with d = model.dataDim() and model.inputDim() = d + 1
     * @param schedule the noise schedule (defines T)
     * @param config steps, lr, momentum, smoothing
     * @param rng the caller's random source; not used by anything else during training (after a
     *     diverged step it has also given the next step's draws, which the reference trainer has not)
     * @param monitor told after every step, on the caller's thread
     * @param threads 1..{@link #CHUNKS}; does not change the result
     * @return the smoothed loss after each step; index k holds step k + 1
     * @throws TrainingDivergedException as {@link TrainingDivergedException#check} decides (float overflows at
     *     3.4e38, so a diverging run may be stopped a few steps earlier than by the double-precision reference)
     */
    public static double[] train(Mlp model, SimpleMatrix data, NoiseSchedule schedule, TrainConfig config,
                                 RandomGenerator rng, TrainingMonitor monitor, int threads) {
        return train(model, data, schedule, config, rng, monitor, threads, StepPool.DEFAULT_BACKUP_AFTER_NANOS);
    }

    /** As above; {@code backupAfterNanos} is {@link StepPool}'s wait before backing up a late chunk (tests use 0). */
    static double[] train(Mlp model, SimpleMatrix data, NoiseSchedule schedule, TrainConfig config,
                          RandomGenerator rng, TrainingMonitor monitor, int threads, long backupAfterNanos) {
        if (threads < 1 || threads > CHUNKS) {
            throw new IllegalArgumentException("threads = " + threads + " is invalid: must lie in [1, " + CHUNKS + "]");
        }
        int n = data.getNumRows(), d = data.getNumCols();
        if (model.dataDim() != d || model.inputDim() != d + 1) {
            throw new IllegalArgumentException("data has " + d + " columns, invalid: the model takes "
                    + model.inputDim() + " inputs and predicts " + model.dataDim() + " (need inputs = columns + 1, outputs = columns)");
        }
        if (n < 1) {
            throw new IllegalArgumentException("data has 0 rows, invalid: need at least 1 point");
        }
        Run run = new Run(FusedMlp.from(model), data, schedule, config, threads);
        try (StepPool pool = new StepPool(threads, CHUNKS, backupAfterNanos)) {
            return run.loop(pool, rng, monitor);
        } finally {
            run.net.writeTo(model);
        }
    }

    /** The state of one training run. */
    private static final class Run {
        final FusedMlp net;
        final int n, d, T, steps;
        final float lr, momentum;
        final double lrConfig;
        final double smoothing;
        final float[] x0, signal, noise;
        /** Noise and timesteps of the current step (read by the chunks) and of the next (being drawn). */
        float[] eps, epsNext;
        int[] t, tNext;
        final int[] rowStart = new int[CHUNKS + 1];
        final FusedMlp.Gradients[][] grads;  // [worker][chunk]: two copies of a chunk never share a buffer
        final FusedMlp.Scratch[] scratch;    // [worker]
        final FusedMlp.Gradients[] winners = new FusedMlp.Gradients[CHUNKS];
        final FusedMlp velocity;             // velocities in the parameters' layout (its w2 is unused)
        final float[] sum;                   // one gradient row summed over the chunks
        StepPool pool;

        Run(FusedMlp net, SimpleMatrix data, NoiseSchedule schedule, TrainConfig config, int threads) {
            this.net = net;
            n = data.getNumRows();
            d = data.getNumCols();
            T = schedule.T();
            steps = config.steps();
            lrConfig = config.lr();
            lr = (float) lrConfig;
            momentum = (float) config.momentum();
            smoothing = config.smoothing();
            x0 = new float[n * d];
            double[] src = data.getDDRM().data;
            for (int i = 0; i < x0.length; i++) x0[i] = (float) src[i];
            eps = new float[n * d];
            epsNext = new float[n * d];
            t = new int[n];
            tNext = new int[n];
            signal = new float[T + 1];
            noise = new float[T + 1];
            for (int s = 1; s <= T; s++) {
                signal[s] = (float) schedule.sqrtAlphaBar(s);
                noise[s] = (float) schedule.sqrtOneMinusAlphaBar(s);
            }
            for (int c = 0; c <= CHUNKS; c++) rowStart[c] = (int) ((long) c * n / CHUNKS);
            grads = new FusedMlp.Gradients[threads][CHUNKS];
            scratch = new FusedMlp.Scratch[threads];
            for (int w = 0; w < threads; w++) {
                scratch[w] = net.newScratch();
                for (int c = 0; c < CHUNKS; c++) grads[w][c] = net.newGradients();
            }
            velocity = FusedMlp.zerosLike(net);
            sum = new float[Math.max(net.hidden, net.out)];
        }

        double[] loop(StepPool pool, RandomGenerator rng, TrainingMonitor monitor) {
            this.pool = pool;
            double[] smoothed = new double[steps];
            double running = Double.NaN;
            double firstLoss = Double.NaN;
            draw(rng);
            for (int step = 1; step <= steps; step++) {
                float[] e = eps;
                eps = epsNext;
                epsNext = e;
                int[] ts = t;
                t = tNext;
                tNext = ts;
                // the next step's draws run on this thread while the workers start on the chunks
                pool.run(CHUNKS, this::gradientOfChunk, step < steps ? () -> draw(rng) : null);
                double squaredError = 0;
                for (int c = 0; c < CHUNKS; c++) {
                    winners[c] = grads[pool.winner(c)][c];
                    squaredError += winners[c].squaredError;
                }
                double loss = squaredError / ((double) n * d);
                if (step == 1) firstLoss = loss;
                TrainingDivergedException.check(step, loss, firstLoss, lrConfig);
                update();
                running = step == 1 ? loss : smoothing * running + (1 - smoothing) * loss;
                smoothed[step - 1] = running;
                monitor.onStep(step, loss, running);
            }
            return smoothed;
        }

        /**
         * The draws of one step, in the reference trainer's order, into tNext and epsNext: t[i] =
         * {@code rng.nextInt(1, T + 1)} for every row, then ε row by row with {@code rng.nextGaussian()}.
         */
        private void draw(RandomGenerator rng) {
            for (int i = 0; i < n; i++) tNext[i] = rng.nextInt(1, T + 1);
            for (int i = 0; i < epsNext.length; i++) epsNext[i] = (float) rng.nextGaussian();
        }

        /**
         * Forward + backward of the rows of chunk c into the worker's buffer for c, block by block;
         * stops early (returns false) when another worker's copy of the chunk has already won.
         */
        private boolean gradientOfChunk(int c, int worker, long round) {
            FusedMlp.Gradients g = grads[worker][c];
            FusedMlp.Scratch s = scratch[worker];
            g.clear();
            float scale = 2f / n;
            float invT = 1f / T;
            for (int b0 = rowStart[c]; b0 < rowStart[c + 1]; b0 += FusedMlp.BLOCK) {
                if (pool.superseded(c, round)) return false;
                int rows = Math.min(FusedMlp.BLOCK, rowStart[c + 1] - b0);
                for (int r = 0; r < rows; r++) {
                    int i = b0 + r, ti = t[i];
                    float[] x = s.x[r];
                    for (int j = 0; j < d; j++) x[j] = signal[ti] * x0[i * d + j] + noise[ti] * eps[i * d + j];
                    x[d] = ti * invT;
                }
                net.accumulateBlock(s, rows, eps, b0 * d, scale, g);
            }
            return true;
        }

        /**
         * Momentum update of every parameter, on the caller's thread (≈1–2 % of a step): each
         * gradient element is the sum over the chunks' winning copies in chunk order; W2 is
         * updated as W2ᵀ (the gradient's layout) and copied into W2.
         */
        private void update() {
            int H = net.hidden;
            for (int j = 0; j < H; j++) {
                int jj = j;
                update(net.w2t[j], velocity.w2t[j], g -> g.w2t[jj]);
                float[] row = net.w2t[j];
                for (int k = 0; k < H; k++) net.w2[k][j] = row[k];
            }
            for (int c = 0; c < net.in; c++) {
                int cc = c;
                update(net.w1[c], velocity.w1[c], g -> g.w1[cc]);
            }
            update(net.b1, velocity.b1, g -> g.b1);
            update(net.b2, velocity.b2, g -> g.b2);
            for (int o = 0; o < net.out; o++) {
                int oo = o;
                update(net.w3t[o], velocity.w3t[o], g -> g.w3t[oo]);
            }
            update(net.b3, velocity.b3, g -> g.b3);
        }

        /** v ← m·v − lr·g, w ← w + v, with g = Σ_chunks (in chunk order) of the selected gradient row. */
        private void update(float[] w, float[] v, Function<FusedMlp.Gradients, float[]> gradient) {
            float[] g = sum;
            System.arraycopy(gradient.apply(winners[0]), 0, g, 0, w.length);
            for (int c = 1; c < CHUNKS; c++) FloatKernels.add(gradient.apply(winners[c]), g, w.length);
            for (int e = 0; e < w.length; e++) {
                v[e] = momentum * v[e] - lr * g[e];
                w[e] += v[e];
            }
        }
    }
}
