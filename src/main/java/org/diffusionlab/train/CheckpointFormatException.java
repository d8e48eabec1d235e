package org.diffusionlab.train;

import java.io.IOException;

/** A file that is not a readable {@link Checkpoint}: foreign, truncated, corrupt or of an unknown version. */
public final class CheckpointFormatException extends IOException {

    public CheckpointFormatException(String message) {
        super(message);
    }
}
