package org.diffusionlab.labs.schedules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.labs.common.Walkthrough;
import org.ejml.simple.SimpleMatrix;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Runs your schedules lab and saves its figures (given).
 *
 * <pre>
 *   mvn -q -pl labs compile exec:java -Dexec.mainClass=org.diffusionlab.labs.schedules.SchedulesWalkthrough
 *   ... -Dexec.args="--T 1000 --beta-end 0.02 --out outputs/schedules-1000"
 * </pre>
 * Options: --T STEPS (100), --beta-start B (1e-4), --beta-end B (5e-3, the spiral notebook's), --seed S (42),
 * --out DIR (outputs/schedules). Figures: alpha_bars.png (linear vs cosine ᾱ), log_snr.png (log₁₀ SNR),
 * variances.png (β vs β̃ of the cosine schedule). It stops at the first TODO you have not done yet.
 */
public final class SchedulesWalkthrough {

    private SchedulesWalkthrough() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parse(args);
        int T = Integer.parseInt(opt.getOrDefault("T", "100"));
        double betaStart = Double.parseDouble(opt.getOrDefault("beta-start", "1e-4"));
        double betaEnd = Double.parseDouble(opt.getOrDefault("beta-end", "5e-3"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "42"));
        Path out = Path.of(opt.getOrDefault("out", "outputs/schedules"));
        Files.createDirectories(out);
        double[] ts = new double[T];
        for (int i = 0; i < T; i++) ts[i] = i + 1;

        System.out.println("== 1. The cosine schedule (T = " + T + ")");
        Schedule linear = Schedule.linear(T, betaStart, betaEnd);
        Schedule cosine = Schedule.fromBetas(run("1.1", "Cosine.cosineBetas", () -> Cosine.cosineBetas(T, Cosine.S)));
        System.out.printf("   cosine: beta_1 = %.3g, beta_T = %.4g (capped), alpha_bar_T = %.3g%n",
                cosine.beta(1), cosine.beta(T), cosine.alphaBar(T));
        System.out.printf("   linear %.0e -> %.0e: alpha_bar_T = %.3g%n", betaStart, betaEnd, linear.alphaBar(T));
        System.out.println("   " + save(out.resolve("alpha_bars.png"), chart("alpha_bar_t: linear vs cosine", "t", "alpha_bar_t",
                ts, Map.of("linear", linear.alphaBars(), "cosine", cosine.alphaBars()))));

        System.out.println("== 2. Signal-to-noise ratio");
        double[] snrCos = run("2.1", "Snr.snr", () -> Snr.snr(cosine.alphaBars()));
        System.out.printf("   cosine SNR_1 = %.3g, SNR_T/2 = %.3g, SNR_T = %.3g%n", snrCos[0], snrCos[Math.max(0, T / 2 - 1)], snrCos[T - 1]);
        double[] logLin = run("2.2", "Snr.log10Snr", () -> Snr.log10Snr(linear.betas()));
        double[] logCos = Snr.log10Snr(cosine.betas());
        System.out.println("   " + save(out.resolve("log_snr.png"), chart("log10 SNR_t = log10(alpha_bar_t / (1 - alpha_bar_t))", "t",
                "log10 SNR_t", ts, Map.of("linear", logLin, "cosine", logCos))));

        System.out.println("== 3. The posterior variance");
        double[] tilde = run("3.1", "Posterior.posteriorVariance", () -> Posterior.posteriorVariance(cosine));
        System.out.printf("   cosine: beta~_1 = %.3g (no noise in the last step), beta~_T = %.4g vs beta_T = %.4g%n",
                tilde[0], tilde[T - 1], cosine.beta(T));
        System.out.println("   " + save(out.resolve("variances.png"), chart("cosine schedule: beta_t vs posterior variance beta~_t",
                "t", "variance", ts, Map.of("beta_t", cosine.betas(), "beta~_t", tilde))));

        System.out.println("== 4. x0_hat, the posterior mean and one reverse step at t = T");
        // Points on the unit circle, noised to x_T; a model whose eps_hat is off by 1% of a standard normal.
        SplittableRandom rng = new SplittableRandom(seed);
        int n = 200;
        SimpleMatrix x0 = new SimpleMatrix(n, 2), eps = gaussian(n, rng), err = gaussian(n, rng), z = gaussian(n, rng);
        for (int i = 0; i < n; i++) {
            x0.set(i, 0, Math.cos(2 * Math.PI * i / n));
            x0.set(i, 1, Math.sin(2 * Math.PI * i / n));
        }
        SimpleMatrix xT = x0.scale(Math.sqrt(cosine.alphaBar(T))).plus(eps.scale(Math.sqrt(1 - cosine.alphaBar(T))));
        SimpleMatrix epsHat = eps.plus(err.scale(0.01));
        SimpleMatrix raw = run("4.1", "Posterior.predictX0", () -> Posterior.predictX0(xT, epsHat, T, cosine, Clip.OFF));
        SimpleMatrix clipped = Posterior.predictX0(xT, epsHat, T, cosine, new Clip(-1, 1));
        System.out.printf("   eps_hat off by 1%%: max |x0_hat| = %.1f unclipped, %.1f clipped to [-1, 1] (true data: 1)%n",
                maxAbs(raw), maxAbs(clipped));
        SimpleMatrix mean = run("4.2", "Posterior.posteriorMean", () -> Posterior.posteriorMean(raw, xT, T, cosine));
        SimpleMatrix step = run("4.3", "Posterior.reverseStep", () -> Posterior.reverseStep(xT, epsHat, T, cosine, z, Clip.OFF));
        System.out.printf("   at t = T: max |mu~| = %.3f, max |x_{T-1}| = %.3f%n", maxAbs(mean), maxAbs(step));
        System.out.println("Done. Figures are in " + out.toAbsolutePath() + ". Now answer the reflections (Reflections.java).");
    }

    private static XYChart chart(String title, String xLabel, String yLabel, double[] x, Map<String, double[]> series) {
        XYChart chart = new XYChartBuilder().width(600).height(400).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        new java.util.TreeMap<>(series).forEach((name, y) -> chart.addSeries(name, x, y).setMarker(SeriesMarkers.NONE));
        return chart;
    }

    private static String save(Path file, XYChart chart) throws IOException {
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return "saved " + file;
    }

    private static SimpleMatrix gaussian(int n, SplittableRandom rng) {
        SimpleMatrix m = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 2; j++) m.set(i, j, rng.nextGaussian());
        }
        return m;
    }

    private static double maxAbs(SimpleMatrix m) {
        double max = 0;
        for (int i = 0; i < m.getNumRows(); i++) {
            for (int j = 0; j < m.getNumCols(); j++) max = Math.max(max, Math.abs(m.get(i, j)));
        }
        return max;
    }

    /** One stage of the walkthrough; stops at the first stub and names its TODO. */
    private static <V> V run(String todo, String where, Callable<V> stage) throws Exception {
        return Walkthrough.stage("schedules", todo, where, stage);
    }

    private static Map<String, String> parse(String[] args) {
        return Walkthrough.options(args, "--T 1000 --beta-end 0.02");
    }
}
