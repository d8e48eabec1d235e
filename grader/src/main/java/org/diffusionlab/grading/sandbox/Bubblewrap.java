package org.diffusionlab.grading.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.diffusionlab.grading.wire.Worker;

/**
 * The command line of one sandboxed worker: util-linux's {@code prlimit} (processes, file size,
 * address space), {@code setpriv} to an unprivileged user when the grader runs as root, and
 * bubblewrap: new user, PID, network, IPC and UTS namespaces, a read-only view of {@code /usr} (the
 * JDK) and of two folders (the worker runtime and the student's compiled classes), a private
 * size-capped {@code /tmp}, a read-only root, and death with its parent. Nothing of the instructor's
 * repository, the graders, the reference implementation, other submissions or the output folder is
 * inside.
 */
public final class Bubblewrap {

    /** The worker's limits. */
    public record Limits(int heapMb, int processes, int fileMb, int tmpMb) {

        /** Address space: the heap, plus what the JVM itself reserves (code cache, class space, stacks). */
        public long addressSpaceBytes() {
            return (heapMb + 768L) << 20;
        }
    }

    /**
     * The unprivileged users the workers run as when the grader is root: one per submission in turn
     * (61000, 61001, ...), so that one submission's processes never count against another's limit.
     */
    static final int FIRST_UID = 61000;
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_UID = new java.util.concurrent.atomic.AtomicInteger();

    private Bubblewrap() {}

    /**
     * @param runtime        folder with {@code classes/} (the wire package) and {@code lib/} (EJML's jars)
     * @param studentClasses the student's compiled lab classes
     */
    public static List<String> command(Path runtime, Path studentClasses, Limits limits) {
        return command(runtime, studentClasses, limits, FIRST_UID + Math.floorMod(NEXT_UID.getAndIncrement(), 1000));
    }

    /** As above, as user {@code uid} (when the grader is root). */
    static List<String> command(Path runtime, Path studentClasses, Limits limits, int uid) {
        String javaHome = System.getProperty("java.home");
        List<String> c = new ArrayList<>(List.of("prlimit",
                "--nproc=" + limits.processes(),
                "--fsize=" + ((long) limits.fileMb() << 20),
                "--as=" + limits.addressSpaceBytes(),
                "--core=0",
                "--nofile=512",
                "--"));
        if (isRoot()) {
            c.addAll(List.of("setpriv", "--reuid=" + uid, "--regid=" + uid, "--clear-groups", "--"));
        }
        c.addAll(List.of("bwrap",
                "--unshare-all", "--die-with-parent", "--new-session",
                "--clearenv", "--setenv", "MALLOC_ARENA_MAX", "2", "--setenv", "HOME", "/tmp",
                "--ro-bind", "/usr", "/usr",
                "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
                "--proc", "/proc", "--dev", "/dev",
                "--size", Long.toString((long) limits.tmpMb() << 20), "--tmpfs", "/tmp"));
        if (!javaHome.startsWith("/usr/")) {
            c.addAll(List.of("--ro-bind", javaHome, javaHome));
        }
        for (String file : jdkConfiguration()) {
            c.addAll(List.of("--ro-bind", file, file));
        }
        c.addAll(List.of(
                "--ro-bind", runtime.toString(), "/sandbox/runtime",
                "--ro-bind", studentClasses.toString(), "/sandbox/classes",
                "--remount-ro", "/",
                "--chdir", "/tmp",
                "--",
                Path.of(javaHome, "bin", "java").toString(),
                // C1 only: a worker lives seconds, and C2's compilations cost more than they save there
                "-Xmx" + limits.heapMb() + "m", "-Xss1m", "-XX:TieredStopAtLevel=1",
                "-XX:MaxDirectMemorySize=32m", "-XX:MaxMetaspaceSize=128m", "-XX:CompressedClassSpaceSize=64m",
                "-XX:ReservedCodeCacheSize=64m", "-XX:+UseSerialGC", "-XX:-UsePerfData", "-XX:ErrorFile=/tmp/hs_err.log",
                "-Djava.io.tmpdir=/tmp", "-Djava.awt.headless=true", "-Dfile.encoding=UTF-8",
                "--add-opens", "java.base/java.util=ALL-UNNAMED",
                "-cp", "/sandbox/runtime/classes:/sandbox/runtime/lib/*:/sandbox/classes",
                Worker.class.getName()));
        return c;
    }

    /**
     * Makes a folder tree readable (and its folders searchable) by every user, so that the worker's
     * unprivileged user can read what is bound into its sandbox.
     */
    public static void makeReadable(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.toList()) {
                Files.setPosixFilePermissions(p, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private static List<String> jdkConfiguration;

    /**
     * The files outside {@code /usr} that the JDK's own files link to (Debian keeps {@code java.security},
     * {@code jvm.cfg} and the CA certificates under {@code /etc}): without them, code that touches the
     * security providers (even {@code Files.createTempDirectory}) fails in the sandbox.
     */
    static synchronized List<String> jdkConfiguration() {
        if (jdkConfiguration == null) {
            java.util.Set<String> files = new java.util.TreeSet<>();
            Path home = Path.of(System.getProperty("java.home"));
            try (var paths = Files.walk(home, 5)) {
                for (Path p : paths.filter(Files::isSymbolicLink).toList()) {
                    try {
                        Path real = p.toRealPath();
                        if (!real.startsWith("/usr") && !real.startsWith(home) && Files.isRegularFile(real)) {
                            files.add(real.toString());
                        }
                    } catch (IOException dangling) {
                        // a link to nothing (src.zip without the sources): nothing to bind
                    }
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            jdkConfiguration = List.copyOf(files);
        }
        return jdkConfiguration;
    }

    static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Runs {@code true} in the same sandbox; throws with the fix when bubblewrap (or prlimit, setpriv)
     * is missing or cannot create namespaces here.
     */
    public static void check(Path scratch) throws IOException {
        Path empty = Files.createDirectories(scratch.resolve("check"));
        makeReadable(scratch);
        List<String> c = command(empty, empty, new Limits(64, 64, 1, 1));
        List<String> trial = new ArrayList<>(c.subList(0, c.lastIndexOf("--") + 1));
        trial.add("/usr/bin/true");
        Process p;
        try {
            p = new ProcessBuilder(trial).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(missing(e.getMessage()), e);
        }
        try {
            boolean ended = p.waitFor(30, TimeUnit.SECONDS);
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!ended || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(missing("the trial sandbox failed"
                        + (output.isEmpty() ? "" : ": " + output)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static String missing(String why) {
        return "batch grading runs every submission in a bubblewrap sandbox, and it cannot start here (" + why
                + "). Install it with `sudo apt-get install bubblewrap` (Debian/Ubuntu; util-linux gives prlimit"
                + " and setpriv), or grade on a machine that allows user namespaces. Grading without the sandbox"
                + " is not offered: student code would run with your permissions.";
    }
}
