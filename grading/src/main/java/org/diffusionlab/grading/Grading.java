package org.diffusionlab.grading;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.function.BiFunction;

/** What a grader can tell the report besides pass/fail. */
public final class Grading {

    /** Longest note kept; a longer one is cut (a reflection can be long, but not unbounded). */
    public static final int MAX_NOTE_CHARS = 8000;

    private static volatile BiFunction<Class<?>, String, Object> staticFields = Grading::readLocally;

    private Grading() {}

    /**
     * The student's value of a static field of a lab class, e.g. a reflection's text. Graders read such
     * fields through here, never as {@code Reflections.X}: javac copies a constant's text into the
     * grader that names it, and in the sandboxed batch grader the student's text lives in another JVM.
     *
     * @throws IllegalArgumentException if the class has no such static field
     */
    public static Object staticField(Class<?> owner, String field) {
        return staticFields.apply(owner, field);
    }

    /** For the batch grader: read static fields from where the student's code runs. */
    public static void useStaticFieldReader(BiFunction<Class<?>, String, Object> reader) {
        staticFields = reader;
    }

    private static Object readLocally(Class<?> owner, String field) {
        try {
            Field f = owner.getDeclaredField(field);
            if (!Modifier.isStatic(f.getModifiers())) {
                throw new IllegalArgumentException(owner.getSimpleName() + "." + field + " is not static");
            }
            f.setAccessible(true);
            return f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("no static field " + field + " in " + owner.getName(), e);
        }
    }

    /**
     * Attaches text to the report entry of the currently running graded test (e.g. a reflection's
     * answer, or a number worth showing the student). Works from the test's own thread and from the
     * helper thread of a preemptive timeout. Safe to call outside a grading run (then a no-op).
     *
     * @param text the text to attach; {@code null} is ignored
     */
    public static void note(String text) {
        if (text != null) {
            NoteBoard.add(text.length() > MAX_NOTE_CHARS
                    ? text.substring(0, MAX_NOTE_CHARS) + " … [cut at " + MAX_NOTE_CHARS + " characters]" : text);
        }
    }
}
