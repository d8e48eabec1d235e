package org.diffusionlab.grading.batch;

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
}
