package org.diffusionlab.labs.images;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.ReflectionCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reflections are graded by a person. These entries carry your text into the report and are
 * flagged (failed) while an answer is still a TODO or shorter than the minimum.
 */
@Lab("images")
@DisplayName("Exercise 7: reflections and experiments (graded by hand)")
class Ex7ReflectionsTest {

    @Test
    @Graded(exercise = "7.1", points = 0, manual = true)
    @DisplayName("Reflection 7.1: why [−1, 1] and not [0, 1]")
    void scaling() {
        ReflectionCheck.answer("7.1", Reflections.class, "SCALING", 30);
    }

    @Test
    @Graded(exercise = "7.2", points = 0, manual = true)
    @DisplayName("Reflection 7.2: why clip x̂0")
    void clipping() {
        ReflectionCheck.answer("7.2", Reflections.class, "CLIP_X0", 30);
    }

    @Test
    @Graded(exercise = "7.3", points = 0, manual = true)
    @DisplayName("Reflection 7.3: what guidance trades")
    void guidance() {
        ReflectionCheck.answer("7.3", Reflections.class, "GUIDANCE", 30);
    }

    @Test
    @Graded(exercise = "7.4", points = 0, manual = true)
    @DisplayName("Reflection 7.4: what the Fréchet floor means")
    void floor() {
        ReflectionCheck.answer("7.4", Reflections.class, "FRECHET_FLOOR", 30);
    }

    @Test
    @Graded(exercise = "7.5", points = 0, manual = true)
    @DisplayName("Experiments report 7.5: two experiments with the walkthrough")
    void report() {
        ReflectionCheck.answer("7.5", Reflections.class, "EXPERIMENTS_REPORT", 60);
    }
}
