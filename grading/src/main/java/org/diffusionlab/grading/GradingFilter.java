package org.diffusionlab.grading;

import java.util.Arrays;
import java.util.List;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.PostDiscoveryFilter;

/**
 * Grades one lab or one exercise: when the system property {@value #EXERCISE} or {@value #LAB} is set
 * (e.g. {@code mvn test -Dgrading.exercise=3.1}, {@code -Dgrading.lab=spiral}), only the {@link Graded}
 * tests that match run; other tests are left out. Both take a comma-separated list; an exercise id also
 * selects its sub-exercises ("3" selects 3.1 and 3.2, "3.1" selects 3.1 but not 3.10). Without either
 * property every test runs. Registered in {@code META-INF/services/org.junit.platform.launcher.PostDiscoveryFilter}.
 */
public final class GradingFilter implements PostDiscoveryFilter {

    /** System property: the exercise ids to grade. */
    public static final String EXERCISE = "grading.exercise";
    /** System property: the labs to grade. */
    public static final String LAB = "grading.lab";

    private final List<String> exercises;
    private final List<String> labs;

    /** Reads {@value #EXERCISE} and {@value #LAB} from the system properties. */
    public GradingFilter() {
        this(System.getProperty(EXERCISE, ""), System.getProperty(LAB, ""));
    }

    /**
     * @param exercises comma-separated exercise ids, "" for all
     * @param labs      comma-separated lab names, "" for all
     */
    public GradingFilter(String exercises, String labs) {
        this.exercises = split(exercises);
        this.labs = split(labs);
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    @Override
    public FilterResult apply(TestDescriptor descriptor) {
        if (exercises.isEmpty() && labs.isEmpty()) {
            return FilterResult.included("no grading filter");
        }
        if (!(descriptor.getSource().orElse(null) instanceof MethodSource ms)) {
            // classes and engines stay; the launcher prunes the ones left without tests
            return descriptor.isTest() ? FilterResult.excluded("not a graded test")
                    : FilterResult.included("container");
        }
        Graded g;
        Class<?> cls;
        try {
            g = ms.getJavaMethod().getAnnotation(Graded.class);
            cls = ms.getJavaClass();
        } catch (RuntimeException notLoadable) {
            return FilterResult.excluded("method not loadable");
        }
        if (g == null) {
            return FilterResult.excluded("not a graded test");
        }
        boolean exerciseOk = exercises.isEmpty() || exercises.stream().anyMatch(
                e -> g.exercise().equals(e) || g.exercise().startsWith(e + "."));
        boolean labOk = labs.isEmpty() || labs.contains(GradingListener.labOf(cls));
        return exerciseOk && labOk ? FilterResult.included("selected for grading")
                : FilterResult.excluded("not in " + EXERCISE + "=" + exercises + " / " + LAB + "=" + labs);
    }
}
