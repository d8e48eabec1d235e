package org.diffusionlab.labs.common;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusionlab.grading.Grading;

/** The manual entries of every lab: carry the student's text into the report, flag it while unfinished. */
public final class ReflectionCheck {

    private ReflectionCheck() {}

    /**
     * Notes the answer (the static text field {@code field} of {@code owner}, read through the grading
     * engine so the batch grader gets the student's text, not a copy javac made of the stub's) on the
     * running graded test, and fails (flags the entry for the grader) while it still starts with TODO or
     * has fewer than {@code minWords} words.
     */
    public static void answer(String id, Class<?> owner, String field, int minWords) {
        Object value = Grading.staticField(owner, field);
        String text = value instanceof String s ? s : null;
        String body = text == null ? "" : text.strip();
        Grading.note(body);
        int words = body.isEmpty() ? 0 : body.split("\\s+").length;
        assertTrue(!body.startsWith("TODO"), "reflection " + id + " is still a TODO: write your answer in Reflections.java");
        assertTrue(words >= minWords, "reflection " + id + " is too short: " + words + " words, at least " + minWords + " expected");
    }
}
