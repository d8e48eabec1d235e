package org.diffusionlab.train.fast;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Microbenchmarks of {@link FloatKernels} at the lab's size (rows of 128 floats, 128 rows). One
 * operation = one row combination y += Σ_{q&lt;active} coef·W[k_q] (2·active·128 flop), done with
 * the 4-row kernel or with one axpy per row, plus the ReLU compaction of one 128-unit layer.
 * Lives in the kernels' package to reach package-private code; in the bench module only.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelBench {

    static final int H = 128;

    /** How many of the 128 rows are active (ReLU units &gt; 0): ~64 at initialization, ~30 late in training. */
    @Param({"32", "64", "128"})
    int active;

    float[][] w = new float[H][H];
    float[] coef = new float[H], y = new float[H], z = new float[H], zSource = new float[H];
    int[] rows = new int[H], compacted = new int[H];

    @Setup
    public void setUp() {
        SplittableRandom rng = new SplittableRandom(1);
        for (int k = 0; k < H; k++) {
            coef[k] = (float) rng.nextGaussian() * 1e-3f;
            zSource[k] = (float) rng.nextGaussian();
            for (int j = 0; j < H; j++) w[k][j] = (float) rng.nextGaussian();
        }
        // a random subset of `active` rows, in increasing order, as reluCompact would produce
        int count = 0;
        for (int k = 0; k < H && count < active; k++) {
            if (rng.nextInt(H - k) < active - count) rows[count++] = k;
        }
    }

    @Benchmark
    public float rowCombination4() {
        FloatKernels.addRowCombination(y, w, coef, rows, active, H);
        return y[0];
    }

    /** The Vector API kernel when the JVM has the module ({@code bench/run.sh jmh} adds it), else the plain one again. */
    @Benchmark
    public float rowCombinationFastest() {
        FloatKernels.fastest().addRowCombination(y, w, coef, rows, active, H);
        return y[0];
    }

    @Benchmark
    public float rowCombination1() {
        for (int q = 0; q < active; q++) FloatKernels.axpy(coef[rows[q]], w[rows[q]], y, H);
        return y[0];
    }

    @Benchmark
    public int reluCompact() {
        System.arraycopy(zSource, 0, z, 0, H);
        return FloatKernels.reluCompact(z, compacted, H);
    }

    /** {@link #reluCompact} with {@code FloatKernels.fastest()} (the Vector API kernel under {@code run.sh jmh}). */
    @Benchmark
    public int reluCompactFastest() {
        System.arraycopy(zSource, 0, z, 0, H);
        return FloatKernels.fastest().reluCompact(z, compacted, H);
    }
}
