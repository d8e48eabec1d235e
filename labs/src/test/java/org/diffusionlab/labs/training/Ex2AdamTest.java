package org.diffusionlab.labs.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("training")
@DisplayName("Exercise 2: Adam and AdamW")
class Ex2AdamTest {

    private static final double BETA1 = 0.9, BETA2 = 0.999, EPS = 1e-8;

    /** The known wrong Adams, one slip each. */
    private enum Slip { NO_CORRECTION, NO_CORRECTION_1, NO_CORRECTION_2, ZERO_BASED_K, EPS_INSIDE, NO_EPS, COUPLED, DECAY_WITHOUT_LR, V_OF_ABS_G }

    /** A known wrong Adam, run beside the reference to recognize the mistake. */
    private static final class Wrong {
        final Slip slip;
        final double lr, lambda;
        List<double[]> m, v;
        int k;

        Wrong(double lr, double lambda, Slip slip) {
            this.lr = lr;
            this.lambda = lambda;
            this.slip = slip;
        }

        void step(List<SimpleMatrix> w, List<SimpleMatrix> g) {
            if (m == null) {
                m = new ArrayList<>();
                v = new ArrayList<>();
                for (SimpleMatrix p : w) {
                    m.add(new double[p.getNumElements()]);
                    v.add(new double[p.getNumElements()]);
                }
            }
            k++;
            int power = slip == Slip.ZERO_BASED_K ? k - 1 : k;
            double c1 = slip == Slip.NO_CORRECTION || slip == Slip.NO_CORRECTION_1 ? 1 : 1 - Math.pow(BETA1, power);
            double c2 = slip == Slip.NO_CORRECTION || slip == Slip.NO_CORRECTION_2 ? 1 : 1 - Math.pow(BETA2, power);
            boolean coupled = slip == Slip.COUPLED;
            for (int p = 0; p < w.size(); p++) {
                double[] wp = w.get(p).getDDRM().data, gp = g.get(p).getDDRM().data, mp = m.get(p), vp = v.get(p);
                for (int i = 0; i < wp.length; i++) {
                    double gi = coupled ? gp[i] + lambda * wp[i] : gp[i];
                    mp[i] = BETA1 * mp[i] + (1 - BETA1) * gi;
                    vp[i] = BETA2 * vp[i] + (1 - BETA2) * (slip == Slip.V_OF_ABS_G ? Math.abs(gi) : gi * gi);
                    double mHat = mp[i] / c1, vHat = vp[i] / c2;
                    double denom = slip == Slip.EPS_INSIDE ? Math.sqrt(vHat + EPS) : slip == Slip.NO_EPS ? Math.sqrt(vHat) : Math.sqrt(vHat) + EPS;
                    double decay = coupled ? 0 : (slip == Slip.DECAY_WITHOUT_LR ? lambda : lr * lambda) * wp[i];
                    wp[i] -= decay + lr * mHat / denom;
                }
            }
        }
    }

    private static Map<String, Wrong> wrongs(double lr, double lambda) {
        Map<String, Wrong> w = new LinkedHashMap<>();
        w.put("did you forget the bias correction 1/(1 − β1^k) and 1/(1 − β2^k)? k is the 1-based step count",
                new Wrong(lr, lambda, Slip.NO_CORRECTION));
        w.put("the bias correction of m is missing: m̂ = m/(1 − β1^k) (v̂ was corrected)", new Wrong(lr, lambda, Slip.NO_CORRECTION_1));
        w.put("the bias correction of v is missing: v̂ = v/(1 − β2^k) (m̂ was corrected)", new Wrong(lr, lambda, Slip.NO_CORRECTION_2));
        w.put("the bias correction uses β^(k−1): increment the step count k before computing 1 − β^k (k = 1 at the first step)",
                new Wrong(lr, lambda, Slip.ZERO_BASED_K));
        w.put("ε goes outside the square root: √v̂ + ε, not √(v̂ + ε)", new Wrong(lr, lambda, Slip.EPS_INSIDE));
        w.put("v averages g², the squared gradient, not |g|", new Wrong(lr, lambda, Slip.V_OF_ABS_G));
        w.put("ε is missing: the step is lr·m̂/(√v̂ + ε)", new Wrong(lr, lambda, Slip.NO_EPS));
        if (lambda > 0) {
            w.put("that is L2 regularization (λ·w added to g, then divided by √v̂); AdamW's decay is decoupled: w ← w − lr·λ·w − lr·m̂/(√v̂ + ε)",
                    new Wrong(lr, lambda, Slip.COUPLED));
            w.put("the decoupled decay is lr·λ·w (scaled by the learning rate, as in PyTorch's AdamW), not λ·w",
                    new Wrong(lr, lambda, Slip.DECAY_WITHOUT_LR));
        }
        return w;
    }

    private static List<SimpleMatrix> copies(List<SimpleMatrix> ms) {
        List<SimpleMatrix> out = new ArrayList<>();
        for (SimpleMatrix m : ms) out.add(m.copy());
        return out;
    }

    /** Runs the student's Adam and the reference side by side on the same gradients, step by step. */
    private static void compare(List<SimpleMatrix> start, List<List<SimpleMatrix>> gradients, double lr, double lambda) {
        List<SimpleMatrix> mine = copies(start), ref = copies(start);
        Adam student = lambda == 0 ? Adam.adam(mine, lr) : Adam.adamW(mine, lr, lambda);
        org.diffusionlab.model.Adam reference = lambda == 0 ? org.diffusionlab.model.Adam.adam(lr)
                : org.diffusionlab.model.Adam.adamW(lr, lambda);
        Map<String, Wrong> wrongs = wrongs(lr, lambda);
        Map<String, List<SimpleMatrix>> wrongParams = new LinkedHashMap<>();
        wrongs.keySet().forEach(key -> wrongParams.put(key, copies(start)));
        for (int s = 0; s < gradients.size(); s++) {
            List<SimpleMatrix> g = gradients.get(s), gCopy = copies(g);
            student.step(mine, g);
            reference.step(ref, copies(g));
            for (String key : wrongs.keySet()) wrongs.get(key).step(wrongParams.get(key), copies(g));
            for (int p = 0; p < g.size(); p++) {
                if (!g.get(p).isIdentical(gCopy.get(p), 0)) {
                    throw new AssertionError("step changed gradient " + p + " at step " + (s + 1) + ": gradients are inputs, leave them as they are");
                }
            }
            for (int p = 0; p < start.size(); p++) {
                for (double x : mine.get(p).getDDRM().data) {
                    if (!Double.isFinite(x)) {
                        boolean zeroGradient = Arrays.stream(g.get(p).getDDRM().data).anyMatch(v -> v == 0);
                        throw new AssertionError("parameter " + p + " holds " + x + " after step " + (s + 1) + "\n  likely mistake: a division by "
                                + (zeroGradient ? "zero: with g = 0, m̂ = v̂ = 0 and ε is what keeps m̂/(√v̂ + ε) finite — is ε missing? Or "
                                + "the bias correction divides by 1 − β^0 = 0: " : "1 − β^0 = 0: ")
                                + "k is the 1-based step count, so increment it before the bias correction (1 − β1^k, 1 − β2^k)");
                    }
                }
                Map<String, SimpleMatrix> mistakes = new LinkedHashMap<>();
                for (String key : wrongs.keySet()) mistakes.put(key, wrongParams.get(key).get(p));
                Feedback.assertMatrix((lambda == 0 ? "Adam" : "AdamW (λ = " + lambda + ")") + ": parameter " + p + " is wrong after step " + (s + 1),
                        "lr = " + lr + ", β1 = 0.9, β2 = 0.999, ε = 1e-8, " + start.size() + " parameters; start " + Feedback.show(start.get(p))
                                + "; gradient at this step " + Feedback.show(g.get(p)),
                        ref.get(p), mine.get(p), mistakes);
            }
            if (student.stepCount() != s + 1) {
                throw new AssertionError("stepCount() should be " + (s + 1) + " after " + (s + 1) + " steps, got " + student.stepCount()
                        + ": increment k once per step (not per parameter)");
            }
        }
    }

    private static List<List<SimpleMatrix>> randomGradients(List<SimpleMatrix> shapes, int steps, SplittableRandom rng) {
        List<List<SimpleMatrix>> all = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            List<SimpleMatrix> g = new ArrayList<>();
            for (SimpleMatrix p : shapes) {
                SimpleMatrix m = new SimpleMatrix(p.getNumRows(), p.getNumCols());
                for (int i = 0; i < m.getNumElements(); i++) m.getDDRM().data[i] = rng.nextGaussian() * Math.exp(rng.nextDouble(-3, 3));
                g.add(m);
            }
            all.add(g);
        }
        return all;
    }

    private static List<SimpleMatrix> randomParameters(SplittableRandom rng) {
        List<SimpleMatrix> ps = new ArrayList<>();
        int[][] shapes = {{2, 5}, {1, 5}, {5, 3}, {1, 1}};
        for (int[] s : shapes) {
            SimpleMatrix m = new SimpleMatrix(s[0], s[1]);
            for (int i = 0; i < m.getNumElements(); i++) m.getDDRM().data[i] = rng.nextGaussian();
            ps.add(m);
        }
        return ps;
    }

    @Test
    @Graded(exercise = "2.1", points = 1)
    @DisplayName("the first Adam step moves each weight by lr against the sign of its gradient (bias correction), by lr/2 at |g| = ε")
    void firstStepByHand() {
        SimpleMatrix w = new SimpleMatrix(1, 4, true, 1.0, -2.0, 0.5, 0.25);
        // at |g| = ε = 1e-8 the step is lr·g/(|g| + ε) = lr/2: ε shows beyond any rounding, float's too
        SimpleMatrix g = new SimpleMatrix(1, 4, true, 0.5, -4.0, 1e-3, EPS);
        List<SimpleMatrix> start = List.of(w.copy());
        // after step 1, m̂ = g and v̂ = g², so the update is lr·g/(|g| + ε) ≈ lr·sign(g)
        compare(start, List.of(List.of(g)), 0.1, 0.0);
        List<SimpleMatrix> mine = copies(start);
        Adam.adam(mine, 0.1).step(mine, List.of(g.copy()));
        // ε shows at |g| = 0.001: the last weight moves by 0.1·0.001/(0.001 + 1e-8), slightly less than lr
        SimpleMatrix expected = new SimpleMatrix(1, 4, true, 1 - 0.1 * 0.5 / (0.5 + EPS), -2 + 0.1 * 4 / (4 + EPS), 0.5 - 0.1 * 1e-3 / (1e-3 + EPS),
                0.25 - 0.1 / 2);
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        mistakes.put("ε is missing (or subtracted): at |g| = ε = 1e-8 the step is lr·g/(|g| + ε) = lr/2, not lr", new SimpleMatrix(1, 4, true,
                1 - 0.1, -2 + 0.1, 0.5 - 0.1, 0.25 - 0.1));
        Feedback.assertMatrix("the first Adam step should be w − lr·g/(|g| + ε) ≈ w − lr·sign(g)", "w = [1, −2, 0.5, 0.25], g = [0.5, −4, 0.001, 1e-8], lr = 0.1",
                expected, mine.get(0), mistakes);
    }

    @Test
    @Graded(exercise = "2.1", points = 1.5)
    @DisplayName("Adam matches the reference over 6 steps on 4 random parameters (moments persist between steps)")
    void adamRandom() {
        SplittableRandom rng = new SplittableRandom(21);
        List<SimpleMatrix> start = randomParameters(rng);
        compare(start, randomGradients(start, 6, rng), 0.01, 0.0);
    }

    @Test
    @Graded(exercise = "2.1", points = 1)
    @DisplayName("AdamW's first step by hand: w ← w − lr·λ·w − lr·g/(|g| + ε), e.g. 1 → 0.89")
    void adamWByHand() {
        SimpleMatrix w = new SimpleMatrix(1, 2, true, 1.0, -2.0);
        SimpleMatrix g = new SimpleMatrix(1, 2, true, 0.5, -4.0);
        compare(List.of(w), List.of(List.of(g)), 0.1, 0.1);
        List<SimpleMatrix> mine = List.of(w.copy());
        Adam.adamW(mine, 0.1, 0.1).step(mine, List.of(g.copy()));
        Feedback.assertMatrix("AdamW's first step is wrong", "w = [1, −2], g = [0.5, −4], lr = 0.1, λ = 0.1",
                new SimpleMatrix(1, 2, true, 1 - 0.01 - 0.1 * 0.5 / (0.5 + EPS), -2 + 0.02 + 0.1 * 4 / (4 + EPS)), mine.get(0), Feedback.mistakes());
    }

    @Test
    @Graded(exercise = "2.1", points = 1)
    @DisplayName("AdamW matches the reference over 6 steps on 4 random parameters")
    void adamWRandom() {
        SplittableRandom rng = new SplittableRandom(22);
        List<SimpleMatrix> start = randomParameters(rng);
        compare(start, randomGradients(start, 6, rng), 0.01, 0.05);
    }

    @Test
    @Graded(exercise = "2.1", points = 0.5)
    @DisplayName("with a zero gradient Adam leaves w unchanged and AdamW only decays it")
    void zeroGradient() {
        SimpleMatrix w = new SimpleMatrix(2, 2, true, 1.0, -1.0, 2.0, 0.0);
        SimpleMatrix zero = new SimpleMatrix(2, 2);
        compare(List.of(w), List.of(List.of(zero), List.of(zero)), 0.1, 0.0);
        compare(List.of(w), List.of(List.of(zero), List.of(zero)), 0.1, 0.2);
    }
}
