package org.diffusionlab.grading;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The instructor tooling's one leak heuristic: the lines students must not see. {@code LabGenerator --check}
 * looks for them in the generated stubs, the release check ({@code batch.Release}) in every released file.
 *
 * <p>A line is secret when it is non-trivial ({@link #isNonTrivial}) and written inside a
 * {@code // BEGIN SOLUTION} … {@code // END SOLUTION} region ({@link #addRegions}) or in a hidden grader
 * ({@link #addAll}), unless text the students get anyway contains it too ({@link #forget}). Lines are
 * compared without any whitespace, so re-indenting or re-spacing a solution line does not hide it.
 */
public final class SecretLines {

    /** A line shorter than this (without whitespace) is too generic to count as a leak. */
    public static final int MIN_LENGTH = 16;
    /** Normalized (whitespace-free) loop headers and "return x;" / "return a.b();" lines. */
    private static final Pattern BOILERPLATE = Pattern.compile("(for|while)\\(.*\\)\\{|return[\\w.]+(\\(\\))?;");

    /** Normalized secret line -> where it is written ("file:N"; the first place wins). */
    private final Map<String, String> origins = new HashMap<>();

    /** Adds the non-trivial lines inside the solution regions of {@code text}, written in file {@code origin}. */
    public void addRegions(String origin, String text) {
        String[] lines = text.split("\r?\n", -1);
        boolean inside = false;
        for (int i = 0; i < lines.length; i++) {
            if (LabGenerator.BEGIN.matcher(lines[i]).matches()) {
                inside = true;
            } else if (LabGenerator.END.matcher(lines[i]).matches()) {
                inside = false;
            } else if (inside) {
                add(lines[i], origin + ":" + (i + 1));
            }
        }
    }

    /** Adds every non-trivial line of {@code text} (a hidden grader), written in file {@code origin}. */
    public void addAll(String origin, String text) {
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            add(lines[i], origin + ":" + (i + 1));
        }
    }

    /** Adds the secrets of {@code other} not yet known here. */
    public void addAll(SecretLines other) {
        other.origins.forEach(origins::putIfAbsent);
    }

    private void add(String line, String origin) {
        String n = normalize(line);
        if (isNonTrivial(n)) {
            origins.putIfAbsent(n, origin);
        }
    }

    /** Every line of {@code text} stops being secret: students get that text anyway. */
    public void forget(String text) {
        text.lines().forEach(l -> origins.remove(normalize(l)));
    }

    /** Where {@code line} is written as a secret ("file:N"), or {@code null} when it is not secret. */
    public String originOf(String line) {
        return origins.get(normalize(line));
    }

    /** Whether {@code line} is secret. */
    public boolean contains(String line) {
        return originOf(line) != null;
    }

    /** The line without any whitespace: the form lines are compared in. */
    public static String normalize(String line) {
        return line.replaceAll("\\s+", "");
    }

    /**
     * A normalized line worth keeping secret: at least {@value #MIN_LENGTH} characters, not a comment or
     * an import, and not boilerplate any grader may share with a solution by chance (a loop header,
     * returning a variable or a getter's value).
     */
    public static boolean isNonTrivial(String normalized) {
        return normalized.length() >= MIN_LENGTH && !normalized.startsWith("//") && !normalized.startsWith("*")
                && !normalized.startsWith("/*") && !normalized.startsWith("import")
                && !BOILERPLATE.matcher(normalized).matches();
    }

    /** The bytes as UTF-8 text, or {@code null} for a binary file (invalid UTF-8 or a NUL byte). */
    public static String text(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
