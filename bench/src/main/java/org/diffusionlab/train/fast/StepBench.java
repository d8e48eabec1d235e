package org.diffusionlab.train.fast;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.Losses;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full-batch gradient (1500 rows, 3-128-128-2, one thread) by the fused float pass and by the
 * reference {@link Mlp} (EJML, double), on the same freshly initialized network and batch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StepBench {

    Mlp mlp;
    SimpleMatrix input, eps;
    FusedMlp fused;
    FusedMlp.Scratch scratch;
    FusedMlp.Gradients gradients;
    float[] target;
    float[][] rows;

    @Setup
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(42);
        SimpleMatrix data = Datasets.makeSpiral(1500, 0.02, rng);
        NoiseSchedule schedule = NoiseSchedule.linearBetaSchedule(100, 1e-4, 5e-3);
        mlp = Mlp.init(128, rng);
        int[] t = new int[1500];
        for (int i = 0; i < t.length; i++) t[i] = rng.nextInt(1, 101);
        ForwardProcess.NoisySample noisy = ForwardProcess.qSample(data, t, schedule, rng);
        input = Mlp.timeInput(noisy.xt(), t, 100);
        eps = noisy.eps();
        fused = FusedMlp.from(mlp);
        scratch = fused.newScratch();
        gradients = fused.newGradients();
        target = new float[3000];
        for (int i = 0; i < target.length; i++) target[i] = (float) eps.getDDRM().data[i];
        rows = new float[1500][3];
        for (int i = 0; i < 1500; i++) {
            for (int c = 0; c < 3; c++) rows[i][c] = (float) input.get(i, c);
        }
    }

    @Benchmark
    public double fusedFloat() {
        gradients.clear();
        for (int b0 = 0; b0 < 1500; b0 += FusedMlp.BLOCK) {
            int n = Math.min(FusedMlp.BLOCK, 1500 - b0);
            for (int r = 0; r < n; r++) System.arraycopy(rows[b0 + r], 0, scratch.x[r], 0, 3);
            fused.accumulateBlock(scratch, n, target, b0 * 2, 2f / 1500, gradients);
        }
        return gradients.squaredError;
    }

    @Benchmark
    public Mlp.Gradients referenceEjml() {
        Mlp.Output out = mlp.forward(input);
        return mlp.backward(out.cache(), Losses.mse(out.out(), eps).grad());
    }
}
