package org.diffusionlab.labs.schedules;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusionlab.grading.Graded;
import org.diffusionlab.grading.Grading;
import org.diffusionlab.grading.Lab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reflections are graded by a person. These entries carry your text into the report and are
 * flagged (failed) while an answer is still a TODO or shorter than the minimum.
 */
@Lab("schedules")
@DisplayName("Exercise 5: reflections (graded by hand)")
class Ex5ReflectionsTest {

    private static void answer(String id, String text, int minWords) {
        String body = text == null ? "" : text.strip();
        Grading.note(body);
        int words = body.isEmpty() ? 0 : body.split("\\s+").length;
        assertTrue(!body.startsWith("TODO"), "reflection " + id + " is still a TODO: write your answer in Reflections.java");
        assertTrue(words >= minWords, "reflection " + id + " is too short: " + words + " words, at least " + minWords + " expected");
    }

    @Test
    @Graded(exercise = "5.1", points = 0, manual = true)
    @DisplayName("Reflection 5.1: why β is capped at 0.999, and the first reverse step")
    void betaCap() {
        answer("5.1", Reflections.BETA_CAP, 30);
    }

    @Test
    @Graded(exercise = "5.2", points = 0, manual = true)
    @DisplayName("Reflection 5.2: clipping x̂0, and why it is off for toy data")
    void clipping() {
        answer("5.2", Reflections.CLIPPING, 30);
    }
}
