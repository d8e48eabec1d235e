package org.diffusionlab.labs.images;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.forward.PredictionType;
import org.diffusionlab.grading.Grading;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.model.image.Conv2d;
import org.diffusionlab.model.image.GroupNorm;
import org.diffusionlab.model.image.Parameter;
import org.diffusionlab.model.image.ResBlock;
import org.diffusionlab.model.image.Silu;
import org.diffusionlab.model.image.Tensor;
import org.diffusionlab.schedule.NoiseSchedule;

/**
 * Bridges between the lab's {@link Maps} and the core's image layers ({@code model.image}), used by
 * the graders: every exercise is compared with the core on random inputs from seeded generators.
 */
final class Reference {

    private Reference() {}

    static Maps randn(int n, int c, int h, int w, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] d = new double[n * c * h * w];
        for (int i = 0; i < d.length; i++) d[i] = rng.nextGaussian();
        return new Maps(n, c, h, w, d);
    }

    static double[] randn(int size, double scale, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] d = new double[size];
        for (int i = 0; i < size; i++) d[i] = scale * rng.nextGaussian();
        return d;
    }

    static Tensor tensor(Maps m) {
        return new Tensor(m.n(), m.c(), m.h(), m.w(), m.data().clone());
    }

    static Maps maps(Tensor t) {
        return new Maps(t.n, t.c, t.h, t.w, t.data.clone());
    }

    /** The core's readable convolution holding the given weights. */
    static Conv2d conv(double[] weight, double[] bias, int in, int k, int stride, int padding) {
        Conv2d conv = new Conv2d("lab", in, bias.length, k, stride, padding, new SplittableRandom(0));
        List<Parameter> p = conv.parameters();
        System.arraycopy(weight, 0, p.get(0).w(), 0, weight.length);
        System.arraycopy(bias, 0, p.get(1).w(), 0, bias.length);
        return conv;
    }

    static Maps convForward(Maps x, double[] weight, double[] bias, int k, int stride, int padding) {
        return maps(conv(weight, bias, x.c(), k, stride, padding).forward(tensor(x)));
    }

    static Conv.Grads convBackward(Maps x, Maps dy, double[] weight, int k, int stride, int padding) {
        Conv2d conv = conv(weight, new double[dy.c()], x.c(), k, stride, padding);
        conv.forward(tensor(x));
        Tensor dx = conv.backward(tensor(dy));
        return new Conv.Grads(maps(dx), conv.parameters().get(0).g().clone(), conv.parameters().get(1).g().clone());
    }

    static GroupNorm groupNorm(int groups, double[] gamma, double[] beta) {
        GroupNorm gn = new GroupNorm("lab", groups, gamma.length);
        System.arraycopy(gamma, 0, gn.parameters().get(0).w(), 0, gamma.length);
        System.arraycopy(beta, 0, gn.parameters().get(1).w(), 0, beta.length);
        return gn;
    }

    static Maps groupNormForward(Maps x, int groups, double[] gamma, double[] beta) {
        return maps(groupNorm(groups, gamma, beta).forward(tensor(x)));
    }

    static Norm.Grads groupNormBackward(Maps x, Maps dy, int groups, double[] gamma) {
        GroupNorm gn = groupNorm(groups, gamma, new double[gamma.length]);
        gn.forward(tensor(x));
        Tensor dx = gn.backward(tensor(dy));
        return new Norm.Grads(maps(dx), gn.parameters().get(0).g().clone(), gn.parameters().get(1).g().clone());
    }

    static Maps silu(Maps x) {
        return maps(new Silu().forward(tensor(x)));
    }

    static Maps siluBackward(Maps x, Maps dy) {
        Silu s = new Silu();
        s.forward(tensor(x));
        return maps(s.backward(tensor(dy)));
    }

    /** The reference's layers (the core's), for grading the residual block (exercise 4) on its own. */
    static org.diffusionlab.labs.images.ResBlock.Layers layers() {
        return new org.diffusionlab.labs.images.ResBlock.Layers() {
            @Override
            public Maps convForward(Maps x, double[] weight, double[] bias, int k, int stride, int padding) {
                return Reference.convForward(x, weight, bias, k, stride, padding);
            }

            @Override
            public Conv.Grads convBackward(Maps x, Maps dy, double[] weight, int k, int stride, int padding) {
                return Reference.convBackward(x, dy, weight, k, stride, padding);
            }

            @Override
            public Maps groupNorm(Maps x, int groups, double[] gamma, double[] beta) {
                return groupNormForward(x, groups, gamma, beta);
            }

            @Override
            public Norm.Grads groupNormBackward(Maps x, Maps dy, int groups, double[] gamma) {
                return Reference.groupNormBackward(x, dy, groups, gamma);
            }

            @Override
            public Maps silu(Maps x) {
                return Reference.silu(x);
            }

            @Override
            public Maps siluBackward(Maps x, Maps dy) {
                return Reference.siluBackward(x, dy);
            }
        };
    }

    /** The core's {@link ResBlock} holding the given parameters (copied in the order of its parameters()). */
    static ResBlock resBlock(org.diffusionlab.labs.images.ResBlock.Params p) {
        ResBlock block = new ResBlock("lab", p.in(), p.out(), p.embedding(), p.groups(), new SplittableRandom(0));
        List<Parameter> params = block.parameters();
        double[][] values = p.convolutionalSkip()
                ? new double[][] {p.conv1Weight(), p.conv1Bias(), p.gamma1(), p.beta1(), p.shiftWeight(), p.shiftBias(), p.conv2Weight(),
                    p.conv2Bias(), p.gamma2(), p.beta2(), p.skipWeight(), p.skipBias()}
                : new double[][] {p.conv1Weight(), p.conv1Bias(), p.gamma1(), p.beta1(), p.shiftWeight(), p.shiftBias(), p.conv2Weight(),
                    p.conv2Bias(), p.gamma2(), p.beta2()};
        if (params.size() != values.length) throw new IllegalStateException("the core's ResBlock has " + params.size() + " parameter arrays, expected " + values.length);
        for (int i = 0; i < values.length; i++) System.arraycopy(values[i], 0, params.get(i).w(), 0, values[i].length);
        return block;
    }

    static Maps resBlockForward(Maps x, Maps e, org.diffusionlab.labs.images.ResBlock.Params p) {
        return maps(resBlock(p).forward(tensor(x), tensor(e)));
    }

    /** The core's gradients of L = Σ dy·y, as the lab's record (parameter gradients in the order of Params). */
    static org.diffusionlab.labs.images.ResBlock.Grads resBlockBackward(Maps x, Maps e, org.diffusionlab.labs.images.ResBlock.Params p, Maps dy) {
        ResBlock block = resBlock(p);
        block.forward(tensor(x), tensor(e));
        Tensor de = tensor(e.zerosLike());
        Tensor dx = block.backward(tensor(dy), de);
        List<Parameter> g = block.parameters();
        boolean skip = p.convolutionalSkip();
        org.diffusionlab.labs.images.ResBlock.Params grads = new org.diffusionlab.labs.images.ResBlock.Params(p.in(), p.out(), p.embedding(),
                p.groups(), g.get(0).g().clone(), g.get(1).g().clone(), g.get(2).g().clone(), g.get(3).g().clone(), g.get(4).g().clone(),
                g.get(5).g().clone(), g.get(6).g().clone(), g.get(7).g().clone(), g.get(8).g().clone(), g.get(9).g().clone(),
                skip ? g.get(10).g().clone() : null, skip ? g.get(11).g().clone() : null);
        return new org.diffusionlab.labs.images.ResBlock.Grads(maps(dx), maps(de), grads);
    }

    /** The core's x̂0 for an ε-prediction (PredictionType.EPS), clipped as the core's ImageSampler does. */
    static double[] predictX0(double[] xt, double[] eps, int t, NoiseSchedule s, boolean clip) {
        double[] out = new double[xt.length];
        for (int i = 0; i < out.length; i++) {
            double v = PredictionType.EPS.x0(eps[i], xt[i], t, s);
            out[i] = clip ? Math.max(-1, Math.min(1, v)) : v;
        }
        return out;
    }

    /** The reference's exercise 5.1, for grading 5.2 on its own. */
    static ImageStep.X0 x0() {
        return new ImageStep.X0() {
            @Override
            public double[] predictX0(double[] xt, double[] epsHat, double alphaBar, boolean clip) {
                double a = Math.sqrt(alphaBar), b = Math.sqrt(1 - alphaBar);
                double[] out = new double[xt.length];
                for (int i = 0; i < out.length; i++) {
                    double v = (xt[i] - b * epsHat[i]) / a;
                    out[i] = clip ? Math.max(-1, Math.min(1, v)) : v;
                }
                return out;
            }
        };
    }

    /** Shape and the first values of a batch of maps, for failure messages. */
    static String show(Maps m) {
        return m.shape() + " " + Feedback.show(m.data());
    }

    /** Relative closeness of two arrays: max |a − b| / (1 + max |b|). */
    static double relativeError(double[] a, double[] b) {
        double diff = 0, scale = 0;
        for (int i = 0; i < a.length; i++) {
            diff = Math.max(diff, Math.abs(a[i] - b[i]));
            scale = Math.max(scale, Math.abs(b[i]));
        }
        return diff / (1 + scale);
    }

    /**
     * A variant of the tolerance policy of {@link Feedback} (labs/README.md), measured against the largest expected value:
     * max |got − expected| ≤ tol·(1 + max |expected|). Within {@link Feedback#TOL} the answer passes silently;
     * within {@link Feedback#FLOAT_TOL} (work in float) it passes with a note in the report; beyond, it fails
     * with Feedback's message (input, expected, got, the first difference and the likely mistake, recognized
     * at float precision). The scale is the largest value, not each entry's own, because a convolution or a
     * normalisation output near 0 is a sum of terms as large as the largest output: so is its rounding error.
     * Only the hidden GroupNorm test around 10⁶ needs double: its inputs are not representable in float
     * (10⁶ + N(0, 1) rounded to float moves by up to 0.03, 3 % of the spread that is normalised).
     */
    static void assertClose(String summary, String input, double[] expected, double[] got, Map<String, double[]> mistakes) {
        if (got != null && got.length == expected.length) {
            double error = relativeError(got, expected);
            if (error <= Feedback.TOL) return;
            if (error <= Feedback.FLOAT_TOL) {
                Grading.note(String.format("accepted at float precision (%s): largest difference %.2e relative to 1 + max |expected|, "
                        + "beyond double rounding (%.0e) but within float's (%.1e), see the tolerance policy in labs/README.md",
                        summary, error, Feedback.TOL, Feedback.FLOAT_TOL));
                return;
            }
        }
        Feedback.assertArray(summary, input, expected, got, mistakes);
        throw new AssertionError(summary + ": differs from the reference by more than " + Feedback.FLOAT_TOL
                + " relative to 1 + max |expected|\n  input: " + input);
    }

    /**
     * {@link #assertClose} at a tolerance of the grader's own, with no float note: for inputs where float (or
     * a formula that cancels) cannot reach the answer, so passing {@code tol} is what is being graded.
     */
    static void assertCloseAt(String summary, String input, double[] expected, double[] got, double tol) {
        boolean sameLength = got != null && got.length == expected.length;
        if (sameLength && relativeError(got, expected) <= tol) return;
        // beyond float precision, Feedback's message and hint; within it, only this failure (assertClose would note "accepted")
        if (!sameLength || relativeError(got, expected) > Feedback.FLOAT_TOL) assertClose(summary, input, expected, got, Map.of());
        throw new AssertionError(summary + ": differs from the reference by more than " + tol + " relative to 1 + max |expected|\n  input: " + input);
    }

    /**
     * Central finite differences (f(v + h) − f(v − h))/2h agree with the exact gradient only to about
     * ε_double·|L|/h + h²·|f‴| ≈ 1e-9 relative (h = 1e-5 and the graders' losses), so they are compared at
     * {@link Feedback#FLOAT_TOL}, silently: the exact comparison with the reference in the same exercise is
     * the one that notes float work.
     */
    static void assertFiniteDifferences(String summary, String input, double[] fd, double[] got) {
        if (got != null && got.length == fd.length && relativeError(got, fd) <= Feedback.FLOAT_TOL) return;
        Feedback.assertArray(summary, input, fd, got, Map.of());
        throw new AssertionError(summary + ": differs from the finite differences by more than " + Feedback.FLOAT_TOL
                + " relative to 1 + max |fd|\n  input: " + input);
    }

    static void assertMaps(String summary, String input, Maps expected, Maps got, Map<String, double[]> mistakes) {
        if (got == null) throw new AssertionError(summary + ": got null\n  input: " + input);
        if (got.n() != expected.n() || got.c() != expected.c() || got.h() != expected.h() || got.w() != expected.w()) {
            throw new AssertionError(summary + ": wrong shape, expected " + expected.shape() + ", got " + got.shape() + "\n  input: " + input);
        }
        assertClose(summary, input, expected.data(), got.data(), mistakes);
    }
}
