package org.diffusionlab.grading;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a test's failure into what a student should read: an outcome, one line, and the full text. The
 * one place that does it: the engine's reports (GradingListener) and the batch grader's forked JVM
 * (batch.GradingRunner, which shows only the student's stack frames) both use it.
 */
public final class Feedback {

    /** Outcome, one-line feedback (for tables) and full output (for results.json). */
    public record Verdict(Outcome outcome, String line, String output) {
        /** The one-liner, then the rest of the output (the output alone when it already starts with the line). */
        public String text() {
            return output.startsWith(line) ? output : line + "\n" + output;
        }
    }

    private static final Pattern TODO = Pattern.compile("^\\s*TODO\\b.*", Pattern.DOTALL);
    private static final Pattern TIMED_OUT = Pattern.compile("timed out after ([^\\n]+?)\\.?$",
            Pattern.MULTILINE);
    private static final int MAX_FRAMES = 5;
    /** How the feedback of a stub's {@code UnsupportedOperationException("TODO 3.1: ...")} starts. */
    static final String NOT_IMPLEMENTED = "not implemented yet: ";

    private Feedback() {}

    /** {@link #of(Throwable, Predicate)} showing every stack frame outside the JDK, JUnit, Surefire and EJML. */
    static Verdict of(Throwable t) {
        return of(t, cls -> !isFrameworkFrame(cls));
    }

    /**
     * The verdict on a test's throwable.
     *
     * @param shown which stack frames (by class name) the feedback may name: where an exception was thrown
     *              or a stuck test stopped, and up to {@value #MAX_FRAMES} frames of the trace
     */
    public static Verdict of(Throwable t, Predicate<String> shown) {
        List<Throwable> chain = chain(t);
        for (Throwable c : chain) {
            if (isTimeout(c)) {
                return timeout(c, shown);
            }
        }
        for (Throwable c : chain) {
            if (c instanceof UnsupportedOperationException && c.getMessage() != null
                    && TODO.matcher(c.getMessage()).matches()) {
                String msg = NOT_IMPLEMENTED + c.getMessage().strip();
                return new Verdict(Outcome.FAILED, firstLine(msg), msg);
            }
        }
        if (t instanceof AssertionError && t.getSuppressed().length > 0
                && t.getClass().getSimpleName().equals("MultipleFailuresError")) {
            // assertAll: the first failure is the one-liner, all of them go to the output
            Throwable[] all = t.getSuppressed();
            String first = all[0].getMessage() == null ? all[0].toString() : firstLine(all[0].getMessage());
            return new Verdict(Outcome.FAILED, first + (all.length > 1 ? " (and " + (all.length - 1) + " more)" : ""),
                    t.getMessage().strip());
        }
        if (t instanceof AssertionError && t.getMessage() != null && !t.getMessage().isBlank()) {
            return new Verdict(Outcome.FAILED, firstLine(t.getMessage()), t.getMessage().strip());
        }
        // An exception thrown by the code under test: name it and say where it came from.
        String where = firstFrame(t.getStackTrace(), shown);
        String line = t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()))
                + (where == null ? "" : " (at " + where + ")") + hint(t);
        StringBuilder out = new StringBuilder(t.toString());
        appendFrames(out, t.getStackTrace(), shown);
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            out.append("\nCaused by: ").append(c);
            appendFrames(out, c.getStackTrace(), shown);
            if (c == c.getCause()) {
                break;
            }
        }
        return new Verdict(Outcome.FAILED, line, out.toString());
    }

    /** What an error of the JVM itself usually means. */
    private static String hint(Throwable t) {
        if (t instanceof StackOverflowError) {
            return ": a recursion that never stops?";
        }
        if (t instanceof OutOfMemoryError) {
            return ": the memory limit is " + Math.round(Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0)) + " MB";
        }
        return "";
    }

    /** A failure without a throwable (JUnit reports none): a plain sentence. */
    static Verdict of(Outcome outcome, String sentence) {
        return new Verdict(outcome, firstLine(sentence), sentence);
    }

    private static boolean isTimeout(Throwable c) {
        return c instanceof TimeoutException
                || (c.getMessage() != null && TIMED_OUT.matcher(c.getMessage()).find());
    }

    private static Verdict timeout(Throwable c, Predicate<String> shown) {
        Matcher m = c.getMessage() == null ? null : TIMED_OUT.matcher(c.getMessage());
        String after = m != null && m.find() ? " after " + m.group(1) : "";
        // JUnit attaches the stuck thread's stack as the cause: it shows where the loop is.
        List<Throwable> causes = new ArrayList<>();
        for (Throwable x = c; x != null && !causes.contains(x); x = x.getCause()) {
            causes.add(x);
        }
        String where = null;
        for (int i = causes.size() - 1; i >= 0 && where == null; i--) {
            where = firstFrame(causes.get(i).getStackTrace(), shown);
        }
        String line = "timed out" + after + ": look for an infinite loop (a loop whose condition never "
                + "changes or whose counter never advances)" + (where == null ? "" : ", stopped at " + where);
        String output = line + "\n" + c;
        return new Verdict(Outcome.TIMED_OUT, line, output);
    }

    /** The throwable, its causes and its suppressed exceptions (assertAll's failures), each once. */
    private static List<Throwable> chain(Throwable t) {
        List<Throwable> out = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        List<Throwable> todo = new ArrayList<>(List.of(t));
        while (!todo.isEmpty()) {
            Throwable x = todo.remove(0);
            if (x == null || seen.put(x, Boolean.TRUE) != null) {
                continue;
            }
            out.add(x);
            todo.add(x.getCause());
            todo.addAll(List.of(x.getSuppressed()));
        }
        return out;
    }

    private static String firstFrame(StackTraceElement[] frames, Predicate<String> shown) {
        for (StackTraceElement f : frames) {
            if (shown.test(f.getClassName())) {
                return f.getFileName() == null ? f.toString()
                        : simpleName(f.getClassName()) + "." + f.getMethodName() + "(" + f.getFileName()
                        + ":" + f.getLineNumber() + ")";
            }
        }
        return null;
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    private static void appendFrames(StringBuilder out, StackTraceElement[] frames, Predicate<String> shown) {
        int n = 0;
        for (StackTraceElement f : frames) {
            if (!shown.test(f.getClassName())) {
                continue;
            }
            out.append("\n    at ").append(f);
            if (++n == MAX_FRAMES) {
                break;
            }
        }
    }

    private static boolean isFrameworkFrame(String cls) {
        return cls.startsWith("java.") || cls.startsWith("jdk.") || cls.startsWith("sun.")
                || cls.startsWith("org.junit.") || cls.startsWith("org.opentest4j.")
                || cls.startsWith("org.apache.maven.surefire.") || cls.startsWith("org.ejml.");
    }

    /** The first line, without assertTrue/assertFalse's uninformative " ==> expected: <true> but was: <false>". */
    static String firstLine(String s) {
        String stripped = s.strip();
        int nl = stripped.indexOf('\n');
        String line = (nl < 0 ? stripped : stripped.substring(0, nl)).strip();
        for (String noise : BOOLEAN_NOISE) {
            if (line.endsWith(noise) && line.length() > noise.length()) {
                return line.substring(0, line.length() - noise.length()).strip();
            }
        }
        return line;
    }

    private static final String[] BOOLEAN_NOISE = {
        " ==> expected: <true> but was: <false>", " ==> expected: <false> but was: <true>"};
}
