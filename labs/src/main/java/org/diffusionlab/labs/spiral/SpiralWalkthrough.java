package org.diffusionlab.labs.spiral;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.diffusionlab.labs.common.Walkthrough;
import org.diffusionlab.metrics.Wasserstein;
import org.ejml.simple.SimpleMatrix;

/**
 * Runs your spiral lab from start to end, in the notebook's order, and saves its figures (given).
 *
 * <pre>
 *   mvn -q -pl labs compile exec:java                                  # defaults, figures in ./outputs/
 *   mvn -q -pl labs compile exec:java -Dexec.args="--steps 8000 --beta-end 0.05 --out /tmp/run2"
 * </pre>
 * Options: --out DIR, --steps N (2000), --n POINTS (1500), --train-n POINTS (500), --hidden H (128),
 * --T STEPS (100), --beta-end B (5e-3), --lr LR (2e-3), --seed S (42). It stops at the first TODO you
 * have not done yet and says which one.
 */
public final class SpiralWalkthrough {

    private SpiralWalkthrough() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parse(args);
        Path out = Path.of(opt.getOrDefault("out", "outputs"));
        // 2000 steps (not the notebook's 8000) on 500 of the 1500 points: a full-batch step of this
        // SimpleMatrix code costs ≈ 25 ms at 1500 points, hidden = 128, a third of that at 500, and the
        // samples look the same (sliced W1 within run-to-run noise). --train-n 1500 --steps 8000 is the notebook's run.
        int steps = Integer.parseInt(opt.getOrDefault("steps", "2000"));
        int n = Integer.parseInt(opt.getOrDefault("n", "1500"));
        int trainN = Integer.parseInt(opt.getOrDefault("train-n", Integer.toString(Math.min(500, n))));
        int hidden = Integer.parseInt(opt.getOrDefault("hidden", "128"));
        int T = Integer.parseInt(opt.getOrDefault("T", "100"));
        double betaEnd = Double.parseDouble(opt.getOrDefault("beta-end", "5e-3"));
        double lr = Double.parseDouble(opt.getOrDefault("lr", "2e-3"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "42"));
        SplittableRandom rng = new SplittableRandom(seed);
        SpiralFigures figures = new SpiralFigures(out);

        System.out.println("== 1. The spiral dataset");
        SimpleMatrix data = run("1.1", "Spiral.makeSpiral", () -> Spiral.makeSpiral(n, 0.02, rng));
        System.out.println("   " + n + " points -> " + figures.scatter("spiral.png", "Spiral dataset (standardized)", data));

        System.out.println("== 2. The noise schedule");
        double[] betas = run("2.1", "Schedule.linearBetas", () -> Schedule.linearBetas(T, 1e-4, betaEnd));
        double[] alphas = run("2.2", "Schedule.alphas", () -> Schedule.alphas(betas));
        double[] alphaBars = run("2.3", "Schedule.alphaBars", () -> Schedule.alphaBars(alphas));
        Schedule schedule = new Schedule(betas, alphas, alphaBars);
        System.out.println("   " + figures.line("betas.png", "Linear beta schedule", "t", "beta_t", betas));
        System.out.println("   " + figures.line("alpha_bars.png", "Cumulative product alpha_bar_t", "t", "alpha_bar_t", alphaBars));
        double abT = alphaBars[T - 1];
        System.out.printf("   alpha_bar_T = %.4f: x_T = %.3f*x0 + %.3f*eps%n", abT, Math.sqrt(abT), Math.sqrt(1 - abT));
        if (abT > 0.01) {
            System.out.println("   note: x_T is not pure noise, but sampling starts from N(0, I) (reflection 7.1)");
        }

        System.out.println("== 3. The forward process");
        Map<Integer, SimpleMatrix> forward = new TreeMap<>();
        for (int t : snapshotSteps(T)) {
            SimpleMatrix eps = Forward.gaussian(n, 2, rng);
            forward.put(t, run("3.1", "Forward.qSample", () -> Forward.qSample(data, t, schedule, eps)));
        }
        int[] rowSteps = new int[n];
        for (int i = 0; i < n; i++) rowSteps[i] = 1 + i % T;
        run("3.2", "Forward.qSample (one t per row)", () -> Forward.qSample(data, rowSteps, schedule, Forward.gaussian(n, 2, rng)));
        System.out.println("   " + figures.panels("forward.png", "forward", forward));

        System.out.println("== 4. The network");
        Network network = Network.init(hidden, rng);
        SimpleMatrix probe = Network.timeInput(data, rowSteps, T);
        Network.Output output = run("4.1", "Network.forward", () -> network.forward(probe));
        run("4.2", "Network.backward", () -> network.backward(output.cache(), output.out()));
        run("4.3", "Network.step", () -> {
            // a zero gradient leaves the fresh network unchanged
            SimpleMatrix zeros3 = new SimpleMatrix(3, hidden), zerosH = new SimpleMatrix(hidden, hidden);
            network.step(new Network.Gradients(zeros3, new SimpleMatrix(1, hidden), zerosH, new SimpleMatrix(1, hidden),
                    new SimpleMatrix(hidden, 2), new SimpleMatrix(1, 2)), lr, 0.999);
            return null;
        });
        System.out.println("   3 -> " + hidden + " -> " + hidden + " -> 2, output " + output.out().getNumRows() + "x2");

        System.out.println("== 5. Training (" + steps + " steps on " + trainN + " of the " + n + " points)");
        SimpleMatrix trainData = spread(data, trainN);
        TrainConfig config = new TrainConfig(steps, lr, 0.999, 0.999);
        long start = System.nanoTime();
        int every = Math.max(1, steps / 10);
        double[] losses = run("5.1/5.2", "Training.train", () -> Training.train(network, trainData, schedule, config, rng,
                (step, loss, smoothed) -> {
                    if (step % every == 0 || step == steps) {
                        System.out.printf("   step %5d/%d  loss %.4f  smoothed %.4f  (%.0f s)%n",
                                step, steps, loss, smoothed, (System.nanoTime() - start) / 1e9);
                    }
                }));
        System.out.println("   " + figures.line("loss.png", "Training loss (smoothed)", "step", "MSE", losses));

        System.out.println("== 6. Sampling");
        Set<Integer> keep = snapshotSteps(T);
        Sampler.SampleResult result = run("6.1/6.2", "Sampler.pSampleLoop", () -> Sampler.pSampleLoop(network, n, schedule, rng, keep));
        System.out.println("   " + figures.realVsGenerated("samples.png", data, result.samples()));
        System.out.println("   " + figures.panels("reverse.png", "reverse", result.snapshots()));
        SimpleMatrix secondReal = Spiral.makeSpiral(n, 0.02, new SplittableRandom(seed + 1));
        System.out.printf("   sliced W1(generated, data) = %.4f; real-vs-real floor = %.4f (closer to the floor is better)%n",
                Wasserstein.sliced(result.samples(), data), Wasserstein.sliced(secondReal, data));
        System.out.println("Done. Figures are in " + out.toAbsolutePath() + ". Now answer the reflections (Reflections.java).");
    }

    /** {@code count} rows spread evenly over {@code data} (row ⌊i·n/count⌋): shaped like the whole, however its rows are ordered. */
    private static SimpleMatrix spread(SimpleMatrix data, int count) {
        int n = data.getNumRows();
        if (count < 1 || count > n) {
            throw new IllegalArgumentException("--train-n = " + count + " is invalid: must lie in [1, n = " + n + "]");
        }
        SimpleMatrix out = new SimpleMatrix(count, data.getNumCols());
        for (int i = 0; i < count; i++) {
            int row = (int) ((long) i * n / count);
            for (int j = 0; j < data.getNumCols(); j++) out.set(i, j, data.get(row, j));
        }
        return out;
    }

    /** t = 1, T/4, T/2, T (the notebook's snapshot steps), without duplicates for small T. */
    private static Set<Integer> snapshotSteps(int T) {
        return new java.util.TreeSet<>(java.util.List.of(1, Math.max(1, T / 4), Math.max(1, T / 2), T));
    }

    /** One stage of the walkthrough; stops at the first stub and names its TODO. */
    private static <V> V run(String todo, String where, Callable<V> stage) throws Exception {
        return Walkthrough.stage("spiral", todo, where, stage);
    }

    private static Map<String, String> parse(String[] args) {
        return Walkthrough.options(args, "--steps 2000 --out outputs");
    }
}
