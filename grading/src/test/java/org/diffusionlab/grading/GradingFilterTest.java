package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.TreeSet;
import org.diffusionlab.grading.fixtures.BrokenSetupFixture;
import org.diffusionlab.grading.fixtures.NotesFixture;
import org.diffusionlab.grading.fixtures.SpiralFixture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

class GradingFilterTest {

    /** The method names of the tests (and test templates) left after filtering the three fixtures. */
    static List<String> selected(String exercises, String labs) {
        TestPlan plan = LauncherFactory.create(LauncherConfig.builder().enablePostDiscoveryFilterAutoRegistration(false)
                .build()).discover(LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(SpiralFixture.class), selectClass(NotesFixture.class),
                        selectClass(BrokenSetupFixture.class))
                .filters(new GradingFilter(exercises, labs)).build());
        TreeSet<String> names = new TreeSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier id : plan.getDescendants(root)) {
                id.getSource().filter(MethodSource.class::isInstance)
                        .ifPresent(s -> names.add(((MethodSource) s).getMethodName()));
            }
        }
        return List.copyOf(names);
    }

    @Test
    @DisplayName("an exercise id selects that exercise and its sub-exercises; ungraded tests are left out")
    void byExercise() {
        assertEquals(List.of("stub"), selected("3.1", ""));
        assertEquals(List.of("loopsForever", "loopsPreemptively", "stub"), selected("3", ""));
        assertEquals(List.of("allSeedsPass", "oneSeedFails", "reflection"), selected("2.1, 7.1", ""));
        assertEquals(List.of(), selected("3.10", ""));
    }

    @Test
    @DisplayName("a lab name selects that lab's graded tests; with both, a test must match both")
    void byLab() {
        assertEquals(List.of("forwardShape"), selected("", "beta"));
        assertEquals(12, selected("", "spiral").size());
        assertEquals(List.of(), selected("4.1", "spiral"));
    }

    @Test
    @DisplayName("without a filter every test runs, ungraded ones included")
    void noFilter() {
        assertEquals(List.of("allSeedsPass", "assumption", "failsWithMessage", "forwardShape", "loopsForever",
                "loopsPreemptively", "noted", "oneSeedFails", "passes", "reflection", "reflectionTodo", "stub",
                "throwsFromStudentCode", "ungraded"), selected("", ""));
    }
}
