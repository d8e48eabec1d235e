package org.diffusionlab.labs.training;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.ReflectionCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reflections are graded by a person. These entries carry your text into the report and are
 * flagged (failed) while an answer is still a TODO or shorter than 30 words.
 */
@Lab("training")
@DisplayName("Exercise 5: reflections (graded by hand)")
class Ex5ReflectionsTest {

    @Test
    @Graded(exercise = "5.1", points = 0, manual = true)
    @DisplayName("Reflection 5.1: why a sinusoidal embedding instead of t/T")
    void whySinusoidal() {
        ReflectionCheck.answer("5.1", Reflections.class, "WHY_SINUSOIDAL", 30);
    }

    @Test
    @Graded(exercise = "5.2", points = 0, manual = true)
    @DisplayName("Reflection 5.2: what Adam's bias correction fixes in the first steps")
    void biasCorrection() {
        ReflectionCheck.answer("5.2", Reflections.class, "BIAS_CORRECTION", 30);
    }
}
