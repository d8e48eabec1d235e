package org.diffusionlab.grading;

/** How one graded test ended, in increasing order of severity (an entry keeps its worst outcome). */
public enum Outcome {
    /** The test passed: its points are earned (unless the entry is manual). */
    PASSED("PASS"),
    /** Disabled or filtered out by JUnit ({@code @Disabled}, a condition). */
    SKIPPED("SKIPPED"),
    /** An assumption did not hold ({@code Assumptions.assumeTrue}). */
    ABORTED("ABORTED"),
    /** Never started, e.g. because the test class failed to initialise. */
    NOT_RUN("NOT RUN"),
    /** An assertion or an exception. */
    FAILED("FAIL"),
    /** Stopped by a preemptive timeout: most likely an infinite loop. */
    TIMED_OUT("TIMEOUT");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    /** The word shown in the console table, grades.md and grades.csv. */
    public String label() {
        return label;
    }
}
