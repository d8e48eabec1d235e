package org.diffusionlab.labs.ddim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.diffusionlab.labs.common.Walkthrough;
import org.ejml.simple.SimpleMatrix;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;

/**
 * Runs the DDIM lab end to end with your functions: samples the eight-Gaussians toy data with its
 * exact ε̂ (no training), once DDPM-like (S = T, η = 1) and once with DDIM (S = 10, η = 0), prints the
 * sliced W1 of each beside its noise floor and saves {@code samples.png} into {@code outputs/ddim/}.
 *
 * <p>Options: {@code --n} (1000 points), {@code --T} (100), {@code --S} (10), {@code --seed} (42),
 * {@code --out} (outputs/ddim). The schedule is the cosine one (improved DDPM, s = 0.008, β ≤ 0.999).
 */
public final class DdimWalkthrough {

    private DdimWalkthrough() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = parse(args);
        int n = Integer.parseInt(opt.getOrDefault("n", "1000"));
        int T = Integer.parseInt(opt.getOrDefault("T", "100"));
        int S = Integer.parseInt(opt.getOrDefault("S", "10"));
        long seed = Long.parseLong(opt.getOrDefault("seed", "42"));
        Path out = Path.of(opt.getOrDefault("out", "outputs/ddim"));
        Files.createDirectories(out);

        double[] alphaBars = cosineAlphaBars(T);
        System.out.printf("1. cosine schedule, T = %d: ᾱ_1 = %.5f, ᾱ_T = %.3g (β_T capped at 0.999)%n", T, alphaBars[0], alphaBars[T - 1]);
        EightGaussians data = EightGaussians.standard();

        int[] tau = run("1.1", "Timesteps.timesteps", () -> Timesteps.timesteps(T, S));
        int[] prev = run("1.2", "Timesteps.previous", () -> Timesteps.previous(T, S));
        StringBuilder path = new StringBuilder();
        for (int i = S - 1; i >= 0; i--) path.append(tau[i]).append(" → ");
        System.out.println("2. DDIM with S = " + S + " visits " + path.append(prev[0]));

        SplittableRandom rng = new SplittableRandom(seed);
        SimpleMatrix ddpm = run("2.2", "DdimStep.step", () -> sample(data, alphaBars, T, 1.0, n, rng.split()));
        SimpleMatrix ddim = run("2.2", "DdimStep.step", () -> sample(data, alphaBars, S, 0.0, n, rng.split()));
        SimpleMatrix ddimNoisy = run("2.2", "DdimStep.step", () -> sample(data, alphaBars, S, 1.0, n, rng.split()));

        SimpleMatrix realA = data.sample(n, rng.split()), realB = data.sample(n, rng.split());
        double[][] directions = unitDirections(64, rng.split());
        SampleDistance sw1 = (a, b) -> Metrics.sliced(a, b, directions, Metrics::w1);
        run("3.1/3.2", "Metrics.sliced", () -> sw1.between(realA, realB));
        System.out.printf("3. sliced W1 over 64 directions, n = %d points each%n", n);
        System.out.println("   sampler                     value    floor    ratio");
        for (Object[] row : new Object[][] {{"DDPM-like (S = T, η = 1)", ddpm}, {"DDIM (S = " + S + ", η = 0)", ddim},
                {"DDIM (S = " + S + ", η = 1)", ddimNoisy}}) {
            NoiseFloor r = run("4.1", "NoiseFloor.report", () -> NoiseFloor.report(sw1, (SimpleMatrix) row[1], realA, realB));
            System.out.printf("   %-26s %7.4f  %7.4f  %6.2f%n", row[0], r.value(), r.floor(), r.ratio());
        }
        System.out.println("   (ratio ≈ 1: as close to the data as a fresh real sample; the value alone means little)");

        List<XYChart> charts = new ArrayList<>();
        charts.add(scatter("real data", realA));
        charts.add(scatter("DDPM-like, S = T = " + T, ddpm));
        charts.add(scatter("DDIM, S = " + S + ", η = 0", ddim));
        Path png = out.resolve("samples.png");
        BitmapEncoder.saveBitmap(charts, 1, charts.size(), png.toString(), BitmapEncoder.BitmapFormat.PNG);
        System.out.println("4. saved " + png.toAbsolutePath() + ". Now answer the reflections (Reflections.java).");
    }

    /** Runs S steps of your DDIM step from pure noise, with the exact ε̂ of the data. */
    private static SimpleMatrix sample(EightGaussians data, double[] alphaBars, int S, double eta, int n, SplittableRandom rng) {
        int T = alphaBars.length;
        int[] tau = Timesteps.timesteps(T, S), prev = Timesteps.previous(T, S);
        SimpleMatrix x = gaussian(n, rng);
        for (int i = S - 1; i >= 0; i--) {
            double abT = alphaBars[tau[i] - 1], abP = prev[i] == 0 ? 1.0 : alphaBars[prev[i] - 1];
            double sigma = DdimStep.sigma(abT, abP, eta);
            SimpleMatrix z = sigma > 0 ? gaussian(n, rng) : null;
            x = DdimStep.step(x, data.epsilon(x, abT), abT, abP, sigma, z);
        }
        return x;
    }

    /** Improved-DDPM cosine ᾱ_1..ᾱ_T (s = 0.008), via β_t = min(1 − ᾱ_t/ᾱ_{t−1}, 0.999). */
    static double[] cosineAlphaBars(int T) {
        double[] ab = new double[T];
        double product = 1;
        for (int t = 1; t <= T; t++) {
            double beta = Math.min(1 - f(t, T) / f(t - 1, T), 0.999);
            product *= 1 - beta;
            ab[t - 1] = product;
        }
        return ab;
    }

    private static double f(int t, int T) {
        double c = Math.cos(((double) t / T + 0.008) / 1.008 * Math.PI / 2);
        return c * c;
    }

    private static SimpleMatrix gaussian(int n, SplittableRandom rng) {
        SimpleMatrix z = new SimpleMatrix(n, 2);
        for (int i = 0; i < n; i++) for (int j = 0; j < 2; j++) z.set(i, j, rng.nextGaussian());
        return z;
    }

    private static double[][] unitDirections(int K, SplittableRandom rng) {
        double[][] d = new double[K][];
        for (int k = 0; k < K; k++) {
            double angle = rng.nextDouble(0, Math.PI);
            d[k] = new double[] {Math.cos(angle), Math.sin(angle)};
        }
        return d;
    }

    private static XYChart scatter(String title, SimpleMatrix points) {
        XYChart chart = new XYChartBuilder().width(420).height(420).title(title).build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setLegendVisible(false);
        double[] x = new double[points.getNumRows()], y = new double[points.getNumRows()];
        for (int i = 0; i < x.length; i++) {
            x[i] = points.get(i, 0);
            y[i] = points.get(i, 1);
        }
        chart.addSeries(title, x, y);
        return chart;
    }

    /** One stage of the walkthrough; stops at the first stub and names its TODO. */
    private static <V> V run(String todo, String where, Callable<V> stage) throws Exception {
        return Walkthrough.stage("ddim", todo, where, stage);
    }

    private static Map<String, String> parse(String[] args) {
        return Walkthrough.options(args, "--n 1000 --T 100 --S 10 --seed 42");
    }
}
