package org.diffusionlab.labs.spiral;

import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.model.MomentumSgd;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * Bridges between the lab's types and the core's reference implementation, used by the graders so
 * that each exercise is graded with the reference version of the ones before it.
 */
final class Reference {

    private Reference() {}

    /** The lab's {@link Schedule} holding the reference's β, α, ᾱ. */
    static Schedule schedule(NoiseSchedule s) {
        return new Schedule(s.betas(), s.alphas(), s.alphaBars());
    }

    static NoiseSchedule linear(int T, double betaStart, double betaEnd) {
        return NoiseSchedule.linearBetaSchedule(T, betaStart, betaEnd);
    }

    static SimpleMatrix randn(int rows, int cols, long seed) {
        return ForwardProcess.gaussian(rows, cols, new SplittableRandom(seed));
    }

    /** A reference network with random weights (std 0.5, so ReLUs are both on and off) and random, non-zero biases. */
    static Mlp randomMlp(int in, int hidden, int out, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Mlp mlp = Mlp.init(in, hidden, out, 0.5, 0.0, rng);
        for (SimpleMatrix b : List.of(mlp.parameters().get(1), mlp.parameters().get(3), mlp.parameters().get(5))) {
            for (int j = 0; j < b.getNumCols(); j++) b.set(0, j, 0.3 * rng.nextGaussian());
        }
        return mlp;
    }

    /** The lab's network with copies of the reference network's parameters. */
    static Network labNetwork(Mlp mlp) {
        List<SimpleMatrix> p = mlp.parameters();
        return new Network(p.get(0).copy(), p.get(1).copy(), p.get(2).copy(), p.get(3).copy(), p.get(4).copy(), p.get(5).copy());
    }

    static Network.Cache labCache(Mlp.Cache c) {
        return new Network.Cache(c.x(), c.z1(), c.h1(), c.z2(), c.h2());
    }

    /** The reference network and momentum optimizer behind the lab's {@link TrainableModel}. */
    static final class ReferenceNetwork implements TrainableModel {
        final Mlp mlp;
        private MomentumSgd optimizer;
        private double lr = Double.NaN, momentum = Double.NaN;

        ReferenceNetwork(Mlp mlp) {
            this.mlp = mlp;
        }

        @Override
        public Network.Output forward(SimpleMatrix x) {
            Mlp.Output o = mlp.forward(x);
            return new Network.Output(o.out(), labCache(o.cache()));
        }

        @Override
        public Network.Gradients backward(Network.Cache c, SimpleMatrix gradOut) {
            Mlp.Gradients g = mlp.backward(new Mlp.Cache(c.x(), c.z1(), c.h1(), c.z2(), c.h2()), gradOut);
            return new Network.Gradients(g.dW1(), g.db1(), g.dW2(), g.db2(), g.dW3(), g.db3());
        }

        @Override
        public void step(Network.Gradients g, double lr, double momentum) {
            if (optimizer == null || lr != this.lr || momentum != this.momentum) {
                if (optimizer != null) {
                    throw new AssertionError("lr/momentum changed between steps: (" + this.lr + ", " + this.momentum
                            + ") then (" + lr + ", " + momentum + "); pass config.lr() and config.momentum() every step");
                }
                optimizer = new MomentumSgd(lr, momentum);
                this.lr = lr;
                this.momentum = momentum;
            }
            optimizer.step(mlp.parameters(), g.asList());
        }

        @Override
        public int dataDim() {
            return mlp.dataDim();
        }
    }

    /**
     * A fixed, deterministic noise predictor, usable as both the lab's and the core's model:
     * ε̂(x, t) = tanh(x·A) + (t/T)·c, with A and c fixed. Not a good model, just an exact one.
     */
    static final class ToyModel implements EpsilonModel, org.diffusionlab.model.EpsilonModel {
        private static final SimpleMatrix A = new SimpleMatrix(new double[][] {{0.8, -0.3}, {0.4, 0.9}});
        int calls;
        int lastT = -1, lastTotal = -1;

        @Override
        public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
            calls++;
            lastT = t;
            lastTotal = T;
            SimpleMatrix out = xt.mult(A);
            for (int i = 0; i < out.getNumRows(); i++) {
                out.set(i, 0, Math.tanh(out.get(i, 0)) + 0.5 * t / T);
                out.set(i, 1, Math.tanh(out.get(i, 1)) - 0.25 * t / T);
            }
            return out;
        }

        @Override
        public int dataDim() {
            return 2;
        }
    }

    /**
     * The best possible noise predictor for a finite dataset {d_j}: ε̂(x_t, t) = (x_t − √ᾱ_t·E[x_0 | x_t]) / √(1 − ᾱ_t),
     * where E[x_0 | x_t] weights each d_j by exp(−‖x_t − √ᾱ_t·d_j‖² / (2(1 − ᾱ_t))). Sampling with it
     * lands on the data, so it stands in for a perfectly trained network, with no training time.
     */
    static final class OracleModel implements EpsilonModel, org.diffusionlab.model.EpsilonModel {
        private final SimpleMatrix data;
        private final double[] alphaBars;

        OracleModel(SimpleMatrix data, NoiseSchedule schedule) {
            this.data = data;
            this.alphaBars = schedule.alphaBars();
        }

        @Override
        public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
            double ab = alphaBars[t - 1], s = Math.sqrt(ab), var = 1 - ab;
            int n = xt.getNumRows(), m = data.getNumRows(), d = xt.getNumCols();
            SimpleMatrix eps = new SimpleMatrix(n, d);
            double[] logw = new double[m];
            for (int i = 0; i < n; i++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < m; j++) {
                    double sq = 0;
                    for (int k = 0; k < d; k++) {
                        double diff = xt.get(i, k) - s * data.get(j, k);
                        sq += diff * diff;
                    }
                    logw[j] = -sq / (2 * var);
                    max = Math.max(max, logw[j]);
                }
                double total = 0;
                double[] mean = new double[d];
                for (int j = 0; j < m; j++) {
                    double w = Math.exp(logw[j] - max);
                    total += w;
                    for (int k = 0; k < d; k++) mean[k] += w * data.get(j, k);
                }
                for (int k = 0; k < d; k++) eps.set(i, k, (xt.get(i, k) - s * mean[k] / total) / Math.sqrt(var));
            }
            return eps;
        }

        @Override
        public int dataDim() {
            return data.getNumCols();
        }
    }
}
