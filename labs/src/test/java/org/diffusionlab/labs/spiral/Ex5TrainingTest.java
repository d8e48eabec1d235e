package org.diffusionlab.labs.spiral;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.diffusionlab.data.Datasets;
import org.diffusionlab.forward.ForwardProcess;
import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Grading;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.Feedback;
import org.diffusionlab.metrics.Wasserstein;
import org.diffusionlab.model.Losses;
import org.diffusionlab.model.MomentumSgd;
import org.diffusionlab.model.Mlp;
import org.diffusionlab.sample.DdpmSampler;
import org.diffusionlab.schedule.NoiseSchedule;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Lab("spiral")
@DisplayName("Exercise 5: training")
class Ex5TrainingTest {

    // ---------------------------------------------------------------- 5.1 trainStep (graded with the reference network)

    /** The reference network that also remembers the inputs forward received. */
    private static final class Recording implements TrainableModel {
        final Reference.ReferenceNetwork inner;
        final List<SimpleMatrix> inputs = new ArrayList<>();

        Recording(Mlp mlp) {
            inner = new Reference.ReferenceNetwork(mlp);
        }

        @Override public Network.Output forward(SimpleMatrix x) {
            inputs.add(x.copy());
            return inner.forward(x);
        }

        @Override public Network.Gradients backward(Network.Cache c, SimpleMatrix g) {
            return inner.backward(c, g);
        }

        @Override public void step(Network.Gradients g, double lr, double momentum) {
            inner.step(g, lr, momentum);
        }

        @Override public int dataDim() {
            return 2;
        }
    }

    private record Batch(SimpleMatrix xt, int[] t, SimpleMatrix eps) {}

    private static Batch batch(int n, int T, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = rng.nextInt(1, T + 1);
        return new Batch(ForwardProcess.gaussian(n, 2, rng), t, ForwardProcess.gaussian(n, 2, rng));
    }

    @Test
    @Graded(exercise = "5.1", points = 0.5)
    @DisplayName("trainStep feeds the network the rows [x_t, t/T]")
    void stepInput() {
        int T = 50;
        Batch b = batch(9, T, 500);
        Recording model = new Recording(Reference.randomMlp(3, 8, 2, 501));
        Training.trainStep(model, b.xt(), b.t(), T, b.eps(), 0.01, 0.9);
        assertEquals(1, model.inputs.size(), "trainStep should call model.forward exactly once, got " + model.inputs.size());
        SimpleMatrix expected = Mlp.timeInput(b.xt(), b.t(), T);
        Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
        SimpleMatrix raw = expected.copy();
        for (int i = 0; i < b.t().length; i++) raw.set(i, 2, b.t()[i]);
        mistakes.put("the time column must be t/T (a number in (0, 1]), not t itself — Network.timeInput builds it", raw);
        Feedback.assertMatrix("trainStep gave the network the wrong input", "x_t " + Feedback.show(b.xt()) + ", t = "
                + Feedback.show(Arrays.stream(b.t()).asDoubleStream().toArray()) + ", T = " + T, expected, model.inputs.get(0), mistakes);
    }

    private static void checkSteps(int n, int hidden, int steps, long seed) {
        int T = 40;
        double lr = 0.05, momentum = 0.9;
        Mlp reference = Reference.randomMlp(3, hidden, 2, seed);
        Reference.ReferenceNetwork labModel = new Reference.ReferenceNetwork(reference.copy());
        MomentumSgd sgd = new MomentumSgd(lr, momentum);
        for (int s = 1; s <= steps; s++) {
            Batch b = batch(n, T, seed + s);
            List<SimpleMatrix> before = reference.parameters().stream().map(SimpleMatrix::copy).toList();
            Mlp.Output out = reference.forward(Mlp.timeInput(b.xt(), b.t(), T));
            Losses.Loss loss = Losses.mse(out.out(), b.eps());
            sgd.step(reference, reference.backward(out.cache(), loss.grad()));
            double got = Training.trainStep(labModel, b.xt(), b.t(), T, b.eps(), lr, momentum);
            String input = "step " + s + ", n = " + n + ", hidden = " + hidden + ", lr = " + lr + ", momentum = " + momentum;
            double againstXt = Losses.mse(out.out(), b.xt()).value();
            assertTrue(Feedback.close(loss.value(), got), "trainStep returned the wrong loss\n  input: " + input
                    + "\n  expected: " + loss.value() + " = mean((ε̂ − ε)²) before the update\n  got: " + got
                    + (Feedback.close(againstXt, got) ? "\n  likely mistake: the target is ε (the noise), not x_t" : ""));
            for (int k = 0; k < 6; k++) {
                SimpleMatrix expectedStep = reference.parameters().get(k).minus(before.get(k));
                String scaled = s == 1 ? Feedback.factorHint(expectedStep, labModel.mlp.parameters().get(k).minus(before.get(k))) : null;
                Map<String, SimpleMatrix> mistakes = Feedback.mistakes();
                if (scaled != null) {
                    // the first step from rest is −lr·gradient: a scaled update means a scaled gradient or lr
                    mistakes.put("the update w_after − w_before: " + scaled + " — pass loss.grad() to backward and lr to step unchanged",
                            labModel.mlp.parameters().get(k));
                }
                Feedback.assertMatrix("after trainStep, " + Mlp.parameterNames().get(k) + " differs from the reference update",
                        input + " (forward, Loss.mse against ε, backward, step)", reference.parameters().get(k),
                        labModel.mlp.parameters().get(k), mistakes);
            }
        }
    }

    @Test
    @Graded(exercise = "5.1", points = 1)
    @DisplayName("trainStep returns mean((ε̂ − ε)²) and updates the network like the reference (one step)")
    void oneStep() {
        checkSteps(12, 8, 1, 510);
        checkSteps(1, 4, 1, 511);
    }

    @Test
    @Graded(exercise = "5.1", points = 0.5)
    @DisplayName("trainStep keeps matching the reference over several steps (momentum carries over)")
    void severalSteps() {
        checkSteps(20, 8, 4, 520);
    }

    // ---------------------------------------------------------------- 5.2 the loop (graded with reference parts)

    /** Parts that record what the loop passes and return scripted losses. */
    private static final class Recorder implements Training.Parts {
        final NoiseSchedule schedule;
        final double[] scriptedLosses;
        final List<int[]> qT = new ArrayList<>(), stepT = new ArrayList<>();
        final List<SimpleMatrix> qEps = new ArrayList<>(), stepEps = new ArrayList<>(), qOut = new ArrayList<>(), stepXt = new ArrayList<>();
        final List<SimpleMatrix> qX0 = new ArrayList<>();
        final List<double[]> stepHyper = new ArrayList<>();

        Recorder(NoiseSchedule schedule, double[] scriptedLosses) {
            this.schedule = schedule;
            this.scriptedLosses = scriptedLosses;
        }

        @Override
        public SimpleMatrix qSample(SimpleMatrix x0, int[] t, Schedule s, SimpleMatrix eps) {
            qX0.add(x0.copy());
            qT.add(t.clone());
            qEps.add(eps.copy());
            SimpleMatrix xt = ForwardProcess.qSample(x0, t, schedule, eps);
            qOut.add(xt.copy());
            return xt;
        }

        @Override
        public double trainStep(TrainableModel model, SimpleMatrix xt, int[] t, int T, SimpleMatrix eps, double lr, double momentum) {
            stepXt.add(xt.copy());
            stepT.add(t.clone());
            stepEps.add(eps.copy());
            stepHyper.add(new double[] {T, lr, momentum});
            return scriptedLosses[Math.min(stepT.size(), scriptedLosses.length) - 1];
        }
    }

    /** A model the loop should only hand over to trainStep. */
    private static final TrainableModel UNUSED = new TrainableModel() {
        @Override public Network.Output forward(SimpleMatrix x) {
            throw new AssertionError("the loop called model.forward itself: leave the model to parts.trainStep");
        }
        @Override public Network.Gradients backward(Network.Cache c, SimpleMatrix g) {
            throw new AssertionError("the loop called model.backward itself: leave the model to parts.trainStep");
        }
        @Override public void step(Network.Gradients g, double lr, double momentum) {
            throw new AssertionError("the loop called model.step itself: leave the model to parts.trainStep");
        }
        @Override public int dataDim() {
            return 2;
        }
    };

    private static final int N = 50, T = 10, STEPS = 40;

    private static Recorder runLoop(double[] losses, TrainConfig config, TrainingMonitor monitor) {
        NoiseSchedule s = Reference.linear(T, 1e-3, 0.2);
        Recorder parts = new Recorder(s, losses);
        SimpleMatrix data = Datasets.makeSpiral(N, 0.02, new SplittableRandom(530));
        double[] smoothed = Training.train(UNUSED, data, Reference.schedule(s), config, new SplittableRandom(531), monitor, parts);
        assertNotNull(smoothed, "train returned null: return the smoothed losses");
        assertEquals(config.steps(), parts.stepT.size(), "train should call trainStep once per step (" + config.steps()
                + " steps), got " + parts.stepT.size() + " calls\n  hint: call parts.trainStep(...), not Training.trainStep: the graders pass the reference parts");
        assertEquals(config.steps(), parts.qT.size(), "train should call qSample once per step (" + config.steps()
                + " steps), got " + parts.qT.size() + " calls\n  hint: call parts.qSample(...), not Forward.qSample: the graders pass the reference parts");
        assertEquals(config.steps(), smoothed.length, "train should return one smoothed loss per step");
        for (int k = 0; k < parts.qX0.size(); k++) {
            assertTrue(parts.qX0.get(k).isIdentical(data, 0), "step " + (k + 1) + ": qSample must get the data as x0");
        }
        lastSmoothed = smoothed;
        return parts;
    }

    private static double[] lastSmoothed;

    private static double[] constantLosses(double v) {
        double[] l = new double[STEPS];
        Arrays.fill(l, v);
        return l;
    }

    @Test
    @Graded(exercise = "5.2", points = 0.5)
    @DisplayName("train calls qSample and trainStep once per step, with the data, T, config.lr() and config.momentum()")
    void callsParts() {
        Recorder parts = runLoop(constantLosses(0.5), new TrainConfig(STEPS, 0.03, 0.8, 0.9), TrainingMonitor.NONE);
        for (double[] h : parts.stepHyper) {
            assertTrue(h[0] == T && h[1] == 0.03 && h[2] == 0.8, "trainStep got T = " + (int) h[0] + ", lr = " + h[1]
                    + ", momentum = " + h[2] + "; expected T = " + T + ", lr = 0.03, momentum = 0.8 (from the schedule and config)");
        }
    }

    @Test
    @Graded(exercise = "5.2", points = 1)
    @DisplayName("train draws each row's t uniformly from 1..T, fresh every step")
    void drawsT() {
        Recorder parts = runLoop(constantLosses(0.5), new TrainConfig(STEPS, 0.03, 0.8, 0.9), TrainingMonitor.NONE);
        long[] counts = new long[T + 2];
        for (int[] t : parts.qT) {
            assertEquals(N, t.length, "t must have one entry per data row (" + N + "), got " + t.length);
            for (int v : t) {
                assertTrue(v >= 1 && v <= T, "drew t = " + v + ", outside 1..T = 1.." + T + (v == 0
                        ? "\n  likely mistake: t is 1-based; rng.nextInt(1, T + 1) draws 1..T" : ""));
                counts[v]++;
            }
            assertTrue(Arrays.stream(t).distinct().count() > 1, "all rows got the same t in one step: draw one t per row");
        }
        for (int k = 1; k < parts.qT.size(); k++) {
            assertTrue(!Arrays.equals(parts.qT.get(k), parts.qT.get(k - 1)), "steps " + k + " and " + (k + 1)
                    + " used the same t: draw fresh steps every step");
        }
        // Each count is Binomial(N·STEPS, 1/T): allow 5 standard deviations.
        double total = (double) N * STEPS, mean = total / T, sd = Math.sqrt(total * (1.0 / T) * (1 - 1.0 / T));
        for (int v = 1; v <= T; v++) {
            assertTrue(Math.abs(counts[v] - mean) <= 5 * sd, String.format("t = %d was drawn %d times out of %.0f, expected %.0f ± %.0f"
                    + " (uniform over 1..%d)%s", v, counts[v], total, mean, 5 * sd, T,
                    v == T && counts[v] == 0 ? "\n  likely mistake: nextInt's upper bound is exclusive: use rng.nextInt(1, T + 1)" : ""));
        }
    }

    @Test
    @Graded(exercise = "5.2", points = 1)
    @DisplayName("train draws ε ~ N(0, I) (n × d), fresh every step")
    void drawsEps() {
        Recorder parts = runLoop(constantLosses(0.5), new TrainConfig(STEPS, 0.03, 0.8, 0.9), TrainingMonitor.NONE);
        double sum = 0, sq = 0;
        long count = 0;
        for (int k = 0; k < parts.qEps.size(); k++) {
            SimpleMatrix eps = parts.qEps.get(k);
            assertEquals(N + "x2", Feedback.shape(eps), "ε must be shaped like the data");
            if (k > 0) {
                assertTrue(!eps.isIdentical(parts.qEps.get(k - 1), 0), "steps " + k + " and " + (k + 1) + " used the same ε: draw fresh noise every step");
            }
            for (int i = 0; i < N; i++) {
                for (int j = 0; j < 2; j++) {
                    sum += eps.get(i, j);
                    sq += eps.get(i, j) * eps.get(i, j);
                    count++;
                }
            }
        }
        double mean = sum / count, var = sq / count - mean * mean;
        // Tolerances: 5 standard errors of the mean (1/√count) and of the variance (√(2/count)).
        assertTrue(Math.abs(mean) <= 5 / Math.sqrt(count), String.format("ε has mean %.4f over %d draws; N(0, 1) gives 0 ± %.4f", mean, count, 5 / Math.sqrt(count)));
        assertTrue(Math.abs(var - 1) <= 5 * Math.sqrt(2.0 / count), String.format("ε has variance %.4f over %d draws; N(0, 1) gives 1 ± %.4f"
                + "%n  hint: rng.nextGaussian() (or Forward.gaussian) draws N(0, 1); nextDouble() is uniform", var, count, 5 * Math.sqrt(2.0 / count)));
    }

    @Test
    @Graded(exercise = "5.2", points = 1)
    @DisplayName("train passes the same t and ε to qSample and trainStep, and trainStep gets qSample's x_t")
    void consistent() {
        Recorder parts = runLoop(constantLosses(0.5), new TrainConfig(STEPS, 0.03, 0.8, 0.9), TrainingMonitor.NONE);
        for (int k = 0; k < STEPS; k++) {
            String step = "step " + (k + 1) + ": ";
            assertTrue(Arrays.equals(parts.qT.get(k), parts.stepT.get(k)), step + "trainStep got other t than qSample: use one t for both");
            assertTrue(parts.qEps.get(k).isIdentical(parts.stepEps.get(k), 0), step
                    + "trainStep got another ε than qSample: the target must be the noise that made x_t");
            assertTrue(parts.qOut.get(k).isIdentical(parts.stepXt.get(k), 0), step + "trainStep must get the x_t that qSample returned");
        }
    }

    @Test
    @Graded(exercise = "5.2", points = 1)
    @DisplayName("train's smoothed loss is ℓ̄_1 = ℓ_1, ℓ̄_k = s·ℓ̄_{k−1} + (1 − s)·ℓ_k, and the monitor sees every step")
    void smoothing() {
        double[] losses = new double[STEPS];
        for (int k = 0; k < STEPS; k++) losses[k] = 1.0 / (k + 1) + 0.1 * Math.sin(k);
        double s = 0.8;
        List<double[]> seen = new ArrayList<>();
        runLoop(losses, new TrainConfig(STEPS, 0.03, 0.8, s), (step, loss, smoothed) -> seen.add(new double[] {step, loss, smoothed}));
        double[] expected = new double[STEPS], fromZero = new double[STEPS], swapped = new double[STEPS];
        double run = 0, zero = 0, sw = 0;
        for (int k = 0; k < STEPS; k++) {
            run = k == 0 ? losses[0] : s * run + (1 - s) * losses[k];
            zero = s * zero + (1 - s) * losses[k];
            sw = k == 0 ? losses[0] : (1 - s) * sw + s * losses[k];
            expected[k] = run;
            fromZero[k] = zero;
            swapped[k] = sw;
        }
        Feedback.assertArray("the smoothed losses are wrong", "raw losses " + Feedback.show(losses) + ", smoothing s = " + s, expected,
                lastSmoothed, Map.of("ℓ̄_1 should be ℓ_1: the average started at 0, which drags the curve down at first", fromZero,
                        "s and 1 − s are swapped: the old average keeps weight s, the new loss gets 1 − s", swapped));
        assertEquals(STEPS, seen.size(), "the monitor should be told after every step");
        for (int k = 0; k < STEPS; k++) {
            double[] m = seen.get(k);
            assertTrue(m[0] == k + 1 && m[1] == losses[k] && Feedback.close(expected[k], m[2]), String.format(
                    "monitor.onStep got (%d, %.6f, %.6f) at step %d; expected (%d, %.6f, %.6f): (step, raw loss, smoothed loss)",
                    (int) m[0], m[1], m[2], k + 1, k + 1, losses[k], expected[k]));
        }
    }

    @Test
    @Graded(exercise = "5.2", points = 0.5)
    @DisplayName("train stops with an IllegalStateException naming the step when the loss is not finite")
    void diverges() {
        // NaN and +∞ both mean divergence: a check written as Double.isNaN(loss) alone misses the infinite loss
        stopsOn(Double.NaN, "NaN");
        stopsOn(Double.POSITIVE_INFINITY, "Infinity");
    }

    private static void stopsOn(double bad, String name) {
        double[] losses = constantLosses(0.5);
        losses[6] = bad;
        NoiseSchedule s = Reference.linear(T, 1e-3, 0.2);
        Recorder parts = new Recorder(s, losses);
        SimpleMatrix data = Datasets.makeSpiral(N, 0.02, new SplittableRandom(540));
        IllegalStateException e = null;
        try {
            Training.train(UNUSED, data, Reference.schedule(s), new TrainConfig(STEPS, 0.03, 0.8, 0.9), new SplittableRandom(541),
                    TrainingMonitor.NONE, parts);
        } catch (IllegalStateException thrown) {
            e = thrown;
        }
        assertNotNull(e, "a loss of " + name + " at step 7 should stop training with an IllegalStateException; train returned normally"
                + (Double.isInfinite(bad) ? "\n  likely mistake: an infinite loss is not finite either: test !Double.isFinite(loss), not only isNaN" : ""));
        assertTrue(String.valueOf(e.getMessage()).contains("7"), "the exception should name the step (7): " + e.getMessage());
        assertEquals(7, parts.stepT.size(), "training should stop right at step 7");
    }

    @Test
    @Graded(exercise = "5.2", points = 1.5)
    @DisplayName("end to end: your loop (reference network and parts) learns the spiral")
    @Timeout(60) // a few seconds normally; headroom for a loaded machine
    void endToEnd() {
        // Small enough for ≈ 1 s: 400 points, hidden 32, 400 steps, T = 40 with ᾱ_T ≈ 0.04.
        int n = 400;
        NoiseSchedule s = Reference.linear(40, 1e-4, 0.15);
        SimpleMatrix data = Datasets.makeSpiral(n, 0.02, new SplittableRandom(550));
        Mlp mlp = Mlp.init(32, new SplittableRandom(551));
        Training.Parts reference = new Training.Parts() {
            private MomentumSgd sgd;

            @Override public SimpleMatrix qSample(SimpleMatrix x0, int[] t, Schedule schedule, SimpleMatrix eps) {
                return ForwardProcess.qSample(x0, t, s, eps);
            }

            @Override public double trainStep(TrainableModel model, SimpleMatrix xt, int[] t, int T, SimpleMatrix eps, double lr, double m) {
                if (sgd == null) sgd = new MomentumSgd(lr, m);
                Mlp.Output out = mlp.forward(Mlp.timeInput(xt, t, T));
                Losses.Loss loss = Losses.mse(out.out(), eps);
                sgd.step(mlp, mlp.backward(out.cache(), loss.grad()));
                return loss.value();
            }
        };
        double[] smoothed = Training.train(new Reference.ReferenceNetwork(mlp), data, Reference.schedule(s),
                new TrainConfig(400, 2e-2, 0.9, 0.9), new SplittableRandom(552), TrainingMonitor.NONE, reference);
        double last = smoothed[smoothed.length - 1];
        SimpleMatrix generated = DdpmSampler.pSampleLoop(mlp, n, s, new SplittableRandom(553), Set.of()).samples();
        double distance = Wasserstein.sliced(generated, data);
        double floor = Wasserstein.sliced(Datasets.makeSpiral(n, 0.02, new SplittableRandom(554)), data);
        Grading.note(String.format("final smoothed loss %.3f; sliced W1(samples, data) = %.3f, floor %.3f", last, distance, floor));
        // Predicting ε̂ = 0 scores 1.0; the reference loop reaches ≈ 0.55 here.
        assertTrue(last < 0.75, String.format("after 400 steps the smoothed loss is %.3f; a working loop gets below 0.75 "
                + "(predicting 0 scores 1.0)%n  hint: draw fresh t and ε every step and pass them to both parts", last));
        // An untrained network's samples land ≈ 50 floors away; the reference loop's ≈ 2 floors.
        assertTrue(distance < 4 * floor, String.format("samples from the network your loop trained are far from the data: sliced W1 "
                + "= %.3f, expected < %.3f (4 x the real-vs-real floor %.3f)", distance, 4 * floor, floor));
    }
}
