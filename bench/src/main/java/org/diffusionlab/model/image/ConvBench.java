package org.diffusionlab.model.image;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Microbenchmarks of {@link FastConv2d} on the digits U-Net's layers (batch 64), with the plain and
 * the Vector API products, in operations per second. The secondary result {@code flop} is the
 * rate of the operation's multiply-adds (2 flop each) in flop/s, to put beside the machine's peak
 * (bench/README.md says how that is derived).
 * <ul>
 *   <li>{@code product}: one chunk's forward product Y += W·X_col (C_out × K times K × 2048 columns),
 *       one thread: the kernel alone (2·C_out·K·2048 flop).</li>
 *   <li>{@code layer}: a whole layer, forward + backward, on the fast path's two threads, including
 *       im2col, col2im and the double/float conversions (3 × 2·C_out·K·P flop, P = 64·H_out·W_out).</li>
 * </ul>
 * Needs {@code --add-modules jdk.incubator.vector} for {@code products=vector} ({@code bench/run.sh jmh} adds it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ConvBench {

    static final int BATCH = 64;
    static final int COLUMNS = 2048;

    /** in x out x side (3x3, padding 1, stride 1): enc0.conv1, enc1.conv2, dec1.conv1, dec0.conv1. */
    @Param({"16x16x8", "32x32x4", "64x32x4", "48x16x8"})
    String layer;

    @Param({"plain", "vector"})
    String products;

    /** The flop done so far in this iteration; JMH prints it per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flop {
        public long flop;

        @Setup(Level.Iteration)
        public void clear() {
            flop = 0;
        }
    }

    FastConv2d fast;
    FastConv2d.Products kernel;
    Tensor x;
    Tensor dy;
    float[][] w;
    float[][] cols;
    float[][] y;
    int in;
    int out;
    int K;

    @Setup
    public void setUp() {
        String[] p = layer.split("x");
        in = Integer.parseInt(p[0]);
        out = Integer.parseInt(p[1]);
        int side = Integer.parseInt(p[2]);
        K = in * 9;
        kernel = products.equals("vector") ? FastConv2d.VECTOR : FastConv2d.PLAIN;
        if (kernel == null) throw new IllegalStateException("products=vector needs --add-modules jdk.incubator.vector");
        SplittableRandom rng = new SplittableRandom(1);
        Conv2d conv = new Conv2d("c", in, out, 3, 1, 1, rng);
        fast = new FastConv2d(conv, kernel);
        x = GradientCheckData.random(BATCH, in, side, rng);
        dy = GradientCheckData.random(BATCH, out, side, rng);
        w = new float[out][K];
        cols = new float[K][COLUMNS];
        y = new float[out][COLUMNS];
        for (float[] row : w) for (int i = 0; i < K; i++) row[i] = (float) rng.nextGaussian();
        for (float[] row : cols) for (int i = 0; i < COLUMNS; i++) row[i] = (float) rng.nextGaussian();
    }

    @Benchmark
    public float product(Flop f) {
        kernel.multiply(w, cols, y, out, K, 0, COLUMNS);
        f.flop += 2L * out * K * COLUMNS;
        return y[0][0];
    }

    @Benchmark
    public double layer(Flop f) {
        Tensor out = fast.forward(x);
        Tensor dx = fast.backward(dy);
        f.flop += 3L * 2 * this.out * K * BATCH * out.h * out.w;
        return dx.data[0];
    }

    /** Random tensors without the test sources. */
    static final class GradientCheckData {
        static Tensor random(int n, int c, int side, SplittableRandom rng) {
            Tensor t = new Tensor(n, c, side, side);
            for (int i = 0; i < t.data.length; i++) t.data[i] = rng.nextGaussian();
            return t;
        }
    }
}
