package org.diffusionlab.labs.training;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.labs.common.Walkthrough;
import org.ejml.simple.SimpleMatrix;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/**
 * The training lab end to end, with your functions: the time embedding as a heat map, Adam against
 * plain gradient descent on a badly scaled quadratic, clipping of one huge gradient, and one epoch
 * of mini-batches. Figures go to {@code outputs/training/} of the folder you run Maven from.
 * <pre>
 *   mvn -q -pl labs compile exec:java -Dexec.mainClass=org.diffusionlab.labs.training.TrainingWalkthrough
 * </pre>
 * It stops at the first TODO you have not done yet and names it.
 */
public final class TrainingWalkthrough {

    private TrainingWalkthrough() {}

    public static void main(String[] args) throws Exception {
        Path out = Path.of("outputs", "training");
        Files.createDirectories(out);
        int T = 100, k = 32;

        System.out.println("1. Sinusoidal time embedding, t = 1.." + T + ", k = " + k);
        int[] steps = new int[T];
        for (int t = 1; t <= T; t++) steps[t - 1] = t;
        SimpleMatrix e = run("1.1", "TimeEmbedding.sinusoidal", () -> TimeEmbedding.sinusoidal(steps, k));
        System.out.println("   " + heatMap(e, out.resolve("embedding.png")));
        System.out.printf("   e(1)[0..3] = %s (sin ω_0·t changes by up to a radian per step; column %d barely moves)%n",
                Arrays.toString(Arrays.copyOf(e.extractVector(true, 0).getDDRM().data, 3)), k / 2 - 1);

        System.out.println("2. Adam vs gradient descent on f(w) = ½(w₁² + 100·w₂²), from w = (1, 1), 200 steps");
        double[] curvature = {1, 100};
        double sgdLr = 0.019; // just below 2/100, the largest stable step along w₂
        double[] sgd = {1, 1};
        SimpleMatrix w = new SimpleMatrix(1, 2, true, 1.0, 1.0);
        Adam adam = run("2.1", "Adam.adam", () -> Adam.adam(List.of(w), 0.05));
        System.out.println("   step   f(SGD, lr 0.019)   f(Adam, lr 0.05)");
        for (int s = 1; s <= 200; s++) {
            for (int i = 0; i < 2; i++) sgd[i] -= sgdLr * curvature[i] * sgd[i];
            SimpleMatrix g = new SimpleMatrix(1, 2, true, curvature[0] * w.get(0), curvature[1] * w.get(1));
            run("2.1", "Adam.step", () -> {
                adam.step(List.of(w), List.of(g));
                return null;
            });
            if (s == 1 || s == 10 || s == 50 || s == 200) {
                System.out.printf("   %4d   %16.3e   %16.3e%n", s, f(sgd, curvature), f(w.getDDRM().data, curvature));
            }
        }
        System.out.println("   (gradient descent crawls along the flat w₁ because the steep w₂ caps its learning rate;"
                + " Adam rescales each coordinate by its own gradient size)");

        System.out.println("3. Gradient clipping at max norm 1");
        List<SimpleMatrix> grads = new ArrayList<>(List.of(new SimpleMatrix(1, 2, true, 30.0, 40.0), new SimpleMatrix(1, 1, true, 0.0)));
        double norm = run("3.1", "Clipping.clipByGlobalNorm", () -> Clipping.clipByGlobalNorm(grads, 1.0));
        System.out.printf("   global norm %.1f -> clipped gradient %s (same direction, length 1)%n", norm,
                Arrays.toString(grads.get(0).getDDRM().data));

        System.out.println("4. Mini-batches of n = 10 rows, B = 4, seed 42");
        MiniBatches batches = new MiniBatches(10, 4, new SplittableRandom(42));
        for (int epoch = 1; epoch <= 2; epoch++) {
            StringBuilder line = new StringBuilder("   epoch " + epoch + ":");
            for (int b = 0; b < 3; b++) line.append(' ').append(Arrays.toString(run("4.1/4.2", "MiniBatches.next", batches::next)));
            System.out.println(line);
        }
        System.out.println("Done. The heat map is in " + out.toAbsolutePath() + ". Now answer the reflections (Reflections.java).");
    }

    private static double f(double[] w, double[] curvature) {
        return 0.5 * (curvature[0] * w[0] * w[0] + curvature[1] * w[1] * w[1]);
    }

    /** Rows are steps t, columns embedding features; the colour is the value in [−1, 1]. */
    private static Path heatMap(SimpleMatrix e, Path file) throws Exception {
        HeatMapChart chart = new HeatMapChartBuilder().width(900).height(600)
                .title("sinusoidal time embedding: sines (left half), cosines (right half)")
                .xAxisTitle("feature j").yAxisTitle("step t").build();
        List<Integer> features = new ArrayList<>(), steps = new ArrayList<>();
        for (int j = 0; j < e.getNumCols(); j++) features.add(j);
        for (int t = 1; t <= e.getNumRows(); t++) steps.add(t);
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < e.getNumRows(); i++) {
            for (int j = 0; j < e.getNumCols(); j++) cells.add(new Number[] {j, i, e.get(i, j)});
        }
        chart.getStyler().setShowValue(false).setMin(-1).setMax(1);
        chart.getStyler().setXAxisDecimalPattern("0").setYAxisDecimalPattern("0");
        chart.addSeries("e(t)", features, steps, cells);
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file.toAbsolutePath();
    }

    /** One stage of the walkthrough; stops at the first stub and names its TODO. */
    private static <V> V run(String todo, String where, Callable<V> stage) throws Exception {
        return Walkthrough.stage("training", todo, where, stage);
    }
}
