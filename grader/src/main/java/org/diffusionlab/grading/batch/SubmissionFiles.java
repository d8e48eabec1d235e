package org.diffusionlab.grading.batch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Finds a student's lab files in a submission, whatever its shape: the whole repository, just the
 * labs/ folder, or loose .java files. A .java file is placed by its package declaration (it must be a
 * lab package); any other file by the longest tail of its path that matches a pristine lab file.
 * Tests, build files and everything else are ignored — the pristine graders and build are used.
 */
final class SubmissionFiles {

    /**
     * @param files course-relative target path -> the submitted file
     * @param notes what was ignored or ambiguous, for the student's feedback
     */
    record Collected(Map<String, Path> files, List<String> notes) {}

    static final long MAX_UNZIPPED_BYTES = 50L << 20;
    static final int MAX_ZIP_ENTRIES = 10_000;
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    private SubmissionFiles() {}

    /** A folder is used as is; a .zip is unpacked into {@code scratch} (bounded, no path escapes). */
    static Path unpack(Path submission, Path scratch) throws IOException {
        if (Files.isDirectory(submission)) {
            return submission;
        }
        Files.createDirectories(scratch);
        Path root = scratch.toAbsolutePath().normalize();
        long total = 0;
        int entries = 0;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(submission))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                if (++entries > MAX_ZIP_ENTRIES) {
                    throw new IOException("more than " + MAX_ZIP_ENTRIES + " entries in " + submission.getFileName());
                }
                Path target = root.resolve(e.getName()).normalize();
                if (!target.startsWith(root)) {
                    continue; // "../" in an entry name: never write outside the scratch folder
                }
                if (e.isDirectory()) {
                    Files.createDirectories(target);
                    continue;
                }
                Files.createDirectories(target.getParent());
                total += copyBounded(zip, target, MAX_UNZIPPED_BYTES - total);
            }
        }
        return root;
    }

    private static long copyBounded(InputStream in, Path target, long budget) throws IOException {
        byte[] buf = new byte[8192];
        long written = 0;
        try (var out = Files.newOutputStream(target)) {
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                written += n;
                if (written > budget) {
                    throw new IOException("submission unpacks to more than " + (MAX_UNZIPPED_BYTES >> 20) + " MB");
                }
                out.write(buf, 0, n);
            }
        }
        return written;
    }

    static Collected collect(Path root, Course course) throws IOException {
        Map<String, Path> chosen = new LinkedHashMap<>();
        Map<String, Integer> matchLength = new LinkedHashMap<>();
        List<String> ignored = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Path file : Course.list(root)) {
            String rel = root.relativize(file).toString().replace('\\', '/');
            String[] segments = rel.split("/");
            if (skipped(segments) || course.graderFileNames.contains(segments[segments.length - 1])) {
                ignored.add(rel);
                continue;
            }
            String target = rel.endsWith(".java") ? javaTarget(file, course) : resourceTarget(segments, course);
            if (target == null) {
                ignored.add(rel);
                continue;
            }
            if (!course.studentFiles.contains(target)) {
                // Only the lab's own files are graded: a new class in a lab package (a Math.java, a class
                // named like a grader) could otherwise shadow what the graders' package sees.
                notes.add("ignored " + rel + ": " + target.substring(target.lastIndexOf('/') + 1)
                        + " is not one of the lab's files (only those are graded; put helpers inside them)");
                continue;
            }
            int match = commonTail(segments, target.split("/"));
            Integer previous = matchLength.get(target);
            if (previous != null) {
                notes.add("two submitted files are " + target + ": " + (match > previous ? "used " + rel
                        : "kept " + chosen.get(target).getFileName() + ", ignored " + rel));
                if (match <= previous) {
                    continue;
                }
            }
            chosen.put(target, file);
            matchLength.put(target, match);
        }
        if (!ignored.isEmpty()) {
            notes.add("ignored " + ignored.size() + " file(s) that are not lab sources (tests, build files, other): "
                    + String.join(", ", ignored.subList(0, Math.min(5, ignored.size())))
                    + (ignored.size() > 5 ? ", …" : ""));
        }
        return new Collected(chosen, notes);
    }

    /** Hidden folders, build output, OS debris, and anything in a test source tree. */
    private static boolean skipped(String[] segments) {
        for (int i = 0; i < segments.length - 1; i++) {
            String s = segments[i];
            if (s.startsWith(".") || s.equals("target") || s.equals("__MACOSX")) {
                return true;
            }
            if (s.equals("src") && i + 1 < segments.length - 1 && !segments[i + 1].equals("main")) {
                return true;
            }
        }
        return segments[segments.length - 1].startsWith(".");
    }

    private static String javaTarget(Path file, Course course) throws IOException {
        Matcher m = PACKAGE.matcher(Files.readString(file, StandardCharsets.UTF_8));
        if (!m.find() || !course.labPackages.contains(m.group(1))) {
            return null;
        }
        return Course.LABS_MAIN_JAVA + "/" + m.group(1).replace('.', '/') + "/" + file.getFileName();
    }

    /** The pristine non-Java lab file sharing the longest path tail with this one (unique), or null. */
    private static String resourceTarget(String[] segments, Course course) {
        String best = null;
        int bestLength = 0;
        boolean tie = false;
        for (String candidate : course.studentFiles) {
            if (candidate.endsWith(".java")) {
                continue;
            }
            int n = commonTail(segments, candidate.split("/"));
            if (n > bestLength) {
                best = candidate;
                bestLength = n;
                tie = false;
            } else if (n == bestLength && n > 0) {
                tie = true;
            }
        }
        return tie ? null : best;
    }

    private static int commonTail(String[] a, String[] b) {
        int n = 0;
        while (n < a.length && n < b.length && a[a.length - 1 - n].equals(b[b.length - 1 - n])) {
            n++;
        }
        return n;
    }
}
