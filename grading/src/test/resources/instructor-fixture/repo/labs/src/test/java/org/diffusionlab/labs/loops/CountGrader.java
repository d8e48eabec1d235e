package org.diffusionlab.labs.loops;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Grading;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("loops")
class CountGrader {

    @Test
    @Graded(exercise = "3.1", points = 1)
    @DisplayName("countUp(4) is 1, 2, 3, 4")
    void countsToFour() {
        Grading.note("grader's note: countUp was called with n = 4");
        assertArrayEquals(new int[] {1, 2, 3, 4}, Count.countUp(4), "countUp(4)");
    }
}
