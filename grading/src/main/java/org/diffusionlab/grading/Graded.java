package org.diffusionlab.grading;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a JUnit test as a grader: passing it earns {@link #points()} for {@link #exercise()}.
 * The lab it belongs to is named by {@link Lab} on the test class.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Graded {

    /** The exercise id as the stub names it, e.g. "3.1" for {@code TODO 3.1}. */
    String exercise();

    /** Points earned when the test passes; 0 for a manually graded entry. */
    double points();

    /** A manually graded entry (e.g. a reflection): 0 automatic points, its text goes to the report. */
    boolean manual() default false;

    /** Gradescope visibility of this entry in results.json. */
    String visibility() default "visible";
}
