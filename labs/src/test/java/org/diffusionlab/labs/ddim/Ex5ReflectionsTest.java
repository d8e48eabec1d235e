package org.diffusionlab.labs.ddim;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Lab;
import org.diffusionlab.labs.common.ReflectionCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reflections are graded by a person. These entries carry your text into the report and are
 * flagged (failed) while an answer is still a TODO or shorter than 30 words.
 */
@Lab("ddim")
@DisplayName("Exercise 5: reflections (graded by hand)")
class Ex5ReflectionsTest {

    @Test
    @Graded(exercise = "5.1", points = 0, manual = true)
    @DisplayName("Reflection 5.1: deterministic DDIM and the cosine schedule's capped β_T")
    void cappedBeta() {
        ReflectionCheck.answer("5.1", Reflections.class, "CAPPED_BETA", 30);
    }

    @Test
    @Graded(exercise = "5.2", points = 0, manual = true)
    @DisplayName("Reflection 5.2: the noise floor and the sample size")
    void noiseFloor() {
        ReflectionCheck.answer("5.2", Reflections.class, "NOISE_FLOOR", 30);
    }
}
