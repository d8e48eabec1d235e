package org.diffusionlab.grading;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns a test's failure into what a student should read: an outcome, one line, and the full text. */
final class Feedback {

    /** Outcome, one-line feedback (for tables) and full output (for results.json). */
    record Verdict(Outcome outcome, String line, String output) {}

    private static final Pattern TODO = Pattern.compile("^\\s*TODO\\b.*", Pattern.DOTALL);
    private static final Pattern TIMED_OUT = Pattern.compile("timed out after ([^\\n]+?)\\.?$",
            Pattern.MULTILINE);
    private static final int MAX_FRAMES = 5;
    /** How the feedback of a stub's {@code UnsupportedOperationException("TODO 3.1: ...")} starts. */
    static final String NOT_IMPLEMENTED = "not implemented yet: ";

    private Feedback() {}

    static Verdict of(Throwable t) {
        List<Throwable> chain = chain(t);
        for (Throwable c : chain) {
            if (isTimeout(c)) {
                return timeout(c);
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
        String where = firstUserFrame(t.getStackTrace());
        String line = t.getClass().getSimpleName()
                + (t.getMessage() == null ? "" : ": " + firstLine(t.getMessage()))
                + (where == null ? "" : " (at " + where + ")");
        StringBuilder out = new StringBuilder(t.toString());
        appendFrames(out, t.getStackTrace());
        for (Throwable c = t.getCause(); c != null && c != t; c = c.getCause()) {
            out.append("\nCaused by: ").append(c);
            appendFrames(out, c.getStackTrace());
            if (c == c.getCause()) {
                break;
            }
        }
        return new Verdict(Outcome.FAILED, line, out.toString());
    }

    /** A failure without a throwable (JUnit reports none): a plain sentence. */
    static Verdict of(Outcome outcome, String sentence) {
        return new Verdict(outcome, firstLine(sentence), sentence);
    }

    private static boolean isTimeout(Throwable c) {
        return c instanceof TimeoutException
                || (c.getMessage() != null && TIMED_OUT.matcher(c.getMessage()).find());
    }

    private static Verdict timeout(Throwable c) {
        Matcher m = c.getMessage() == null ? null : TIMED_OUT.matcher(c.getMessage());
        String after = m != null && m.find() ? " after " + m.group(1) : "";
        // JUnit attaches the stuck thread's stack as the cause: it shows where the loop is.
        List<Throwable> causes = new ArrayList<>();
        for (Throwable x = c; x != null && !causes.contains(x); x = x.getCause()) {
            causes.add(x);
        }
        String where = null;
        for (int i = causes.size() - 1; i >= 0 && where == null; i--) {
            where = firstUserFrame(causes.get(i).getStackTrace());
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

    private static String firstUserFrame(StackTraceElement[] frames) {
        for (StackTraceElement f : frames) {
            if (!isFrameworkFrame(f.getClassName())) {
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

    private static void appendFrames(StringBuilder out, StackTraceElement[] frames) {
        int shown = 0;
        for (StackTraceElement f : frames) {
            if (isFrameworkFrame(f.getClassName())) {
                continue;
            }
            out.append("\n    at ").append(f);
            if (++shown == MAX_FRAMES) {
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
