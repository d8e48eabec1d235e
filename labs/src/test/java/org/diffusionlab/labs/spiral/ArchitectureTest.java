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
        // Only exception: the images walkthrough trains the core's U-Net on its fast path (FastConv2d, ≈ 7×
        // the readable loops of exercises 2–4, which would take ≈ 10 minutes) and samples with the student's
        // exercises 5–6.
        LabRules.forPackage(LABS).exempting("org.diffusionlab.labs.images.ImagesWalkthrough").checkNoReferenceImplementations();
    }

    @Test
    @DisplayName("lab code does not use reflection")
    void noReflection() {
        LabRules.forPackage(LABS).checkNoReflection();
    }
}
