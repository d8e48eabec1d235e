package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.diffusionlab.grading.fixtures.labs.BadLab;
import org.diffusionlab.grading.fixtures.labs.GoodLab;
import org.diffusionlab.grading.fixtures.labs.ModelUser;
import org.diffusionlab.grading.fixtures.labs.ReflectiveLab;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LabRulesTest {

    static final String PKG = "org.diffusionlab.grading.fixtures.labs";

    @Test
    @DisplayName("lambdas, records, string concatenation and the metrics package break no rule")
    void goodLabPasses() {
        assertDoesNotThrow(() -> LabRules.forClasses(PKG, GoodLab.class).check());
    }

    @Test
    @DisplayName("calling a core reference implementation fails with the rule in plain words and file:line")
    void referenceCall() {
        AssertionError e = assertThrows(AssertionError.class, () -> LabRules.forClasses(PKG, BadLab.class).check());
        String m = e.getMessage();
        assertTrue(m.startsWith("Lab code must be your own work: a class in " + PKG + " uses the core's reference "
                + "implementation of an exercise (packages org.diffusionlab.data, org.diffusionlab.schedule,"), m);
        assertTrue(m.contains("\nWhere:\n  BadLab.java:9: "), m);
        assertTrue(m.contains("\n  BadLab.java:9: Method <" + PKG + ".BadLab.alphaBars(int)> calls method "
                + "<org.diffusionlab.schedule.NoiseSchedule.linearBetaSchedule(int, double, double)>"), m);
        assertFalse(m.contains("reflection"), m);
    }

    @Test
    @DisplayName("reflection fails: Class.forName, getDeclaredMethod and java.lang.reflect.Method are each named")
    void reflection() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> LabRules.forClasses(PKG, ReflectiveLab.class).checkNoReflection());
        String m = e.getMessage();
        assertTrue(m.startsWith("Lab code must not use reflection"), m);
        assertTrue(m.contains("ReflectiveLab.java:7: Method <" + PKG + ".ReflectiveLab.alphaBars(int)> calls method "
                + "<java.lang.Class.forName(java.lang.String)>"), m);
        assertTrue(m.contains("ReflectiveLab.java:8: Method <" + PKG + ".ReflectiveLab.alphaBars(int)> calls method "
                + "<java.lang.Class.getDeclaredMethod("), m);
        assertTrue(m.contains("java.lang.reflect.Method.invoke"), m);
    }

    @Test
    @DisplayName("a core type passes only when allowed, and a custom package list replaces the default")
    void allowingAndForbidding() {
        assertThrows(AssertionError.class, () -> LabRules.forClasses(PKG, ModelUser.class).checkNoReferenceImplementations());
        assertDoesNotThrow(() -> LabRules.forClasses(PKG, ModelUser.class)
                .allowing("org.diffusionlab.model.EpsilonModel").check());
        assertDoesNotThrow(() -> LabRules.forClasses(PKG, BadLab.class).forbidding("org.diffusionlab.model")
                .checkNoReferenceImplementations());
        AssertionError e = assertThrows(AssertionError.class, () -> LabRules.forClasses(PKG, GoodLab.class)
                .forbidding("org.diffusionlab.metrics").check());
        assertTrue(e.getMessage().contains("GoodLab.java:16"), e.getMessage());
    }

    @Test
    @DisplayName("an exempted class may use the core, other classes may not, and reflection stays forbidden for it")
    void exempting() {
        assertDoesNotThrow(() -> LabRules.forClasses(PKG, BadLab.class).exempting(PKG + ".BadLab").checkNoReferenceImplementations());
        assertThrows(AssertionError.class, () -> LabRules.forClasses(PKG, BadLab.class, ModelUser.class).exempting(PKG + ".BadLab")
                .checkNoReferenceImplementations());
        assertThrows(AssertionError.class, () -> LabRules.forClasses(PKG, BadLab.class).exempting(PKG + ".Bad").checkNoReferenceImplementations());
        assertThrows(AssertionError.class, () -> LabRules.forClasses(PKG, ReflectiveLab.class).exempting(PKG + ".ReflectiveLab").checkNoReflection());
    }

    @Test
    @DisplayName("a package without lab classes fails instead of passing vacuously")
    void emptyPackage() {
        AssertionError e = assertThrows(AssertionError.class, () -> LabRules.forPackage("org.diffusionlab.nosuchlab").check());
        assertTrue(e.getMessage().startsWith("No lab classes found in package org.diffusionlab.nosuchlab"), e.getMessage());
    }

    @Test
    @DisplayName("forPackage leaves test classes out: graders may use the reference, lab code may not")
    void forPackageSkipsTests() {
        // every class of this package is in test-classes, so nothing is imported
        AssertionError e = assertThrows(AssertionError.class, () -> LabRules.forPackage(PKG).check());
        assertTrue(e.getMessage().startsWith("No lab classes found"), e.getMessage());
    }
}
