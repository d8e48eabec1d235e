package org.diffusionlab.grading.batch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The event log one forked {@code GradingRunner} wrote (format documented there). Readable after the
 * JVM was killed: every line was flushed as it happened; a torn last line is ignored, and so is any
 * line whose HMAC under the run's key does not verify.
 */
final class RunLog {

    /** A finished graded test: passed or not, and the feedback for a failure. */
    record Outcome(boolean passed, String feedback) {}

    final List<GradedTest> catalog = new ArrayList<>();
    final Set<String> started = new LinkedHashSet<>();
    final Map<String, Outcome> results = new LinkedHashMap<>();
    final Map<String, String> classFailures = new LinkedHashMap<>();
    /** What the sandbox reported: restarts and why (timeout, exit, memory, protocol), for the instructor. */
    final List<String> problems = new ArrayList<>();
    String abort;
    boolean done;

    /** Lines whose HMAC did not verify (written by graded code, not by the runner); they are ignored. */
    int forged;

    /** A fresh random key for one run: handed to the runner on its stdin, used to verify its lines. */
    static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    static RunLog read(Path file, String key) throws IOException {
        RunLog log = new RunLog();
        if (!Files.exists(file)) {
            return log;
        }
        Mac mac;
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        for (String line : text.substring(0, end + 1).split("\n")) {
            int tab = line.lastIndexOf('\t');
            if (tab < 0) {
                log.forged += line.isEmpty() ? 0 : 1;
                continue;
            }
            String body = line.substring(0, tab);
            byte[] expected = mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
            byte[] got;
            try {
                got = HexFormat.of().parseHex(line.substring(tab + 1));
            } catch (IllegalArgumentException e) {
                got = new byte[0];
            }
            if (MessageDigest.isEqual(expected, got)) {
                log.accept(body.split("\t", -1));
            } else {
                log.forged++;
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
            case "PROBLEM" -> problems.add(f[1]);
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
