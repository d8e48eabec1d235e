package org.diffusionlab.labs.toy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.ejml.simple.SimpleMatrix;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("toy")
class ScaleGrader {

    @Test
    @Graded(exercise = "2.1", points = 2)
    @DisplayName("scale multiplies every entry")
    void scalesEveryEntry() {
        SimpleMatrix m = new SimpleMatrix(new double[][] {{1, -2}, {3, 4}});
        SimpleMatrix got = Scale.scale(m, 0.5);
        assertEquals(-1.0, got.get(0, 1), 1e-12, "entry (0,1) of 0.5 * [[1,-2],[3,4]]");
        assertEquals(2.0, got.get(1, 1), 1e-12, "entry (1,1) of 0.5 * [[1,-2],[3,4]]");
    }
}
