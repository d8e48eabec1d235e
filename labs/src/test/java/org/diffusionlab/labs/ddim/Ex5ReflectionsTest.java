package org.diffusionlab.labs.ddim;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Grading;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reflections are graded by a person. These entries carry your text into the report and are
 * flagged (failed) while an answer is still a TODO or shorter than 30 words.
 */
@Lab("ddim")
@DisplayName("Exercise 5: reflections (graded by hand)")
class Ex5ReflectionsTest {

    private static void answer(String id, String text) {
        String body = text == null ? "" : text.strip();
        Grading.note(body);
        int words = body.isEmpty() ? 0 : body.split("\\s+").length;
        assertTrue(!body.startsWith("TODO"), "reflection " + id + " is still a TODO: write your answer in Reflections.java");
        assertTrue(words >= 30, "reflection " + id + " is too short: " + words + " words, at least 30 expected");
    }

    @Test
    @Graded(exercise = "5.1", points = 0, manual = true)
    @DisplayName("Reflection 5.1: deterministic DDIM and the cosine schedule's capped β_T")
    void cappedBeta() {
        answer("5.1", Reflections.CAPPED_BETA);
    }

    @Test
    @Graded(exercise = "5.2", points = 0, manual = true)
    @DisplayName("Reflection 5.2: the noise floor and the sample size")
    void noiseFloor() {
        answer("5.2", Reflections.NOISE_FLOOR);
    }
}
