package org.diffusionlab.grading.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The event log one forked {@code GradingRunner} wrote (format documented there). Readable after the
 * JVM was killed: every line was flushed as it happened; a torn last line is ignored.
 */
final class RunLog {

    /** A finished graded test: passed or not, and the feedback for a failure. */
    record Outcome(boolean passed, String feedback) {}

    final List<GradedTest> catalog = new ArrayList<>();
    final Set<String> started = new LinkedHashSet<>();
    final Map<String, Outcome> results = new LinkedHashMap<>();
    final Map<String, String> classFailures = new LinkedHashMap<>();
    String abort;
    boolean done;

    static RunLog read(Path file) throws IOException {
        RunLog log = new RunLog();
        if (!Files.exists(file)) {
            return log;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        for (String line : text.substring(0, end + 1).split("\n")) {
            if (!line.isEmpty()) {
                log.accept(line.split("\t", -1));
            }
        }
        return log;
    }

    private void accept(String[] raw) {
        String[] f = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            f[i] = unescape(raw[i]);
        }
        switch (f[0]) {
            case "CATALOG" -> catalog.add(new GradedTest(f[1], f[2], Double.parseDouble(f[3]), f[4],
                    Boolean.parseBoolean(f[5]), f[6], f[7]));
            case "START" -> started.add(f[1]);
            case "RESULT" -> results.put(f[1], new Outcome("PASS".equals(f[2]), f[3]));
            case "CLASSFAIL" -> classFailures.putIfAbsent(f[1], f[2]);
            case "ABORT" -> abort = f[1];
            case "DONE" -> done = true;
            default -> throw new IllegalStateException("unknown grading log line: " + String.join("\t", raw));
        }
    }

    /** The graded test that started but never ended, if any (the one running when the JVM stopped). */
    String inProgress() {
        for (String key : started) {
            if (!results.containsKey(key)) {
                return key;
            }
        }
        return null;
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                out.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
