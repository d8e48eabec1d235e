package org.diffusionlab.forward;

import org.diffusionlab.schedule.NoiseSchedule;

/**
 * What the network is trained to output from x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (DDPM eq. 4), the
 * "prediction type" of modern schedulers. Given any one of the three and x_t, the other two
 * follow, so the samplers convert whatever the network predicts into x̂0 and ε̂:
 * <pre>
 *   EPS  the noise ε (DDPM)                 x̂0 = (x_t − √(1 − ᾱ_t)·ε̂)/√ᾱ_t
 *   X0   the clean image x_0                ε̂ = (x_t − √ᾱ_t·x̂0)/√(1 − ᾱ_t)
 *   V    v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0        x̂0 = √ᾱ_t·x_t − √(1 − ᾱ_t)·v̂,  ε̂ = √(1 − ᾱ_t)·x_t + √ᾱ_t·v̂
 *        (Salimans &amp; Ho 2022, "progressive distillation", section 4)
 * </pre>
 * Each is trained with the plain mean squared error against its own target. They weight the
 * steps differently: an ε error of size e costs an x̂0 error of e·√((1 − ᾱ_t)/ᾱ_t), huge at the
 * noisiest steps, while X0 puts its effort there; V lies in between (its target has variance 1 for
 * unit data at every t). Every conversion is linear in the network output for a fixed x_t, so
 * classifier-free guidance gives the same x̂0 whichever type it is applied to.
 */
public enum PredictionType {
    EPS, X0, V;

    /** The name used on the command line: "eps", "x0" or "v". */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Parses "eps", "x0" or "v" (any case). */
    public static PredictionType parse(String s) {
        for (PredictionType p : values()) {
            if (p.label().equalsIgnoreCase(s.trim())) return p;
        }
        throw new IllegalArgumentException("prediction = " + s + " is invalid: must be one of eps, x0, v");
    }

    /**
     * The training target for one image: ε, x_0 or v = √ᾱ_t·ε − √(1 − ᾱ_t)·x_0 (element-wise).
     *
     * @param t step in 1..T
     */
    public double target(double x0, double eps, int t, NoiseSchedule schedule) {
        return switch (this) {
            case EPS -> eps;
            case X0 -> x0;
            case V -> schedule.sqrtAlphaBar(t) * eps - schedule.sqrtOneMinusAlphaBar(t) * x0;
        };
    }

    /** x̂0 from the network output and x_t (class comment). */
    public double x0(double output, double xt, int t, NoiseSchedule schedule) {
        double a = schedule.sqrtAlphaBar(t), s = schedule.sqrtOneMinusAlphaBar(t);
        return switch (this) {
            case EPS -> (xt - s * output) / a;
            case X0 -> output;
            case V -> a * xt - s * output;
        };
    }

    /** ε̂ from x̂0 and x_t: ε̂ = (x_t − √ᾱ_t·x̂0)/√(1 − ᾱ_t), the inverse of DDPM eq. 4. */
    public static double epsFromX0(double x0, double xt, int t, NoiseSchedule schedule) {
        return (xt - schedule.sqrtAlphaBar(t) * x0) / schedule.sqrtOneMinusAlphaBar(t);
    }
}
