package org.diffusionlab.grading;

import java.util.List;

/**
 * One graded test's report entry.
 *
 * @param lab        from {@code @Lab} on the test class
 * @param exercise   {@link Graded#exercise()}, e.g. "3.1" (Gradescope's {@code number})
 * @param name       the test's display name
 * @param points     {@link Graded#points()}; ignored for manual entries, which carry 0 automatic points
 * @param manual     {@link Graded#manual()}
 * @param visibility {@link Graded#visibility()}
 * @param outcome    how the test ended
 * @param feedback   one line for tables ("" when passed)
 * @param output     the full text for results.json: failure message, then notes
 * @param notes      texts attached with {@link Grading#note}, in call order
 */
public record GradeResult(String lab, String exercise, String name, double points, boolean manual,
                          String visibility, Outcome outcome, String feedback, String output,
                          List<String> notes) {

    public GradeResult {
        notes = List.copyOf(notes);
    }

    /** Points earned: {@link #points} when passed, else 0; always 0 for a manual entry. */
    public double score() {
        return outcome == Outcome.PASSED ? maxScore() : 0.0;
    }

    /** Points available automatically: {@link #points}, or 0 for a manual entry. */
    public double maxScore() {
        return manual ? 0.0 : points;
    }

    /**
     * The status for tables: the outcome's label; for a manual entry "manual review", with the outcome
     * added when its checks did not pass (e.g. "manual review (FAIL)" for a reflection still TODO).
     */
    public String statusLabel() {
        if (!manual) {
            return outcome.label();
        }
        return outcome == Outcome.PASSED ? "manual review" : "manual review (" + outcome.label() + ")";
    }
}
