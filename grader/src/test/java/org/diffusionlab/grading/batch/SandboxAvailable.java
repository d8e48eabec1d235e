package org.diffusionlab.grading.batch;

import java.nio.file.Files;
import java.nio.file.Path;
import org.diffusionlab.grading.sandbox.Bubblewrap;
import org.junit.jupiter.api.Assumptions;

/**
 * The batch grader's tests need bubblewrap. CI ({@code .ci/run}) installs it and sets
 * {@code DIFFUSIONLAB_REQUIRE_SANDBOX=1}, so there they fail rather than skip; elsewhere they skip with
 * the command that installs it.
 */
final class SandboxAvailable {

    private SandboxAvailable() {}

    static void assume() throws Exception {
        Path scratch = Files.createTempDirectory("sandbox-check");
        try {
            Bubblewrap.check(scratch);
        } catch (IllegalStateException e) {
            if ("1".equals(System.getenv("DIFFUSIONLAB_REQUIRE_SANDBOX"))) {
                throw e;
            }
            Assumptions.abort("skipped: " + e.getMessage());
        }
    }
}
