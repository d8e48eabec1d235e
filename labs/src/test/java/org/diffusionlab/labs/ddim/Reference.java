package org.diffusionlab.labs.ddim;

import java.util.List;
import java.util.SplittableRandom;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.sample.DdimSampler;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/** The core's reference implementations, in the lab's terms (graders only). */
final class Reference {

    private Reference() {}

    static int[] timesteps(int T, int S) {
        return DdimSampler.timesteps(T, S);
    }

    /** τ_{i−1} for i = 1..S, read off the core's transitions (which run from τ_S down to τ_1). */
    static int[] previous(int T, int S) {
        List<DdimSampler.Transition> path = DdimSampler.transitions(T, S);
        int[] landsOn = new int[S];
        for (int k = 0; k < S; k++) landsOn[S - 1 - k] = path.get(k).to();
        return landsOn;
    }

    static double sigma(NoiseSchedule schedule, int t, int p, double eta) {
        return DdimSampler.sigma(schedule, t, p, eta);
    }

    static double alphaBarOrOne(NoiseSchedule schedule, int p) {
        return p == 0 ? 1.0 : schedule.alphaBar(p);
    }

    /** The core's DDIM step with a model that always predicts {@code epsHat}. */
    static SimpleMatrix step(SimpleMatrix xt, SimpleMatrix epsHat, int t, int p, NoiseSchedule schedule, double eta, SimpleMatrix z) {
        EpsilonModel fixed = new EpsilonModel() {
            @Override
            public SimpleMatrix predictEpsilon(SimpleMatrix x, int tt, int T) {
                return epsHat;
            }

            @Override
            public int dataDim() {
                return xt.getNumCols();
            }
        };
        return new DdimSampler(schedule.T(), eta).step(fixed, xt, t, p, schedule, z);
    }

    /** A random schedule: T betas in [1e-4, 0.1], so ᾱ stays well inside (0, 1). */
    static NoiseSchedule randomSchedule(int T, SplittableRandom rng) {
        double[] betas = new double[T];
        for (int i = 0; i < T; i++) betas[i] = rng.nextDouble(1e-4, 0.1);
        return NoiseSchedule.fromBetas(betas);
    }

    static SimpleMatrix gaussian(int rows, int cols, SplittableRandom rng) {
        SimpleMatrix m = new SimpleMatrix(rows, cols);
        for (int i = 0; i < rows; i++) for (int j = 0; j < cols; j++) m.set(i, j, rng.nextGaussian());
        return m;
    }

    /** The sliced W1 along given directions with the core's 1-D W1. */
    static double sliced(SimpleMatrix a, SimpleMatrix b, double[][] directions) {
        double total = 0;
        for (double[] theta : directions) {
            SimpleMatrix th = new SimpleMatrix(theta.length, 1, true, theta);
            total += Wasserstein.w1(a.mult(th).getDDRM().data, b.mult(th).getDDRM().data);
        }
        return total / (double) directions.length;
    }

    /** The K directions {@code Wasserstein.sliced(a, b, K, seed)} draws: Gaussian, then normalized. */
    static double[][] coreDirections(int d, int K, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] dirs = new double[K][d];
        for (int k = 0; k < K; k++) {
            double norm = 0;
            for (int j = 0; j < d; j++) {
                dirs[k][j] = rng.nextGaussian();
                norm += dirs[k][j] * dirs[k][j];
            }
            for (int j = 0; j < d; j++) dirs[k][j] /= Math.sqrt(norm);
        }
        return dirs;
    }
}
