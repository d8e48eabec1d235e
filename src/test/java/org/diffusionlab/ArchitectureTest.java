package org.diffusionlab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.Architectures.LayeredArchitecture;
import java.util.List;
import java.util.stream.Stream;

/**
 * The packages follow the pipeline data → schedule → forward → model → train → sample → metrics → plot:
 * a package may use only packages before it (model never reaches into train or sample; metrics may use
 * train). {@code report} and {@code cli} sit beside the pipeline and may use all of it, but no pipeline
 * package uses them. (The grading engine and the batch grader are modules of their own: grading/, grader/.) Checked on the compiled main classes (src/main/java and the
 * separately compiled src/main/vector land in the same output folder), not on the tests.
 */
@AnalyzeClasses(packages = "org.diffusionlab", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The pipeline, upstream first; each entry is a package under org.diffusionlab, sub-packages included. */
    static final List<String> PIPELINE = List.of("data", "schedule", "forward", "model", "train", "sample", "metrics", "plot");
    /** Beside the pipeline: they may use it, it may not use them. */
    static final List<String> BESIDE = List.of("report", "cli");

    @ArchTest
    static final ArchRule pipelineOrder = pipeline();

    @ArchTest
    static final ArchRule pipelineDoesNotUseTheToolsBesideIt = noClasses()
            .that().resideInAnyPackage(packages(PIPELINE))
            .should().dependOnClassesThat().resideInAnyPackage(packages(BESIDE))
            .because("report and cli are built on the pipeline, not the other way round");

    @ArchTest
    static final ArchRule everyPackageIsPlaced = classes()
            .should().resideInAnyPackage(packages(concat(PIPELINE, BESIDE)))
            .because("a new package must take its place in the pipeline (or beside it) in this test");

    /** Layer i may be used only by layers after it and by the packages beside the pipeline. */
    private static LayeredArchitecture pipeline() {
        LayeredArchitecture layers = layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (String name : concat(PIPELINE, BESIDE)) {
            layers = layers.layer(name).definedBy("org.diffusionlab." + name + "..");
        }
        for (int i = 0; i < PIPELINE.size(); i++) {
            List<String> users = concat(PIPELINE.subList(i + 1, PIPELINE.size()), BESIDE);
            layers = layers.whereLayer(PIPELINE.get(i)).mayOnlyBeAccessedByLayers(users.toArray(String[]::new));
        }
        return layers;
    }

    private static String[] packages(List<String> names) {
        return names.stream().map(n -> "org.diffusionlab." + n + "..").toArray(String[]::new);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return Stream.concat(a.stream(), b.stream()).toList();
    }
}
