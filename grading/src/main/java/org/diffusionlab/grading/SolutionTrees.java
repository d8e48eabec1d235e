package org.diffusionlab.grading;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The two trees the instructor's checks read, as one picocli mixin of {@link IsolationCheck} and
 * {@link MistakeCheck}: the solutions' sources and the graders compiled against them.
 */
final class SolutionTrees {

    @Option(names = "--solutions", paramLabel = "DIR", defaultValue = "solutions/src/main",
            description = "The solutions tree (default: ${DEFAULT-VALUE}).")
    Path solutions;

    @Option(names = "--graders", paramLabel = "DIR", defaultValue = "solutions/target/test-classes",
            description = "The compiled graders (default: ${DEFAULT-VALUE}).")
    Path graders;
}
