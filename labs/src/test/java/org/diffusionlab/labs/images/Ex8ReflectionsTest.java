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
@DisplayName("Exercise 8: reflections and experiments (graded by hand)")
class Ex8ReflectionsTest {

    @Test
    @Graded(exercise = "8.1", points = 0, manual = true)
    @DisplayName("Reflection 8.1: why [−1, 1] and not [0, 1]")
    void scaling() {
        ReflectionCheck.answer("8.1", Reflections.class, "SCALING", 30);
    }

    @Test
    @Graded(exercise = "8.2", points = 0, manual = true)
    @DisplayName("Reflection 8.2: why clip x̂0")
    void clipping() {
        ReflectionCheck.answer("8.2", Reflections.class, "CLIP_X0", 30);
    }

    @Test
    @Graded(exercise = "8.3", points = 0, manual = true)
    @DisplayName("Reflection 8.3: what guidance trades")
    void guidance() {
        ReflectionCheck.answer("8.3", Reflections.class, "GUIDANCE", 30);
    }

    @Test
    @Graded(exercise = "8.4", points = 0, manual = true)
    @DisplayName("Reflection 8.4: what the Fréchet floor means")
    void floor() {
        ReflectionCheck.answer("8.4", Reflections.class, "FRECHET_FLOOR", 30);
    }

    @Test
    @Graded(exercise = "8.5", points = 0, manual = true)
    @DisplayName("Experiments report 8.5: two experiments with the walkthrough")
    void report() {
        ReflectionCheck.answer("8.5", Reflections.class, "EXPERIMENTS_REPORT", 60);
    }
}
