package org.diffusionlab.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HeldOutPairsTest {

    /** Pool row i is (i, −i), so every taken row names its pool index. */
    private static SimpleMatrix indexPool(int rows) {
        SimpleMatrix pool = new SimpleMatrix(rows, 2);
        for (int i = 0; i < rows; i++) {
            pool.set(i, 0, i);
            pool.set(i, 1, -i);
        }
        return pool;
    }

    /** metric(x, y) = (mean of x's first column, mean of y's first column): shows which rows were compared. */
    private static final BiFunction<SimpleMatrix, SimpleMatrix, double[]> MEANS =
            (x, y) -> new double[] {x.extractVector(false, 0).elementSum() / x.getNumRows(),
                y.extractVector(false, 0).elementSum() / y.getNumRows()};

    @Test
    @DisplayName("A_k and B_k are consecutive blocks of n positions of the order, starting at the offset")
    void layout() {
        int[] order = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 10, 11};
        HeldOutPairs pairs = HeldOutPairs.fromPool(indexPool(12), order, 2, 2, 2);
        assertEquals(2, pairs.size());
        assertArrayEquals(new double[] {7, 6}, pairs.a(0).extractVector(false, 0).getDDRM().data);
        assertArrayEquals(new double[] {5, 4}, pairs.b(0).extractVector(false, 0).getDDRM().data);
        assertArrayEquals(new double[] {3, 2}, pairs.a(1).extractVector(false, 0).getDDRM().data);
        assertArrayEquals(new double[] {-1, 0}, pairs.b(1).extractVector(false, 1).getDDRM().data);
    }

    @Test
    @DisplayName("value averages metric(G, A_k) and floor metric(B_k, A_k)")
    void means() {
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7};
        HeldOutPairs pairs = HeldOutPairs.fromPool(indexPool(8), order, 0, 2, 2);
        // A_1 = {0,1}, B_1 = {2,3}, A_2 = {4,5}, B_2 = {6,7}: first-column means 0.5, 2.5, 4.5, 6.5.
        SimpleMatrix g = new SimpleMatrix(new double[][] {{100, 0}, {102, 0}});
        assertArrayEquals(new double[] {101, 2.5}, pairs.value(MEANS, g), 1e-12);
        assertArrayEquals(new double[] {4.5, 2.5}, pairs.floor(MEANS), 1e-12);
    }

    @Test
    @DisplayName("the shuffled order is a permutation, the same for the same seed")
    void shuffledOrderIsASeededPermutation() {
        int[] order = HeldOutPairs.shuffledOrder(1000, new SplittableRandom(7));
        assertArrayEquals(order, HeldOutPairs.shuffledOrder(1000, new SplittableRandom(7)));
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i]);
        int inPlace = 0;
        for (int i = 0; i < order.length; i++) if (order[i] == i) inPlace++;
        // A random permutation has Poisson(1) fixed points; 10 or more has probability ≈ 1e-7.
        assertTrue(inPlace < 10, "fixed points " + inPlace);
    }

    @Test
    @DisplayName("bad sizes are rejected with the parameter, its value and the valid range")
    void badInput() {
        int[] order = {0, 1, 2, 3};
        SimpleMatrix pool = indexPool(4);
        IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
                () -> HeldOutPairs.fromPool(pool, order, 1, 1, 2));
        assertTrue(tooMany.getMessage().contains("from = 1"), tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HeldOutPairs.fromPool(pool, order, 0, 0, 2));
        assertThrows(IllegalArgumentException.class, () -> HeldOutPairs.shuffledOrder(0, new SplittableRandom(1)));
        HeldOutPairs pairs = HeldOutPairs.fromPool(pool, order, 0, 1, 2);
        IllegalArgumentException rows = assertThrows(IllegalArgumentException.class,
                () -> pairs.value(MEANS, new SimpleMatrix(3, 2)));
        assertTrue(rows.getMessage().contains("3 rows") && rows.getMessage().contains("need 2"), rows.getMessage());
    }
}
