package org.diffusionlab.grading.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The red team: a class of dishonest submissions against the real labs, graded by the batch grader.
 * Each attack is a few lines of Java in the body of spiral exercise 3.1 ({@code Forward.qSample}, 2.5
 * points) or 2.1 ({@code Schedule.linearBetas}, 2 points), on top of the untouched stubs (honest score
 * 0) or of the solutions (honest score: full marks minus that exercise). Every one must get exactly
 * its honest score; the repository, the other students' results and the gradebook must be byte-
 * identical to what they would be without the attackers; no process of theirs may survive the batch;
 * and the instructor gets a problem line where a submission broke something.
 */
@Tag("slow")
class RedTeamTest {

    static final String SPIRAL = "labs/src/main/java/org/diffusionlab/labs/spiral/";
    static final String QSAMPLE = "public static SimpleMatrix qSample(SimpleMatrix x0, int t, Schedule schedule, SimpleMatrix eps) {";
    static final String LINEAR_BETAS = "public static double[] linearBetas(int T, double betaStart, double betaEnd) {";
    static final double FULL = 126; // spiral, schedules, training, ddim 86 + images 40 (34 visible, 6 hidden)
    /** A line of the hidden grader and one of a solution's reflection: neither may reach a student. */
    static final String HIDDEN_SECRET = "on inputs the visible graders never use";
    static final String SOLUTION_SECRET = "With T = 100 and beta rising from 1e-4 to 5e-3";
    static final String MARKER = "redteam-was-here";

    @TempDir
    static Path tmp;

    record Attack(String student, boolean onSolutions, String file, String method, String body, double expected,
                  String feedbackMentions) {}

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    @DisplayName("every attack gets its honest score, harms no one, leaves nothing running and is reported")
    void dishonestClassGetsHonestGrades() throws Exception {
        SandboxAvailable.assume();
        Path repo = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
        assertTrue(Files.isDirectory(repo.resolve("solutions/src/main")), "run from the grader module of the instructor's repo");
        Path subs = tmp.resolve("submissions");
        Path out = tmp.resolve("graded");
        try (ServerSocket trap = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Attack> attacks = attacks(repo, subs, out, trap.getLocalPort());
            String only = System.getProperty("redteam.only"); // for debugging one attack: -Dredteam.only=a,b
            if (only != null) {
                List<String> names = List.of(only.split(","));
                attacks = attacks.stream().filter(x -> names.contains(x.student())).toList();
            }
            writeClass(repo, subs, attacks);
            Map<String, String> repoBefore = hashTree(repo);
            AtomicInteger connections = listen(trap);

            long start = System.nanoTime();
            List<StudentResult> results = batch(repo, subs, out);
            System.out.printf("red team: %d submissions graded in %.1f s%n", results.size(), (System.nanoTime() - start) / 1e9);

            Map<String, Double> expected = new TreeMap<>();
            expected.put("alice", FULL);
            expected.put("bob", 0.0);
            attacks.forEach(a -> expected.put(a.student(), a.expected()));
            Map<String, Double> got = new TreeMap<>();
            results.forEach(r -> got.put(r.student(), r.score()));
            assertEquals(expected, got, "every submission gets exactly its honest score");

            for (Attack a : attacks) {
                String feedback = Files.readString(out.resolve(a.student()).resolve("feedback.md"));
                String json = Files.readString(out.resolve(a.student()).resolve("results.json"));
                // (a submission built on the solutions carries the solutions' reflections itself)
                for (String secret : a.onSolutions() ? List.of(HIDDEN_SECRET) : List.of(HIDDEN_SECRET, SOLUTION_SECRET)) {
                    assertFalse(json.contains(secret) || feedback.contains(secret), a.student() + " read " + secret);
                }
                assertTrue(json.length() < 200_000, a.student() + "'s results.json is " + json.length() + " bytes");
                if (a.feedbackMentions() != null) {
                    assertTrue(feedback.contains(a.feedbackMentions()), a.student() + "'s feedback should mention \""
                            + a.feedbackMentions() + "\":\n" + feedback);
                }
            }
            // Harm to others: the controls are untouched, the gradebook holds what the batch wrote.
            assertFalse(Files.readString(out.resolve("alice/results.json")).contains(MARKER));
            assertFalse(Files.readString(out.resolve("bob/feedback.md")).contains(MARKER));
            String gradebook = Files.readString(out.resolve("gradebook.csv"));
            // Detached children that would rewrite files after the batch: give them the time they asked for.
            Thread.sleep(6_000);
            assertEquals(gradebook, Files.readString(out.resolve("gradebook.csv")), "the gradebook changed after the batch");
            assertEquals(repoBefore, hashTree(repo), "the instructor's repository changed during the batch");
            assertEquals(0, connections.get(), "a submission reached a socket on the host's loopback");
            List<String> survivors = ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().orElse("").contains(MARKER)).map(p -> p.info().commandLine().orElse(""))
                    .toList();
            assertEquals(List.of(), survivors, "processes of a submission outlived the batch");
            assertFalse(Files.exists(Path.of("/tmp/" + MARKER)), "a submission wrote outside its sandbox");
        }
    }

    /** The attacks; each body replaces the whole body of the method {@code method} of {@code file}. */
    static List<Attack> attacks(Path repo, Path subs, Path out, int port) {
        String r = repo.toString();
        String o = out.toString();
        String s = subs.toString();
        List<Attack> a = new ArrayList<>();
        // 1. Points without solving: reach the core's reference (it is not in the sandbox by any route).
        a.add(stub("direct-call", """
                org.diffusionlab.schedule.NoiseSchedule ref = org.diffusionlab.schedule.NoiseSchedule.fromBetas(schedule.betas());
                return org.diffusionlab.forward.ForwardProcess.qSample(x0, t, ref, eps);
                """, "NoClassDefFoundError"));
        a.add(stub("forname-handles", """
                try {
                    Class<?> fp = Class.forName("org.diffusionlab.forward.ForwardProcess");
                    Class<?> ns = Class.forName("org.diffusionlab.schedule.NoiseSchedule");
                    Object ref = java.lang.invoke.MethodHandles.publicLookup().findStatic(ns, "fromBetas",
                            java.lang.invoke.MethodType.methodType(ns, double[].class)).invoke(schedule.betas());
                    return (SimpleMatrix) java.lang.invoke.MethodHandles.publicLookup().findStatic(fp, "qSample",
                            java.lang.invoke.MethodType.methodType(SimpleMatrix.class, SimpleMatrix.class, int.class, ns,
                                    SimpleMatrix.class)).invoke(x0, t, ref, eps);
                } catch (Throwable e) {
                    throw new IllegalStateException("reference not reached: " + e);
                }
                """, "ClassNotFoundException"));
        a.add(stub("method-reference", """
                java.util.function.Function<double[], org.diffusionlab.schedule.NoiseSchedule> from =
                        org.diffusionlab.schedule.NoiseSchedule::fromBetas;
                return org.diffusionlab.forward.ForwardProcess.qSample(x0, t, from.apply(schedule.betas()), eps);
                """, "NoClassDefFoundError"));
        a.add(stub("java-beans", """
                try {
                    Object ref = new java.beans.Expression(Class.forName("org.diffusionlab.schedule.NoiseSchedule"),
                            "fromBetas", new Object[] {schedule.betas()}).getValue();
                    return (SimpleMatrix) new java.beans.Expression(Class.forName("org.diffusionlab.forward.ForwardProcess"),
                            "qSample", new Object[] {x0, t, ref, eps}).getValue();
                } catch (Exception e) {
                    throw new IllegalStateException("reference not reached: " + e);
                }
                """, "ClassNotFoundException"));
        a.add(stub("runtime-compiler", """
                try {
                    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("svc");
                    java.nio.file.Path src = dir.resolve("Cheat.java");
                    java.nio.file.Files.writeString(src, "public class Cheat { public static Object go(Object x0, int t, double[] b, Object eps) {"
                            + " return org.diffusionlab.forward.ForwardProcess.qSample((org.ejml.simple.SimpleMatrix) x0, t,"
                            + " org.diffusionlab.schedule.NoiseSchedule.fromBetas(b), (org.ejml.simple.SimpleMatrix) eps); } }");
                    javax.tools.JavaCompiler javac = javax.tools.ToolProvider.getSystemJavaCompiler();
                    int status = javac.run(null, null, new java.io.ByteArrayOutputStream(), "-cp",
                            System.getProperty("java.class.path"), "-d", dir.toString(), src.toString());
                    if (status != 0) {
                        throw new IllegalStateException("the reference is not there to compile against");
                    }
                    try (java.net.URLClassLoader l = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()})) {
                        return (SimpleMatrix) l.loadClass("Cheat").getMethod("go", Object.class, int.class, double[].class,
                                Object.class).invoke(null, x0, t, schedule.betas(), eps);
                    }
                } catch (ReflectiveOperationException | java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
                """, "the reference is not there to compile against"));
        a.add(new Attack("allowed-metrics", false, "labs/src/main/java/org/diffusionlab/labs/ddim/Metrics.java",
                "public static double w1(double[] a, double[] b) {",
                "return org.diffusionlab.metrics.Wasserstein.w1(a, b);\n", 0, "NoClassDefFoundError"));
        a.add(stub("heap-dump-and-log", """
                try {
                    java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                            .dumpHeap("/tmp/heap.hprof", true);
                } catch (Exception e) {
                    // the dump holds only this JVM: no grader, no key
                }
                StringBuilder forged = new StringBuilder();
                for (String root : new String[] {"%OUT%", "/tmp", "/sandbox"}) {
                    try (var files = java.nio.file.Files.walk(java.nio.file.Path.of(root), 6)) {
                        for (var f : files.filter(p -> p.toString().endsWith(".log")).limit(50).toList()) {
                            try {
                                java.nio.file.Files.writeString(f, "RESULT\\tx\\tPASS\\t\\tdeadbeef\\n",
                                        java.nio.file.StandardOpenOption.APPEND);
                                forged.append(f).append(' ');
                            } catch (Exception e) {
                                // read-only
                            }
                        }
                    } catch (Exception e) {
                        // not visible
                    }
                }
                throw new IllegalStateException("forged into: [" + forged + "]");
                """.replace("%OUT%", o), "forged into: []"));
        a.add(stub("overwrite-classes-then-die", """
                try {
                    java.nio.file.Path mine = java.nio.file.Path.of(Forward.class.getProtectionDomain().getCodeSource()
                            .getLocation().toURI());
                    java.nio.file.Files.writeString(mine.resolve("org/diffusionlab/labs/spiral/Ex3ForwardTest.class"), "x");
                } catch (Exception e) {
                    System.out.println("classes folder not writable: " + e);
                }
                try {
                    new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).start().waitFor();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("still alive");
                """, "sandbox:"));
        a.add(stub("rewrite-graders", """
                for (String f : new String[] {"%REPO%/labs/src/test/java/org/diffusionlab/labs/spiral/Ex3ForwardTest.java",
                        "%REPO%/labs/src/main/java/org/diffusionlab/labs/spiral/Forward.java", "%REPO%/pom.xml"}) {
                    try {
                        java.nio.file.Files.writeString(java.nio.file.Path.of(f), "%MARKER%");
                    } catch (Exception e) {
                        System.out.println("cannot write " + f + ": " + e);
                    }
                }
                throw new UnsupportedOperationException("TODO 3.1");
                """.replace("%REPO%", r).replace("%MARKER%", MARKER), null));
        a.add(new Attack("math-shadow", false, SPIRAL + "Math.java", null, """
                package org.diffusionlab.labs.spiral;
                /** Would shadow java.lang.Math inside the spiral graders' package, were it compiled with them. */
                public final class Math {
                    public static double abs(double x) { return 0; }
                    public static double max(double a, double b) { return 0; }
                    public static double sqrt(double x) { return 0; }
                }
                """, 0, "Math.java is not one of the lab's files"));
        // 2. Reading what stays hidden.
        a.add(stub("read-hidden", """
                StringBuilder found = new StringBuilder();
                for (StackWalker.StackFrame f : StackWalker.getInstance().walk(st -> st.toList())) {
                    found.append(f.getClassName()).append(' ');
                }
                for (String name : new String[] {"org.diffusionlab.labs.spiral.Ex3ForwardHiddenTest",
                        "org.diffusionlab.labs.spiral.Ex3ForwardTest", "org.diffusionlab.grading.GradeReport"}) {
                    try {
                        found.append(Class.forName(name)).append(' ');
                    } catch (Throwable e) {
                        found.append("no ").append(name).append(' ');
                    }
                }
                for (String f : new String[] {"%REPO%/labs/src/hidden-test/java/org/diffusionlab/labs/spiral/Ex3ForwardHiddenTest.java",
                        "%REPO%/solutions/src/main/java/org/diffusionlab/labs/spiral/Reflections.java"}) {
                    try {
                        found.append(java.nio.file.Files.readString(java.nio.file.Path.of(f)));
                    } catch (Exception e) {
                        found.append("unreadable ").append(f).append(' ');
                    }
                }
                throw new IllegalStateException("found: " + found);
                """.replace("%REPO%", r), "unreadable"));
        a.add(stub("list-classmates", """
                StringBuilder found = new StringBuilder();
                for (String root : new String[] {"%SUBS%", "%OUT%", "%REPO%/solutions", "/"}) {
                    try (var files = java.nio.file.Files.walk(java.nio.file.Path.of(root), 3)) {
                        files.limit(200).forEach(p -> found.append(p).append(' '));
                    } catch (Exception e) {
                        found.append("invisible ").append(root).append(' ');
                    }
                }
                throw new IllegalStateException("listing: " + found);
                """.replace("%SUBS%", s).replace("%OUT%", o).replace("%REPO%", r), "invisible " + s));
        a.add(stub("note-flood", """
                String big = "x".repeat(1 << 20);
                for (int i = 0; i < 60; i++) {
                    org.diffusionlab.grading.Grading.note(big);
                }
                throw new UnsupportedOperationException("TODO 3.1");
                """, "NoClassDefFoundError"));
        // 3. Harming others.
        a.add(stub("edit-others", """
                for (String f : new String[] {"%OUT%/alice/results.json", "%OUT%/bob/feedback.md", "%OUT%/alice/output.txt",
                        "%OUT%/gradebook.csv"}) {
                    try {
                        java.nio.file.Files.writeString(java.nio.file.Path.of(f), "%MARKER%");
                    } catch (Exception e) {
                        System.out.println("cannot write " + f);
                    }
                }
                throw new UnsupportedOperationException("TODO 3.1");
                """.replace("%OUT%", o).replace("%MARKER%", MARKER), null));
        a.add(solved("detached-child", QSAMPLE, """
                try {
                    new ProcessBuilder("setsid", "sh", "-c", "sleep 4; echo %MARKER% > %OUT%/gradebook.csv; echo x > /tmp/%MARKER%")
                            .start();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                throw new UnsupportedOperationException("TODO 3.1");
                """.replace("%OUT%", o).replace("%MARKER%", MARKER), 2.5, null));
        a.add(stub("kill-the-batch", """
                ProcessHandle.allProcesses().filter(p -> p.pid() != ProcessHandle.current().pid())
                        .forEach(ProcessHandle::destroyForcibly);
                try {
                    new ProcessBuilder("sh", "-c", "pkill -9 java; kill -9 -1").start().waitFor();
                } catch (Exception e) {
                    // no shell tools: the JDK's own route above already tried
                }
                throw new UnsupportedOperationException("TODO 3.1");
                """, null));
        // 4. Escaping limits.
        a.add(stub("loopback", """
                try (java.net.Socket s = new java.net.Socket()) {
                    s.connect(new java.net.InetSocketAddress("127.0.0.1", %PORT%), 2000);
                    s.getOutputStream().write("%MARKER%".getBytes());
                    throw new IllegalStateException("connected to the host");
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("no route out: " + e);
                }
                """.replace("%PORT%", Integer.toString(port)).replace("%MARKER%", MARKER), "no route out"));
        a.add(stub("disk-hog", """
                byte[] mb = new byte[1 << 20];
                StringBuilder stopped = new StringBuilder();
                for (String dir : new String[] {"/tmp", "%OUT%", "/"}) {
                    try (java.io.OutputStream f = java.nio.file.Files.newOutputStream(java.nio.file.Path.of(dir, "%MARKER%"))) {
                        for (int i = 0; i < 200; i++) {
                            f.write(mb);
                        }
                    } catch (java.io.IOException e) {
                        stopped.append("stopped writing in ").append(dir).append(": ").append(e).append("; ");
                    }
                }
                throw new IllegalStateException(stopped.toString());
                """.replace("%OUT%", o).replace("%MARKER%", MARKER), "stopped writing in /tmp"));
        a.add(solved("off-heap", QSAMPLE, """
                try {
                    java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                    f.setAccessible(true);
                    sun.misc.Unsafe u = (sun.misc.Unsafe) f.get(null);
                    for (int i = 0; i < 30; i++) {
                        long p = u.allocateMemory(100L << 20);
                        u.setMemory(p, 100L << 20, (byte) 1);
                    }
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalStateException("3 GB off the heap");
                """, 2.5, "Unable to allocate"));
        a.add(solved("exit-past-guard", LINEAR_BETAS, """
                try {
                    System.setSecurityManager(null);
                } catch (Throwable e) {
                    // none installed, or not allowed: exit anyway
                }
                System.exit(0);
                return null;
                """, 2, "exited with status 0"));
        a.add(solved("slow-shutdown-hook", QSAMPLE, """
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Thread.sleep(75_000);
                    } catch (InterruptedException e) {
                        // killed
                    }
                }));
                System.exit(3);
                return null;
                """, 2.5, "timed out"));
        a.add(stub("console-flood", """
                String line = "flood ".repeat(100);
                for (int i = 0; i < 20_000; i++) {
                    System.out.println(line);
                }
                throw new UnsupportedOperationException("TODO 3.1");
                """, "output cap"));
        a.add(stub("fork-bomb", """
                java.util.List<Process> ps = new java.util.ArrayList<>();
                try {
                    for (int i = 0; i < 2000; i++) {
                        ps.add(new ProcessBuilder("sh", "-c", "sleep 600; echo %MARKER%").start());
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("stopped after " + ps.size() + " processes: " + e.getMessage());
                }
                throw new IllegalStateException("started " + ps.size());
                """.replace("%MARKER%", MARKER), "stopped after"));
        return a;
    }

    static Attack stub(String student, String body, String mentions) {
        return new Attack(student, false, SPIRAL + "Forward.java", QSAMPLE, body, 0, mentions);
    }

    static Attack solved(String student, String method, String body, double lost, String mentions) {
        String file = method.equals(QSAMPLE) ? SPIRAL + "Forward.java" : SPIRAL + "Schedule.java";
        return new Attack(student, true, file, method, body, FULL - lost, mentions);
    }

    /** alice (the solutions), bob (the stubs) and one folder per attack. */
    static void writeClass(Path repo, Path subs, List<Attack> attacks) throws IOException {
        copy(repo.resolve("solutions/src/main"), subs.resolve("alice/labs/src/main"));
        copy(repo.resolve("labs/src/main"), subs.resolve("bob/labs/src/main"));
        for (Attack a : attacks) {
            Path root = subs.resolve(a.student());
            copy(repo.resolve(a.onSolutions() ? "solutions/src/main" : "labs/src/main"), root.resolve("labs/src/main"));
            Path file = root.resolve(a.file());
            if (a.method() == null) {
                Files.writeString(file, a.body(), StandardCharsets.UTF_8);
            } else {
                Files.writeString(file, withBody(Files.readString(file, StandardCharsets.UTF_8), a.method(), a.body()),
                        StandardCharsets.UTF_8);
            }
        }
    }

    /** Replaces the body of the method whose declaration line is {@code signature}. */
    static String withBody(String source, String signature, String body) {
        int open = source.indexOf(signature);
        if (open < 0) {
            throw new IllegalArgumentException("no " + signature);
        }
        int start = open + signature.length();
        int depth = 1;
        int i = start;
        while (depth > 0) {
            char c = source.charAt(i++);
            depth += c == '{' ? 1 : c == '}' ? -1 : 0;
        }
        return source.substring(0, start) + "\n" + body + "    }" + source.substring(i);
    }

    static List<StudentResult> batch(Path repo, Path subs, Path out) throws Exception {
        BatchGrade batch = new BatchGrade();
        new CommandLine(batch).parseArgs("--repo", repo.toString(), "--submissions", subs.toString(), "--out", out.toString(),
                "--jobs", "2", "--timeout-seconds", "240", "--memory-mb", "256", "--test-timeout-seconds", "10",
                "--classpath", BatchGradeTest.gradingClasspath());
        return batch.gradeClass();
    }

    /** Counts connections the trap accepts until the test ends. */
    static AtomicInteger listen(ServerSocket trap) throws IOException {
        AtomicInteger n = new AtomicInteger();
        trap.setSoTimeout(500);
        Thread t = new Thread(() -> {
            while (!trap.isClosed()) {
                try (Socket s = trap.accept()) {
                    n.incrementAndGet();
                } catch (SocketTimeoutException e) {
                    // keep listening
                } catch (IOException e) {
                    return;
                }
            }
        }, "trap");
        t.setDaemon(true);
        t.start();
        return n;
    }

    /** SHA-256 of every file of the repository outside build output (path -> hash). */
    static Map<String, String> hashTree(Path repo) throws IOException, NoSuchAlgorithmException {
        Map<String, String> out = new LinkedHashMap<>();
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (Stream<Path> files = Files.walk(repo)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = repo.relativize(f).toString();
                if (rel.startsWith(".git/") || rel.contains("/target/") || rel.startsWith("target/") || rel.startsWith("outputs/")) {
                    continue;
                }
                out.put(rel, HexFormat.of().formatHex(sha.digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target);
            }
        }
    }
}
