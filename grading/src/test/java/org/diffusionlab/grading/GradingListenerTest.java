package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.diffusionlab.grading.fixtures.AssertAllFixture;
import org.diffusionlab.grading.fixtures.BrokenSetupFixture;
import org.diffusionlab.grading.fixtures.NotesFixture;
import org.diffusionlab.grading.fixtures.SpiralFixture;
import org.diffusionlab.grading.fixtures.UngradedFixture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs the fixture graders in-process through the JUnit Platform Launcher and reads the reports back. */
class GradingListenerTest {

    @TempDir
    static Path reports;
    static String console;
    static Map<String, Object> json;

    @BeforeAll
    static void gradeTheFixtures() throws IOException {
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(SpiralFixture.class), selectClass(NotesFixture.class),
                        selectClass(BrokenSetupFixture.class))
                // as in labs/solutions: every test body runs on a helper thread with a preemptive timeout
                .configurationParameter("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD")
                .configurationParameter("junit.jupiter.execution.timeout.default", "5 s")
                .build();
        console = run(request, reports);
        json = jsonObject(Files.readString(reports.resolve("results.json")));
    }

    static String run(LauncherDiscoveryRequest request, Path dir) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());
        launcher.execute(request, new GradingListener(dir, new PrintStream(buffer, true, StandardCharsets.UTF_8)));
        return buffer.toString(StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> jsonObject(String text) {
        return (Map<String, Object>) Json.parse(text);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> test(String name) {
        return ((List<Map<String, Object>>) json.get("tests")).stream()
                .filter(t -> t.get("name").equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no test named " + name + " in " + json.get("tests")));
    }

    static void assertEntry(String name, String number, double score, double max, String status, String tag) {
        Map<String, Object> t = test(name);
        assertEquals(number, t.get("number"), name);
        assertEquals(score, (Double) t.get("score"), 0.0, name);
        assertEquals(max, (Double) t.get("max_score"), 0.0, name);
        assertEquals(status, t.get("status"), name);
        assertEquals("visible", t.get("visibility"), name);
        assertTrue(((List<?>) t.get("tags")).contains(tag), name + " tags " + t.get("tags"));
    }

    @Test
    @DisplayName("one report covers all classes: 3.5 of 13.5 points, 13 graded tests, ungraded ones left out")
    void totals() {
        assertEquals(3.5, (Double) json.get("score"), 0.0);
        assertEquals(13.5, (Double) json.get("max_score"), 0.0);
        assertEquals(13, ((List<?>) json.get("tests")).size());
        assertEquals("Lab beta: 0 / 2 points\nLab spiral: 3.5 / 11.5 points\n"
                + "Total: 3.5 / 13.5 points (26%); 2 entries for manual review\n", json.get("output"));
    }

    @Test
    @DisplayName("each test gets its exercise number, points, Gradescope status and outcome")
    void statuses() {
        assertEntry("the spiral has n rows", "1.1", 2, 2, "passed", "outcome:passed");
        assertEntry("the spiral is \"standardized\"", "1.1", 0, 1, "failed", "outcome:failed");
        assertEntry("stub()", "3.1", 0, 2, "failed", "outcome:failed");
        assertEntry("loopsForever()", "3.2", 0, 1.5, "failed", "outcome:timed_out");
        assertEntry("loopsPreemptively()", "3.2", 0, 0.5, "failed", "outcome:timed_out");
        assertEntry("oneSeedFails(int)", "2.1", 0, 1, "failed", "outcome:failed");
        assertEntry("allSeedsPass(int)", "2.1", 0.5, 0.5, "passed", "outcome:passed");
        assertEntry("noted()", "5.1", 1, 1, "passed", "lab:spiral");
        assertEntry("reflection()", "7.1", 0, 0, "passed", "manual");
        assertEntry("reflectionTodo()", "7.2", 0, 0, "failed", "manual");
        assertEntry("assumption()", "5.2", 0, 1, "failed", "outcome:aborted");
        assertEntry("throwsFromStudentCode()", "6.1", 0, 1, "failed", "outcome:failed");
        assertEntry("forwardShape()", "4.1", 0, 2, "failed", "outcome:not_run");
        assertEquals("beta", ((List<?>) test("forwardShape()").get("tags")).get(0).toString().substring(4));
    }

    @Test
    @DisplayName("outputs carry the full message: unicode, quotes and backslashes survive the JSON round trip")
    void outputs() {
        assertEquals("ᾱ_1 should equal α_1 — did the cumulative product start at 1?\n"
                + "expected: 0.9 but got: 0.8 (path C:\\tmp)", test("the spiral is \"standardized\"").get("output"));
        assertEquals("not implemented yet: TODO 3.1: compute x_t = sqrt(alphaBar_t)*x0", test("stub()").get("output"));
        assertTrue(test("oneSeedFails(int)").get("output").toString().startsWith("seed 2: seed 2 gives the wrong mean"));
        assertTrue(test("assumption()").get("output").toString().contains("needs a GPU"));
        assertTrue(test("forwardShape()").get("output").toString()
                .contains("not implemented yet: TODO 4.1: build the network"));
    }

    @Test
    @DisplayName("notes reach the entry even when the body runs on the timeout helper thread")
    void notes() {
        assertEquals("loss = 0.12 \"quoted\" back\\slash\ttab", test("noted()").get("output"));
        assertEquals("The noise schedule sets how fast the signal fades.\nSecond line.",
                test("reflection()").get("output"));
        assertEquals("reflection 7.2 is still TODO: write at least three sentences\n\nTODO",
                test("reflectionTodo()").get("output"));
        assertFalse(json.toString().contains("not reported anywhere"));
    }

    @Test
    @DisplayName("a timeout names the infinite loop and where the test was stopped")
    void timeouts() {
        String out = test("loopsForever()").get("output").toString();
        assertTrue(out.startsWith("timed out after 300 milliseconds: look for an infinite loop"), out);
        assertTrue(out.contains("stopped at SpiralFixture.spinUntilInterrupted(SpiralFixture.java:"), out);
        String pre = test("loopsPreemptively()").get("output").toString();
        assertTrue(pre.startsWith("timed out after 200 ms: look for an infinite loop"), pre);
        assertTrue(pre.contains("stopped at SpiralFixture.spinUntilInterrupted(SpiralFixture.java:"), pre);
    }

    @Test
    @DisplayName("an exception from student code names its type and the line it came from")
    void exceptions() {
        String out = test("throwsFromStudentCode()").get("output").toString();
        assertTrue(out.startsWith("java.lang.NullPointerException"), out);
        assertTrue(out.contains("at org.diffusionlab.grading.fixtures.NotesFixture.studentCode(NotesFixture.java:"), out);
        assertTrue(console.contains("NullPointerException: Cannot read the array length because \"<parameter1>\" is null"
                + " (at NotesFixture.studentCode(NotesFixture.java:") || console.contains(
                "NullPointerException: Cannot read the array length because \"xs\" is null (at NotesFixture.studentCode("),
                console);
    }

    @Test
    @DisplayName("the console shows one row per exercise with points, status and one-line feedback, then totals")
    void consoleTable() {
        assertRow("beta", "4.1", "0 / 2", "NOT RUN",
                "not run, BrokenSetupFixture failed: not implemented yet: TODO 4.1: build the network");
        assertRow("spiral", "1.1", "2 / 3", "FAIL", "ᾱ_1 should equal α_1 — did the cumulative product start at 1?");
        assertRow("spiral", "2.1", "0.5 / 1.5", "FAIL", "seed 2: seed 2 gives the wrong mean");
        assertRow("spiral", "3.1", "0 / 2", "FAIL", "not implemented yet: TODO 3.1: compute x_t = sqrt(alphaBar_t)*x0");
        assertRow("spiral", "3.2", "0 / 2", "TIMEOUT", "timed out after ");
        assertRow("spiral", "5.1", "1 / 1", "PASS", "");
        assertRow("spiral", "5.2", "0 / 1", "ABORTED", "aborted: Assumption failed: needs a GPU");
        assertRow("spiral", "7.1", "0 / 0", "manual review", "The noise schedule sets how fast the signal fades.");
        assertRow("spiral", "7.2", "0 / 0", "manual review (FAIL)", "reflection 7.2 is still TODO");
        assertTrue(console.contains("\nTotal: 3.5 / 13.5 points (26%); 2 entries for manual review\n"), console);
        // stubs are summed up in one line; the list of failed tests keeps the other failures
        assertTrue(console.contains("\nNot implemented yet: spiral 3.1\nTests that did not pass:\n"), console);
        assertFalse(console.contains("FAIL  stub()"), console);
        assertTrue(console.contains("  spiral 1.1  FAIL  the spiral is \"standardized\"\n"), console);
        assertTrue(console.contains("Grade reports: " + reports.toAbsolutePath()), console);
    }

    private static void assertRow(String lab, String exercise, String points, String status, String feedbackStart) {
        assertRow(console, lab, exercise, points, status, feedbackStart);
    }

    private static void assertRow(String console, String lab, String exercise, String points, String status,
                                  String feedbackStart) {
        Pattern row = Pattern.compile("(?m)^" + Pattern.quote(lab) + " +\\| " + Pattern.quote(exercise) + " +\\| "
                + Pattern.quote(points) + " +\\| " + Pattern.quote(status) + " +\\| " + Pattern.quote(feedbackStart));
        assertTrue(row.matcher(console).find(), "no row " + row + " in\n" + console);
    }

    @Test
    @DisplayName("grades.csv has one quoted row per test; grades.md one table per lab and the manual texts")
    void csvAndMarkdown() throws IOException {
        List<String> csv = Arrays.asList(Files.readString(reports.resolve("grades.csv")).split("\r\n"));
        assertEquals(14, csv.size());
        assertEquals("lab,exercise,test,status,score,max_score,feedback", csv.get(0));
        assertEquals("beta,4.1,forwardShape(),NOT RUN,0,2,"
                + "\"not run, BrokenSetupFixture failed: not implemented yet: TODO 4.1: build the network\"", csv.get(1));
        assertTrue(csv.contains("spiral,1.1,\"the spiral is \"\"standardized\"\"\",FAIL,0,1,"
                + "ᾱ_1 should equal α_1 — did the cumulative product start at 1?"), csv.toString());
        String md = Files.readString(reports.resolve("grades.md"));
        assertTrue(md.contains("## Lab spiral: 3.5 / 11.5 points\n"), md);
        assertTrue(md.contains("| 3.1 | 0 / 2 | FAIL | 0/1 | not implemented yet: TODO 3.1: compute x_t = "
                + "sqrt(alphaBar_t)*x0 |\n"), md);
        assertTrue(md.contains("> The noise schedule sets how fast the signal fades.\n> Second line.\n"), md);
        assertTrue(md.endsWith("**Total: 3.5 / 13.5 points (26%)**\n"), md);
    }

    @Test
    @DisplayName("notes also work when the test body runs on JUnit's own thread")
    void notesSameThread(@TempDir Path dir) throws IOException {
        run(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(NotesFixture.class)).build(), dir);
        Map<String, Object> j = jsonObject(Files.readString(dir.resolve("results.json")));
        assertTrue(j.toString().contains("loss = 0.12"), j.toString());
        assertEquals(3.0, (Double) j.get("max_score"), 0.0);
    }

    @Test
    @DisplayName("assertAll's first failure is the one-liner; a disabled grader is SKIPPED and its points still count")
    void assertAllFeedback(@TempDir Path dir) throws IOException {
        String printed = run(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(AssertAllFixture.class))
                .build(), dir);
        assertRow(printed, "spiral", "2.2", "0 / 1", "FAIL", "alpha_1 should be 1 - beta_1 ==> expected: <1> but was: <2> (and 1 more)");
        assertRow(printed, "spiral", "2.3", "0 / 2", "SKIPPED", "skipped: grader under repair");
        String out = Files.readString(dir.resolve("results.json"));
        assertTrue(out.contains("alphaBar_1 should equal alpha_1"), out);
        assertTrue(out.contains("\"max_score\": 3,"), out);
    }

    @Test
    @DisplayName("a JVM without graded tests writes and prints nothing")
    void ungradedWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("grades");
        String printed = run(LauncherDiscoveryRequestBuilder.request().selectors(selectClass(UngradedFixture.class))
                .build(), out);
        assertEquals("", printed);
        assertFalse(Files.exists(out));
    }

    @Test
    @DisplayName("the service-loaded listener is active by default, prints to stdout and honours grading.reportDir")
    void serviceLoaded(@TempDir Path dir) throws IOException {
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(selectClass(NotesFixture.class))
                    .configurationParameter(GradingListener.REPORT_DIR_PROPERTY, dir.toString()).build());
        } finally {
            System.setOut(stdout);
        }
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("Total: 1 / 3 points (33%)"), printed.toString());
        assertTrue(Files.readString(dir.resolve("results.json")).contains("\"number\": \"5.1\""));
        assertTrue(Files.exists(dir.resolve("grades.md")));
        assertTrue(Files.exists(dir.resolve("grades.csv")));
    }
}
