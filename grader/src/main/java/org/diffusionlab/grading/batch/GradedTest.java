package org.diffusionlab.grading.batch;

import org.diffusionlab.grading.GradeReport;

/**
 * One graded test as discovered in the pristine graders (visible and hidden).
 *
 * @param key        {@code className#method(paramTypes)}, stable across submissions
 * @param exercise   the exercise id from {@code @Graded}, e.g. "3.1"
 * @param points     points for passing
 * @param visibility Gradescope visibility: visible, hidden, after_due_date or after_published
 * @param manual     a manually graded entry (0 automatic points)
 * @param lab        the lab named by {@code @Lab} on the grader class
 * @param name       the test's display name
 */
record GradedTest(String key, String exercise, double points, String visibility, boolean manual, String lab,
                  String name) {

    /** The grader's fully qualified class name. */
    String className() {
        return key.substring(0, key.indexOf('#'));
    }

    /** The grader's package, which is also the package of the lab code it grades. */
    String packageName() {
        String cls = className();
        return cls.substring(0, cls.lastIndexOf('.'));
    }

    /** The gradebook column of this test's exercise, qualified by its lab ("spiral 3.1"): ids repeat across labs. */
    String column() {
        return lab.isEmpty() ? exercise : lab + " " + exercise;
    }

    /** Orders gradebook columns: by lab, then by exercise id within a lab. */
    static int compareColumns(String a, String b) {
        int sa = a.lastIndexOf(' '), sb = b.lastIndexOf(' ');
        int byLab = a.substring(0, Math.max(sa, 0)).compareTo(b.substring(0, Math.max(sb, 0)));
        return byLab != 0 ? byLab : GradeReport.compareExercises(a.substring(sa + 1), b.substring(sb + 1));
    }
}
