package org.diffusionlab.grading;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Architecture rules for lab code, checked with ArchUnit from a plain JUnit test in the graders:
 * <pre>
 *   &#64;Test void labCodeIsYourOwn() { LabRules.forPackage("org.diffusionlab.labs").check(); }
 * </pre>
 * <ol>
 *   <li>lab classes must not use the core's reference implementation of an exercise: no dependency on
 *       the packages {@link #REFERENCE_PACKAGES} (or those given to {@link #forbidding}), except the
 *       classes named in {@link #allowing} (e.g. an interface the graders pass in). The walkthroughs may
 *       use {@code org.diffusionlab.plot} and {@code org.diffusionlab.metrics}, which are not listed;</li>
 *   <li>lab classes must not use reflection: nothing from {@code java.lang.reflect} or
 *       {@code java.lang.invoke}, and no reflective method of {@code java.lang.Class} or
 *       {@code ClassLoader} ({@code forName}, {@code getDeclaredMethod}, {@code loadClass}, ...).</li>
 * </ol>
 * A broken rule throws an {@link AssertionError} that states the rule in plain words and lists each
 * violation as {@code File.java:line: what the class does}.
 */
public final class LabRules {

    /** The core packages holding the reference implementations of the spiral lab's exercises. */
    public static final List<String> REFERENCE_PACKAGES = List.of("org.diffusionlab.data",
            "org.diffusionlab.schedule", "org.diffusionlab.forward", "org.diffusionlab.model",
            "org.diffusionlab.train", "org.diffusionlab.sample");

    private static final List<String> REFLECTION_PACKAGES = List.of("java.lang.reflect", "java.lang.invoke");
    private static final Set<String> REFLECTIVE_METHODS = Set.of("forName", "newInstance", "getMethod",
            "getMethods", "getDeclaredMethod", "getDeclaredMethods", "getField", "getFields", "getDeclaredField",
            "getDeclaredFields", "getConstructor", "getConstructors", "getDeclaredConstructor",
            "getDeclaredConstructors", "getDeclaredClasses", "getRecordComponents", "getEnclosingMethod",
            "loadClass", "findClass");
    private static final Pattern LOCATION = Pattern.compile("^(.*?)\\s+in \\(([^()]+\\.java:\\d+)\\)$");

    private final String labPackage;
    private final JavaClasses classes;
    private List<String> forbidden = REFERENCE_PACKAGES;
    private List<String> allowed = List.of();
    private List<String> exempt = List.of();

    private LabRules(String labPackage, JavaClasses classes) {
        this.labPackage = labPackage;
        this.classes = classes;
    }

    /**
     * The rules for the main (non-test) classes of {@code labPackage} and its sub-packages, imported from
     * the class path; grader classes in the same package (test classes) are not checked.
     *
     * @param labPackage e.g. "org.diffusionlab.labs"
     */
    public static LabRules forPackage(String labPackage) {
        return new LabRules(labPackage, importQuickly(() -> new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(labPackage)));
    }

    /** The rules for the given classes of {@code labPackage} (for tests of the rules themselves). */
    public static LabRules forClasses(String labPackage, Class<?>... labClasses) {
        return new LabRules(labPackage, importQuickly(() -> new ClassFileImporter().importClasses(labClasses)));
    }

    /**
     * Imports without following dependencies through the class path (ArchUnit's default): the rules only
     * need the names of the classes lab code refers to, and resolving the JDK behind them takes seconds.
     */
    private static JavaClasses importQuickly(Supplier<JavaClasses> importer) {
        ArchConfiguration config = ArchConfiguration.get();
        boolean resolve = config.resolveMissingDependenciesFromClassPath();
        config.setResolveMissingDependenciesFromClassPath(false);
        try {
            return importer.get();
        } finally {
            config.setResolveMissingDependenciesFromClassPath(resolve);
        }
    }

    /** Replaces {@link #REFERENCE_PACKAGES} by these packages (sub-packages included). */
    public LabRules forbidding(String... packages) {
        this.forbidden = List.of(packages);
        return this;
    }

    /** Classes of the forbidden packages that lab code may use anyway (fully qualified names; nested classes included). */
    public LabRules allowing(String... classNames) {
        this.allowed = List.of(classNames);
        return this;
    }

    /**
     * Lab classes (fully qualified names; nested classes included) that the reference rule does not check,
     * e.g. a walkthrough that must run the core's model to be fast enough. The reflection rule still applies.
     */
    public LabRules exempting(String... classNames) {
        this.exempt = List.of(classNames);
        return this;
    }

    /** Checks both rules and throws one {@link AssertionError} listing every violation. */
    public void check() {
        List<String> problems = new ArrayList<>();
        problems.addAll(violations(referenceRule(), referenceSentence()));
        problems.addAll(violations(reflectionRule(), REFLECTION_SENTENCE));
        if (!problems.isEmpty()) {
            throw new AssertionError(String.join("\n\n", problems));
        }
    }

    /** Checks only that lab code does not use the core's reference implementations. */
    public void checkNoReferenceImplementations() {
        throwIfAny(violations(referenceRule(), referenceSentence()));
    }

    /** Checks only that lab code does not use reflection. */
    public void checkNoReflection() {
        throwIfAny(violations(reflectionRule(), REFLECTION_SENTENCE));
    }

    private static void throwIfAny(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new AssertionError(problems.get(0));
        }
    }

    private String referenceSentence() {
        return "Lab code must be your own work: a class in " + labPackage + " uses the core's reference "
                + "implementation of an exercise (packages " + String.join(", ", forbidden) + ")"
                + (allowed.isEmpty() ? "" : "; only " + String.join(", ", allowed) + " may be used from there")
                + ". Write the exercise yourself (the walkthroughs may use org.diffusionlab.plot and "
                + "org.diffusionlab.metrics).";
    }

    private static final String REFLECTION_SENTENCE = "Lab code must not use reflection (java.lang.reflect, "
            + "java.lang.invoke, Class.forName, getDeclaredMethod and the like): call the classes you need directly.";

    private ArchRule referenceRule() {
        DescribedPredicate<JavaClass> reference = DescribedPredicate.describe(
                "belong to a core reference implementation " + forbidden, c -> inAny(c.getPackageName(), forbidden)
                        && allowed.stream().noneMatch(a -> c.getName().equals(a) || c.getName().startsWith(a + "$")));
        DescribedPredicate<JavaClass> exempted = DescribedPredicate.describe("exempted " + exempt, LabRules.this::isExempt);
        return noClasses().that().resideInAPackage(labPackage + "..").and(DescribedPredicate.not(exempted))
                .should().dependOnClassesThat(reference).allowEmptyShould(true);
    }

    private boolean isExempt(JavaClass c) {
        return exempt.stream().anyMatch(e -> c.getName().equals(e) || c.getName().startsWith(e + "$"));
    }

    private ArchRule reflectionRule() {
        DescribedPredicate<JavaClass> reflection = DescribedPredicate.describe(
                "belong to " + REFLECTION_PACKAGES, c -> inAny(c.getPackageName(), REFLECTION_PACKAGES));
        DescribedPredicate<JavaMethodCall> reflective = DescribedPredicate.describe(
                "a reflective method of Class or ClassLoader", call -> REFLECTIVE_METHODS.contains(call.getName())
                        && isClassOrLoader(call.getTargetOwner()));
        return noClasses().that().resideInAPackage(labPackage + "..").should().dependOnClassesThat(reflection)
                .orShould().callMethodWhere(reflective).allowEmptyShould(true);
    }

    private static boolean isClassOrLoader(JavaClass owner) {
        // by name: dependencies are not resolved, so the class hierarchy of the owner is unknown
        return owner.getName().equals("java.lang.Class") || owner.getName().endsWith("ClassLoader");
    }

    private static boolean inAny(String pkg, List<String> packages) {
        return packages.stream().anyMatch(p -> pkg.equals(p) || pkg.startsWith(p + "."));
    }

    /** Each violation as "File.java:line: detail", under the plain-words sentence; empty when the rule holds. */
    private List<String> violations(ArchRule rule, String sentence) {
        if (classes.stream().noneMatch(c -> inAny(c.getPackageName(), List.of(labPackage)))) {
            return List.of("No lab classes found in package " + labPackage + " (is the package name right, and "
                    + "are the lab sources compiled?), so the lab rules could not be checked.");
        }
        EvaluationResult result = rule.evaluate(classes);
        if (!result.hasViolation()) {
            return List.of();
        }
        StringBuilder b = new StringBuilder(sentence).append("\nWhere:");
        result.getFailureReport().getDetails().stream().map(LabRules::locationFirst).distinct().sorted()
                .forEach(l -> b.append("\n  ").append(l));
        return List.of(b.toString());
    }

    /** "Method <a> calls method <b> in (X.java:12)" becomes "X.java:12: Method <a> calls method <b>". */
    private static String locationFirst(String detail) {
        Matcher m = LOCATION.matcher(detail.strip());
        return m.matches() ? m.group(2) + ": " + m.group(1) : detail.strip();
    }
}
