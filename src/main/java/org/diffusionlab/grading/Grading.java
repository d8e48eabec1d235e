package org.diffusionlab.grading;

/** What a grader can tell the report besides pass/fail. */
public final class Grading {

    private Grading() {}

    /**
     * Attaches text to the report entry of the currently running graded test (e.g. a reflection's
     * answer, or a number worth showing the student). Safe to call outside a grading run.
     */
    public static void note(String text) {
        // The grading engine's listener collects notes; until it is registered this is a no-op.
    }
}
