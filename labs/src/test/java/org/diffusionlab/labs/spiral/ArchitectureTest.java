package org.diffusionlab.labs.spiral;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Locations;
import java.lang.invoke.MethodHandles;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The lab code must be your own: it may not call the core's reference implementation of an
 * exercise, nor use reflection (the graders are not part of this check).
 * TODO(lead): replace the inline rules by org.diffusionlab.grading.LabRules when merging.
 */
@DisplayName("Architecture: the lab code stands on its own")
class ArchitectureTest {

    /** The compiled lab code only (its output folder), not the whole class path: fast, and no graders. */
    private static final JavaClasses LAB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importLocations(Locations.ofClass(Spiral.class));

    @Test
    @DisplayName("lab code does not call the core's reference implementations (data, schedule, forward, model, train, sample)")
    void noReferenceImplementations() {
        noClasses().that().resideInAPackage("org.diffusionlab.labs..")
                .should().dependOnClassesThat().resideInAnyPackage("org.diffusionlab.data..", "org.diffusionlab.schedule..",
                        "org.diffusionlab.forward..", "org.diffusionlab.model..", "org.diffusionlab.train..", "org.diffusionlab.sample..")
                .because("each exercise is yours to write: the core's reference is what the graders compare you with")
                .check(LAB);
    }

    @Test
    @DisplayName("lab code does not use reflection")
    void noReflection() {
        noClasses().that().resideInAPackage("org.diffusionlab.labs..")
                .should().dependOnClassesThat().resideInAnyPackage("java.lang.reflect..")
                .orShould().callMethod(Class.class, "forName", String.class)
                .orShould().callMethodWhere(target(owner(describe("java.lang.Class or java.lang.invoke.MethodHandles",
                        c -> c.isEquivalentTo(Class.class) || c.isEquivalentTo(MethodHandles.class)))))
                .because("reflection could reach the reference implementation or the graders around the rules")
                .check(LAB);
    }
}
