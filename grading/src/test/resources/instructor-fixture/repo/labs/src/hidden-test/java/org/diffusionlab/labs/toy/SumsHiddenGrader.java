package org.diffusionlab.labs.toy;

import static org.junit.jupiter.api.Assertions.assertThrows;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@Lab("toy")
class SumsHiddenGrader {

    @Test
    @Graded(exercise = "1.2", points = 1, visibility = "after_due_date")
    @DisplayName("mean rejects an empty array")
    void meanRejectsEmpty() {
        // HIDDEN-GRADER-SECRET: this comment must never reach a student's feedback.
        assertThrows(IllegalArgumentException.class, () -> Sums.mean(new double[0]),
                "mean of {} should throw IllegalArgumentException");
    }
}
