package org.diffusionlab.grading;

/** What a grader can tell the report besides pass/fail. */
public final class Grading {

    private Grading() {}

    /**
     * Attaches text to the report entry of the currently running graded test (e.g. a reflection's
     * answer, or a number worth showing the student). Works from the test's own thread and from the
     * helper thread of a preemptive timeout. Safe to call outside a grading run (then a no-op).
     *
     * @param text the text to attach; {@code null} is ignored
     */
    public static void note(String text) {
        if (text != null) {
            NoteBoard.add(text);
        }
    }
}
