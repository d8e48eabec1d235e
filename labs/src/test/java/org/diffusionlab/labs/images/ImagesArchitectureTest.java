package org.diffusionlab.labs.images;

import org.diffusionlab.grading.LabRules;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The images lab writes its own Fréchet distance (exercise 7), so, unlike the other labs, its code may
 * not use the core's {@code org.diffusionlab.metrics} either (the lab-wide rules are in the spiral
 * lab's ArchitectureTest).
 */
@DisplayName("Architecture: the images lab computes its own metrics")
class ImagesArchitectureTest {

    @Test
    @DisplayName("images lab code does not call org.diffusionlab.metrics")
    void noCoreMetrics() {
        // The walkthrough measures samples with the core's judge (DigitClassifier features); the Fréchet
        // distance it computes on them is the student's.
        LabRules.forPackage("org.diffusionlab.labs.images").forbidding("org.diffusionlab.metrics")
                .exempting("org.diffusionlab.labs.images.ImagesWalkthrough").checkNoReferenceImplementations();
    }
}
