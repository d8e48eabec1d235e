package org.diffusionlab.labs.schedules;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.ReflectionCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reflections are graded by a person. These entries carry your text into the report and are
 * flagged (failed) while an answer is still a TODO or shorter than the minimum.
 */
@Lab("schedules")
@DisplayName("Exercise 5: reflections (graded by hand)")
class Ex5ReflectionsTest {

    @Test
    @Graded(exercise = "5.1", points = 0, manual = true)
    @DisplayName("Reflection 5.1: why β is capped at 0.999, and the first reverse step")
    void betaCap() {
        ReflectionCheck.answer("5.1", Reflections.class, "BETA_CAP", 30);
    }

    @Test
    @Graded(exercise = "5.2", points = 0, manual = true)
    @DisplayName("Reflection 5.2: clipping x̂0, and why it is off for toy data")
    void clipping() {
        ReflectionCheck.answer("5.2", Reflections.class, "CLIPPING", 30);
    }
}
