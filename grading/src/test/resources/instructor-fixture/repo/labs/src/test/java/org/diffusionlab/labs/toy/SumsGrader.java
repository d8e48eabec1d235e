package org.diffusionlab.labs.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("toy")
class SumsGrader {

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("sum adds up several numbers")
    void sumOfSeveral() {
        assertEquals(6.5, Sums.sum(new double[] {1, 2, 3.5}), 1e-12,
                "sum of {1, 2, 3.5} — did you start the total at 0?");
    }

    @Test
    @Graded(exercise = "1.1", points = 1)
    @DisplayName("sum of an empty array is 0")
    void sumOfEmpty() {
        assertEquals(0.0, Sums.sum(new double[0]), 0.0, "sum of {} should be 0");
    }

    @Test
    @Graded(exercise = "1.2", points = 2)
    @DisplayName("mean of 1..4 is 2.5")
    void meanOfFour() {
        assertEquals(2.5, Sums.mean(new double[] {1, 2, 3, 4}), 1e-12, "mean of {1, 2, 3, 4}");
    }
}
