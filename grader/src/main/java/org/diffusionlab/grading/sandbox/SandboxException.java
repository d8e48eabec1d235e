package org.diffusionlab.grading.sandbox;

/** The sandbox could not run the student's code to the end of a call; the message says why, for the student. */
public final class SandboxException extends RuntimeException {

    private final String kind;

    SandboxException(String message, String kind) {
        super(message);
        this.kind = kind;
    }

    /** "timeout", "memory", "exit", "protocol" or "start". */
    public String kind() {
        return kind;
    }
}
