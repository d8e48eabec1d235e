package org.diffusionlab.model.image;

import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Central finite differences against a hand-written backward pass. The loss is L = Σ R⊙y for a
 * fixed random R, so dL/dy = R; for each checked number θ the numeric derivative is
 * (L(θ + h) − L(θ − h))/(2h) with h = 1e-5, and the error is |analytic − numeric| /
 * max(|analytic| + |numeric|, 1e-4) (the floor keeps derivatives that are zero up to rounding, such as
 * a convolution bias just before a GroupNorm, from counting as 100 % errors).
 */
final class GradientCheck {

    static final double H = 1e-5;

    private GradientCheck() {}

    /** Random values in [−1, 1). */
    static Tensor random(int n, int c, int h, int w, SplittableRandom rng) {
        Tensor t = new Tensor(n, c, h, w);
        for (int i = 0; i < t.size(); i++) t.data[i] = 2 * rng.nextDouble() - 1;
        return t;
    }

    static double loss(Tensor y, Tensor r) {
        double s = 0;
        for (int i = 0; i < y.size(); i++) s += y.data[i] * r.data[i];
        return s;
    }

    static double error(double analytic, double numeric) {
        return Math.abs(analytic - numeric) / Math.max(Math.abs(analytic) + Math.abs(numeric), 1e-4);
    }

    /**
     * The largest error over (at most {@code perArray} sampled entries of) each array: the input
     * {@code x} (its gradient given by {@code dx}, may be null) and each parameter.
     *
     * @param forward recomputes y from the current x and parameters
     */
    static double maxError(Supplier<Tensor> forward, Tensor r, Tensor x, Tensor dx, List<Parameter> params, int perArray, SplittableRandom rng) {
        double worst = 0;
        if (x != null) {
            worst = Math.max(worst, check(x.data, dx.data, forward, r, perArray, rng, "x"));
        }
        for (Parameter p : params) {
            worst = Math.max(worst, check(p.w(), p.g().clone(), forward, r, perArray, rng, p.name()));
        }
        return worst;
    }

    private static double check(double[] values, double[] analytic, Supplier<Tensor> forward, Tensor r, int perArray, SplittableRandom rng, String name) {
        double worst = 0;
        int count = Math.min(perArray, values.length);
        for (int s = 0; s < count; s++) {
            int i = count == values.length ? s : rng.nextInt(values.length);
            double old = values[i];
            values[i] = old + H;
            double plus = loss(forward.get(), r);
            values[i] = old - H;
            double minus = loss(forward.get(), r);
            values[i] = old;
            double numeric = (plus - minus) / (2 * H);
            double e = error(analytic[i], numeric);
            if (e > 1e-4) {
                throw new AssertionError(name + "[" + i + "]: analytic " + analytic[i] + ", numeric " + numeric + ", error " + e);
            }
            worst = Math.max(worst, e);
        }
        return worst;
    }
}
