package org.diffusionlab.labs.schedules;

import java.util.SplittableRandom;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.model.EpsilonModel;
import org.diffusionlab.sample.AncestralSampler;
import org.diffusionlab.sample.Variance;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;

/**
 * Bridges between the lab's types and the core's reference implementation, used by the graders so
 * that each exercise is graded with the reference version of the ones before it.
 */
final class Reference {

    private Reference() {}

    /** The lab's {@link Schedule} holding the reference's β and ᾱ. */
    static Schedule schedule(NoiseSchedule s) {
        return new Schedule(s.betas(), s.alphaBars());
    }

    /** A schedule with T random β in [1e-4, 0.3]: no structure a formula could rely on. */
    static NoiseSchedule randomSchedule(int T, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] betas = new double[T];
        for (int i = 0; i < T; i++) betas[i] = rng.nextDouble(1e-4, 0.3);
        return NoiseSchedule.fromBetas(betas);
    }

    /** The schedules every exercise is checked on: linear and cosine (T = 100 and 1000), random ones, and T = 1, 2. */
    static NoiseSchedule[] schedules() {
        return new NoiseSchedule[] {
            NoiseSchedule.linearBetaSchedule(100, 1e-4, 5e-3),
            NoiseSchedule.cosineBetaSchedule(100),
            NoiseSchedule.cosineBetaSchedule(1000),
            randomSchedule(7, 51),
            randomSchedule(40, 52),
            NoiseSchedule.fromBetas(new double[] {0.3}),
            NoiseSchedule.fromBetas(new double[] {0.02, 0.5}),
        };
    }

    static SimpleMatrix randn(int rows, int cols, long seed) {
        return ForwardProcess.gaussian(rows, cols, new SplittableRandom(seed));
    }

    /** A model that answers the given ε̂ whatever it is asked. */
    static EpsilonModel fixed(SimpleMatrix epsHat) {
        return new EpsilonModel() {
            @Override
            public SimpleMatrix predictEpsilon(SimpleMatrix xt, int t, int T) {
                return epsHat;
            }

            @Override
            public int dataDim() {
                return epsHat.getNumCols();
            }
        };
    }

    /** The core's schedule with the lab schedule's β. */
    static NoiseSchedule core(Schedule s) {
        return NoiseSchedule.fromBetas(s.betas());
    }

    /** x clipped element-wise to the range of {@code clip} (a copy; {@link Clip#OFF} leaves it as it is). */
    static SimpleMatrix clipped(SimpleMatrix x, Clip clip) {
        SimpleMatrix out = x.copy();
        for (int i = 0; i < out.getNumRows(); i++) {
            for (int j = 0; j < out.getNumCols(); j++) out.set(i, j, Math.min(clip.max(), Math.max(clip.min(), out.get(i, j))));
        }
        return out;
    }

    /** The core's versions of exercises 3.1, 4.1 and 4.2: reverseStep (4.3) is graded with these. */
    static Posterior.Parts parts() {
        return new Posterior.Parts() {
            @Override
            public double[] posteriorVariance(Schedule schedule) {
                NoiseSchedule s = core(schedule);
                double[] variances = new double[s.T()];
                for (int t = 1; t <= s.T(); t++) variances[t - 1] = Variance.POSTERIOR.sigmaSquared(s, t);
                return variances;
            }

            @Override
            public SimpleMatrix predictX0(SimpleMatrix xt, SimpleMatrix epsHat, int t, Schedule schedule, Clip clip) {
                return clipped(AncestralSampler.predictX0(xt, epsHat, t, core(schedule)), clip);
            }

            @Override
            public SimpleMatrix posteriorMean(SimpleMatrix x0Hat, SimpleMatrix xt, int t, Schedule schedule) {
                return AncestralSampler.posteriorMean(x0Hat, xt, t, core(schedule));
            }
        };
    }

    /** The reference sampler with the posterior variance, clipping as the lab's {@link Clip} says. */
    static AncestralSampler sampler(Clip clip) {
        AncestralSampler s = AncestralSampler.of(Variance.POSTERIOR);
        return clip.equals(Clip.OFF) ? s : s.withClipping(clip.min(), clip.max());
    }

    static String describe(NoiseSchedule s) {
        return "T = " + s.T() + ", betas = " + Feedback.show(s.betas());
    }
}
