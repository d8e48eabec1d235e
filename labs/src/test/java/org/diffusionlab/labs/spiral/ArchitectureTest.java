package org.diffusionlab.labs.spiral;

import org.diffusionlab.grading.LabRules;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The lab code must be your own: it may not call the core's reference implementation of an
 * exercise, nor use reflection (the graders are not part of this check).
 */
@DisplayName("Architecture: the lab code stands on its own")
class ArchitectureTest {

    private static final String LABS = "org.diffusionlab.labs";

    @Test
    @DisplayName("lab code does not call the core's reference implementations (data, schedule, forward, model, train, sample)")
    void noReferenceImplementations() {
        LabRules.forPackage(LABS).checkNoReferenceImplementations();
    }

    @Test
    @DisplayName("lab code does not use reflection")
    void noReflection() {
        LabRules.forPackage(LABS).checkNoReflection();
    }
}
