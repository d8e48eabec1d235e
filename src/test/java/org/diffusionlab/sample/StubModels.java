package org.diffusionlab.sample;

import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/** Exact, hand-written ε̂ models for sampler tests. */
final class StubModels {

    private StubModels() {}

    /** ε̂ = c everywhere. */
    static EpsilonModel constant(double c, int d) {
        return new EpsilonModel() {
            @Override
            public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
                SimpleMatrix out = new SimpleMatrix(xt.getNumRows(), xt.getNumCols());
                out.fill(c);
                return out;
            }

            @Override
            public int dataDim() {
                return d;
            }
        };
    }

    /** ε̂ = tanh(x_t)·t/T + 0.1: nonlinear in x and dependent on t, so samplers cannot agree by accident. */
    static EpsilonModel smooth(int d) {
        return new EpsilonModel() {
            @Override
            public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
                SimpleMatrix out = xt.copy();
                double[] a = out.getDDRM().data;
                for (int i = 0; i < a.length; i++) a[i] = Math.tanh(a[i]) * t / T + 0.1;
                return out;
            }

            @Override
            public int dataDim() {
                return d;
            }
        };
    }

    /**
     * The ideal model when all data is the single point x0: the noise is then known exactly from
     * x_t = √ᾱ_t·x0 + √(1 − ᾱ_t)·ε, i.e. ε = (x_t − √ᾱ_t·x0) / √(1 − ᾱ_t).
     */
    static EpsilonModel oracle(double[] x0, NoiseSchedule schedule) {
        return new EpsilonModel() {
            @Override
            public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
                SimpleMatrix out = new SimpleMatrix(xt.getNumRows(), xt.getNumCols());
                for (int i = 0; i < xt.getNumRows(); i++) {
                    for (int j = 0; j < x0.length; j++) {
                        out.set(i, j, (xt.get(i, j) - schedule.sqrtAlphaBar(t) * x0[j]) / schedule.sqrtOneMinusAlphaBar(t));
                    }
                }
                return out;
            }

            @Override
            public int dataDim() {
                return x0.length;
            }
        };
    }

    static double maxAbsDiff(SimpleMatrix a, SimpleMatrix b) {
        double m = 0;
        for (int i = 0; i < a.getNumElements(); i++) m = Math.max(m, Math.abs(a.get(i) - b.get(i)));
        return m;
    }
}
