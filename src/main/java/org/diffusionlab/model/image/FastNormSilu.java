package org.diffusionlab.model.image;

/**
 * The fast path of a {@link GroupNorm} followed by a {@link Silu}: y = SiLU(γ·x̂ + β), the same
 * formulas as those two readable layers (see their comments), in one pass over the data and on
 * two threads. With {@link #PLAIN} forward gives the readable layers' numbers bit for bit (same
 * operations in the same order), and backward too, except the sums dL/dγ and dL/dβ over the batch,
 * whose order differs (below). With {@link #fastest} (the Vector API when the JVM has the module)
 * the exponential of the sigmoid is the Vector API's, which may differ from {@link Math#exp} in
 * the last bits. {@code FastNormSiluTest} checks both.
 *
 * <p><b>Why it is faster.</b> The readable pair reads and writes three whole tensors per pass
 * and runs on one thread; here each image's groups are normalized, shifted and activated while
 * they are in cache, the batch is split between two threads, and with the Vector API the
 * exponentials (most of the forward's time with {@link Math#exp}) are computed several at once.
 * The buffers for x̂ and σ, the output and dx tensors are kept between calls ({@link FastConv2d#reuse}).
 *
 * <p><b>Threads and determinism.</b> Images are independent in both directions except for
 * dL/dγ[c] = Σ_n Σ_pixels dL/dz·x̂ and dL/dβ[c] = Σ_n Σ_pixels dL/dz (z = γ·x̂ + β, the SiLU's input).
 * Each image's two sums go into its own row of a N×C table, and the rows are added in image order
 * after the threads finish, so the result does not depend on the number of threads.
 */
final class FastNormSilu {

    /**
     * One channel of one image, forward: for q in [from, to), x̂ = (x[q] − μ)·inv, z = γ·x̂ + β,
     * σ = 1/(1 + e^{−z}) and y = z·σ, written to xh[q], sg[q] and out[q].
     */
    interface Activation {
        void apply(double[] x, int from, int to, double mean, double inv, double gamma, double beta, double[] xh, double[] sg, double[] out);

        /** A few words for benchmark tables. */
        String describe();
    }

    /** Plain Java, one pixel at a time: the readable layers' operations, so their numbers bit for bit. */
    static final Activation PLAIN = new Activation() {
        @Override
        public void apply(double[] x, int from, int to, double mean, double inv, double gamma, double beta, double[] xh, double[] sg, double[] out) {
            for (int q = from; q < to; q++) {
                double h = (x[q] - mean) * inv, z = gamma * h + beta, s = Silu.sigmoid(z);
                xh[q] = h;
                sg[q] = s;
                out[q] = z * s;
            }
        }

        @Override
        public String describe() {
            return "plain Java";
        }
    };

    /** {@code VectorNormSilu} ({@code src/main/vector}), or null when this JVM lacks the module or the class. */
    static final Activation VECTOR = loadVector();

    /** {@link #VECTOR} when available, else {@link #PLAIN}. */
    static Activation fastest() {
        return VECTOR != null ? VECTOR : PLAIN;
    }

    private static Activation loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return null;
        try {
            return (Activation) Class.forName(FastNormSilu.class.getPackageName() + ".VectorNormSilu").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;  // compiled without the vector source folder (e.g. by an IDE): plain loop
        }
    }

    private final GroupNorm norm;
    private final int threads;
    private final Activation activation;
    private double[] normalized = new double[0];
    private double[] sigmoid = new double[0];
    private double[] inverseStd = new double[0];
    /** Per image and channel, the two sums of dL/dγ and dL/dβ (N×C, row-major). */
    private double[] gammaSums = new double[0];
    private double[] betaSums = new double[0];
    /** dL/dz of one group, one buffer per fixed part of the batch. */
    private final double[][] groupGradient = {new double[0], new double[0]};
    /** y of forward and dx of backward, reused as {@link FastConv2d#reuse} describes. */
    private Tensor output;
    private Tensor inputGradient;
    private Tensor shape;

    FastNormSilu(GroupNorm norm) {
        this(norm, FastConv2d.THREADS);
    }

    /** @param threads ≥ 1 threads splitting the batch (tests compare 1, 2 and 3) */
    FastNormSilu(GroupNorm norm, int threads) {
        this(norm, threads, fastest());
    }

    /**
     * @param threads ≥ 1 threads splitting the batch
     * @param activation {@link #PLAIN} or {@link #VECTOR}
     */
    FastNormSilu(GroupNorm norm, int threads, Activation activation) {
        if (threads < 1) throw new IllegalArgumentException("threads = " + threads + " is invalid: must be >= 1");
        this.norm = norm;
        this.threads = threads;
        this.activation = activation;
    }

    /** y = SiLU(GroupNorm(x)), x and y N×C×H×W. */
    Tensor forward(Tensor x) {
        int channels = norm.channels(), groups = norm.groups();
        if (x.c != channels) {
            throw new IllegalArgumentException("x has shape " + x.shape() + ", invalid: expected " + channels + " channels");
        }
        int per = channels / groups, hw = x.h * x.w, m = per * hw;
        shape = x;
        if (normalized.length != x.size()) {
            normalized = new double[x.size()];
            sigmoid = new double[x.size()];
        }
        if (inverseStd.length != x.n * groups) inverseStd = new double[x.n * groups];
        Tensor y = output = FastConv2d.reuse(output, x.n, x.c, x.h, x.w);  // every element written below
        double[] G = norm.gamma().w(), B = norm.beta().w(), xs = x.data, xh = normalized, sg = sigmoid, out = y.data;
        FastConv2d.parallel(x.n, threads, (n0, n1) -> {
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < groups; g++) {
                    int start = (n * channels + g * per) * hw;
                    double mean = 0;
                    for (int q = 0; q < m; q++) mean += xs[start + q];
                    mean /= m;
                    double var = 0;
                    for (int q = 0; q < m; q++) {
                        double d = xs[start + q] - mean;
                        var += d * d;
                    }
                    var /= m;
                    double inv = 1.0 / Math.sqrt(var + GroupNorm.EPSILON);
                    inverseStd[n * groups + g] = inv;
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        int base = (n * channels + c) * hw;
                        activation.apply(xs, base, base + hw, mean, inv, G[c], B[c], xh, sg, out);
                    }
                }
            }
        });
        return y;
    }

    /** dL/dx from dL/dy of the last forward; adds dL/dγ and dL/dβ into the GroupNorm's gradients. */
    Tensor backward(Tensor dy) {
        if (shape == null) throw new IllegalStateException("backward before forward");
        if (!dy.sameShape(shape)) throw new IllegalArgumentException("dy has shape " + dy.shape() + ", invalid: expected " + shape.shape());
        int channels = norm.channels(), groups = norm.groups();
        int per = channels / groups, hw = dy.h * dy.w, m = per * hw;
        Tensor dx = inputGradient = FastConv2d.reuse(inputGradient, dy.n, dy.c, dy.h, dy.w);  // every element written below
        double[] G = norm.gamma().w(), B = norm.beta().w(), xh = normalized, sg = sigmoid, d = dy.data, out = dx.data;
        if (gammaSums.length != dy.n * channels) {
            gammaSums = new double[dy.n * channels];
            betaSums = new double[dy.n * channels];
        }
        double[] dGamma = gammaSums, dBeta = betaSums;
        for (int q = 0; q < groupGradient.length; q++) {
            if (groupGradient[q].length < m) groupGradient[q] = new double[m];
        }
        FastConv2d.parallel(dy.n, threads, (n0, n1) -> {
            // one part per thread with 1 or 2 threads; more threads (tests) get their own buffer
            double[] dz = threads <= 2 ? groupGradient[n0 == 0 ? 0 : 1] : new double[m];
            for (int n = n0; n < n1; n++) {
                for (int g = 0; g < groups; g++) {
                    int start = (n * channels + g * per) * hw;
                    double meanG = 0, meanGX = 0;
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        double gc = G[c], bc = B[c], sumGamma = 0, sumBeta = 0;
                        int base = (n * channels + c) * hw;
                        for (int q = base; q < base + hw; q++) {
                            double h = xh[q], s = sg[q], z = gc * h + bc;
                            double dq = d[q] * s * (1 + z * (1 - s));  // through the SiLU
                            dz[q - start] = dq;
                            sumGamma += dq * h;
                            sumBeta += dq;
                            double gq = gc * dq;
                            meanG += gq;
                            meanGX += gq * h;
                        }
                        dGamma[n * channels + c] = sumGamma;
                        dBeta[n * channels + c] = sumBeta;
                    }
                    meanG /= m;
                    meanGX /= m;
                    double inv = inverseStd[n * groups + g];
                    for (int c = g * per; c < (g + 1) * per; c++) {
                        double gc = G[c];
                        int base = (n * channels + c) * hw;
                        for (int q = base; q < base + hw; q++) out[q] = (gc * dz[q - start] - meanG - xh[q] * meanGX) * inv;
                    }
                }
            }
        });
        double[] gG = norm.gamma().g(), gB = norm.beta().g();
        for (int n = 0; n < dy.n; n++) {
            for (int c = 0; c < channels; c++) {
                gG[c] += dGamma[n * channels + c];
                gB[c] += dBeta[n * channels + c];
            }
        }
        return dx;
    }
}
