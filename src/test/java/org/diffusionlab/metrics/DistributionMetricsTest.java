package org.diffusionlab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.forward.ForwardProcess;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DistributionMetricsTest {

    private static SimpleMatrix points(double[][] rows) {
        return new SimpleMatrix(rows);
    }

    private static SimpleMatrix shifted(SimpleMatrix m, double dx) {
        SimpleMatrix out = m.copy();
        for (int i = 0; i < out.getNumRows(); i++) out.set(i, 0, out.get(i, 0) + dx);
        return out;
    }

    @Test
    @DisplayName("identical samples overlap fully, even with empty bins between them")
    void overlapIdentical() {
        double[] a = {0, 0, 10, 10, 10};
        // bins 1..8 of [0, 10] are empty for both
        assertEquals(1.0, DistributionMetrics.histogramOverlap(a, a.clone(), 10), 1e-15);
        SimpleMatrix x = ForwardProcess.gaussian(300, 2, new SplittableRandom(1));
        assertArrayEquals(new double[] {1.0, 1.0}, DistributionMetrics.histogramOverlapPerAxis(x, x.copy()), 1e-12);
    }

    @Test
    @DisplayName("samples in disjoint ranges have overlap 0")
    void overlapDisjoint() {
        assertEquals(0.0, DistributionMetrics.histogramOverlap(new double[] {0, 0.5, 1}, new double[] {2, 2.5, 3}, 6));
    }

    @Test
    @DisplayName("hand example: p = (3/4, 1/4), q = (1/4, 3/4) over 2 shared bins overlap 1/2")
    void overlapByHand() {
        assertEquals(0.5, DistributionMetrics.histogramOverlap(new double[] {0, 0, 0, 1}, new double[] {0, 1, 1, 1}, 2), 1e-15);
        // sizes may differ: a = {0, 1}, b = {0, 0, 0, 1} → p = (1/2, 1/2), q = (3/4, 1/4) → 1/2 + 1/4
        assertEquals(0.75, DistributionMetrics.histogramOverlap(new double[] {0, 1}, new double[] {0, 0, 0, 1}, 2), 1e-15);
        // one repeated value: a single bin, full overlap
        assertEquals(1.0, DistributionMetrics.histogramOverlap(new double[] {2, 2}, new double[] {2}, 5));
    }

    @Test
    @DisplayName("overlap lies in [0, 1] and falls as one sample shifts away, whichever is the reference")
    void overlapShift() {
        SimpleMatrix a = ForwardProcess.gaussian(2000, 2, new SplittableRandom(2));
        SimpleMatrix b = ForwardProcess.gaussian(2000, 2, new SplittableRandom(3));
        double previousAb = 1.0, previousBa = 1.0;
        for (double dx : new double[] {0.0, 0.5, 1.0, 2.0, 4.0}) {
            double ab = DistributionMetrics.histogramOverlapPerAxis(a, shifted(b, dx))[0];
            double ba = DistributionMetrics.histogramOverlapPerAxis(shifted(b, dx), a)[0];
            assertTrue(ab >= 0 && ab < previousAb, "shift " + dx + ": " + ab + " after " + previousAb);
            assertTrue(ba >= 0 && ba < previousBa, "shift " + dx + ": " + ba + " after " + previousBa);
            previousAb = ab;
            previousBa = ba;
        }
    }

    @Test
    @DisplayName("exploded samples cost exactly their share: 10 % at 1e6 take 0.1 off the overlap, and a values outside the reference's range overlap nothing")
    void overlapExploded() {
        SimpleMatrix real = ForwardProcess.gaussian(2000, 1, new SplittableRandom(4));
        SimpleMatrix generated = ForwardProcess.gaussian(2000, 1, new SplittableRandom(5));
        double clean = DistributionMetrics.histogramOverlapPerAxis(generated, real)[0];
        SimpleMatrix exploded = generated.copy();
        for (int i = 0; i < 200; i++) exploded.set(i, 0, 1e6);
        double withExploded = DistributionMetrics.histogramOverlapPerAxis(exploded, real)[0];
        // the 200 replaced points were in range before, so the loss is at least 0.1 minus what they overlapped
        assertTrue(withExploded <= 0.9 + 1e-12, "overlap " + withExploded + " with 10 % exploded samples");
        assertTrue(clean - withExploded >= 0.05, "clean " + clean + " vs exploded " + withExploded);
        assertEquals(0.5, DistributionMetrics.histogramOverlap(new double[] {0, 1, 5, -5}, new double[] {0, 1}, 2), 1e-15);
    }

    @Test
    @DisplayName("energy distance by hand: one point each at distance 5 gives 10; {(0,0),(1,0)} vs {(0,0)} gives 1/2")
    void energyByHand() {
        assertEquals(10.0, DistributionMetrics.energyDistance(points(new double[][] {{0, 0}}),
                points(new double[][] {{3, 4}})), 1e-15);
        // cross mean 1/2, within a: (0 + 1 + 1 + 0)/4 = 1/2, within b: 0 → 2·1/2 − 1/2 − 0
        assertEquals(0.5, DistributionMetrics.energyDistance(points(new double[][] {{0, 0}, {1, 0}}),
                points(new double[][] {{0, 0}})), 1e-15);
    }

    @Test
    @DisplayName("energy distance is exactly 0 for identical sets, positive and symmetric otherwise")
    void energyProperties() {
        SimpleMatrix a = Dataset.MOONS.sample(400, new SplittableRandom(4));
        assertEquals(0.0, DistributionMetrics.energyDistance(a, a.copy()));
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 20; trial++) {
            SimpleMatrix x = ForwardProcess.gaussian(1 + rng.nextInt(40), 2, rng);
            SimpleMatrix y = shifted(ForwardProcess.gaussian(1 + rng.nextInt(40), 2, rng), rng.nextDouble());
            double xy = DistributionMetrics.energyDistance(x, y), yx = DistributionMetrics.energyDistance(y, x);
            assertTrue(xy > 0, "trial " + trial + ": " + xy);
            assertEquals(xy, yx, 1e-12 * xy);
        }
    }

    @Test
    @DisplayName("energy distance sees joint shape that marginals miss: moons vs moons with y paired to other points")
    void energySeesJointShape() {
        // pair each x with the y of another point: both marginals stay the same multisets, the joint shape breaks
        SimpleMatrix real = Dataset.MOONS.sample(2000, new SplittableRandom(6));
        SimpleMatrix scrambled = real.copy();
        for (int i = 0; i < 2000; i++) scrambled.set(i, 1, real.get((i + 2) % 2000, 1));
        SimpleMatrix fresh = Dataset.MOONS.sample(2000, new SplittableRandom(7));
        // both marginals are identical multisets: per-axis W1 is exactly 0
        assertArrayEquals(new double[] {0, 0}, Wasserstein.perAxis(real, scrambled), 1e-12);
        double scrambledE = DistributionMetrics.energyDistance(scrambled, real);
        double floorE = DistributionMetrics.energyDistance(fresh, real);
        assertTrue(scrambledE > 5 * floorE, "scrambled " + scrambledE + " vs real-real " + floorE);
    }

    @Test
    @DisplayName("withFloor compares generated with the first n real rows and the next n real rows with them")
    void floorSplit() {
        SimpleMatrix real = ForwardProcess.gaussian(600, 2, new SplittableRandom(8));
        SimpleMatrix realA = real.extractMatrix(0, 300, 0, 2), realB = real.extractMatrix(300, 600, 0, 2);
        Wasserstein.Floor copy = DistributionMetrics.withFloor(DistributionMetrics::energyDistance, realA.copy(), real);
        assertEquals(0.0, copy.value());
        assertEquals(DistributionMetrics.energyDistance(realB, realA), copy.floor());
        assertTrue(copy.floor() > 0);
        // a shifted copy is far above the floor: shift 1 in 2-D gives E ≈ 0.5 against a floor of order 1/n
        SimpleMatrix gen = shifted(ForwardProcess.gaussian(300, 2, new SplittableRandom(9)), 1.0);
        Wasserstein.Floor far = DistributionMetrics.withFloor(DistributionMetrics::energyDistance, gen, realA, realB);
        assertTrue(far.ratio() > 10, "ratio " + far.ratio());
        Wasserstein.Floor sliced = DistributionMetrics.withFloor(Wasserstein::sliced, gen, real);
        assertEquals(Wasserstein.sliced(gen, realA), sliced.value());
    }

    @Test
    @DisplayName("bad inputs are rejected naming the parameter")
    void badArguments() {
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DistributionMetrics.histogramOverlap(new double[] {1}, new double[] {2}, 0)).getMessage().startsWith("bins = 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DistributionMetrics.histogramOverlap(new double[0], new double[] {2}, 3)).getMessage().startsWith("a.length = 0"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DistributionMetrics.histogramOverlap(new double[] {Double.NaN}, new double[] {2}, 3)).getMessage().contains("NaN"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DistributionMetrics.energyDistance(new SimpleMatrix(2, 2), new SimpleMatrix(2, 3))).getMessage().startsWith("b has 3 columns"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> DistributionMetrics.withFloor(DistributionMetrics::energyDistance, new SimpleMatrix(5, 2), new SimpleMatrix(9, 2)))
                .getMessage().startsWith("real has 9 rows"));
    }
}
