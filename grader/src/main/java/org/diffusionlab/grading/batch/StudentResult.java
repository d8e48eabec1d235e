package org.diffusionlab.grading.batch;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.diffusionlab.grading.GradeReport;
import org.diffusionlab.grading.batch.RunLog.Outcome;

/**
 * One student's grade: an outcome for every graded test of the course, and the problems found with
 * the submission as a whole (missing files, compile errors, time limit, crash).
 *
 * @param student  the submission's name
 * @param catalog  every graded test, in order
 * @param outcomes key -> outcome, one per catalog entry
 * @param testNotes key -> texts the test attached with {@code Grading.note} (e.g. a reflection's answer)
 * @param problems what cost points beyond the tests themselves (gradebook, summary line, feedback)
 * @param notes    information for the student only (e.g. which submitted files were ignored)
 * @param seconds  wall time spent grading this submission
 */
record StudentResult(String student, List<GradedTest> catalog, Map<String, Outcome> outcomes,
                     Map<String, List<String>> testNotes,
                     List<String> problems, List<String> notes, double seconds) {

    double score() {
        return catalog.stream().filter(t -> outcomes.get(t.key()).passed()).mapToDouble(GradedTest::points).sum();
    }

    static double maxScore(List<GradedTest> catalog) {
        return catalog.stream().mapToDouble(GradedTest::points).sum();
    }

    /** The course's exercises ({@link GradedTest#column()}) in order. */
    static Set<String> exercises(List<GradedTest> catalog) {
        Set<String> out = new TreeSet<>(GradedTest::compareColumns);
        catalog.forEach(t -> out.add(t.column()));
        return out;
    }

    /** Points per exercise ({@link GradedTest#column()}), every exercise of the course present. */
    Map<String, Double> byExercise() {
        Map<String, Double> out = new TreeMap<>(GradedTest::compareColumns);
        for (GradedTest t : catalog) {
            out.merge(t.column(), outcomes.get(t.key()).passed() ? t.points() : 0.0, Double::sum);
        }
        return out;
    }
}
