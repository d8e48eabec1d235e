package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FeedbackTest {

    @Test
    @DisplayName("the one-liner is the first line, without assertTrue's '==> expected: <true> but was: <false>'")
    void firstLine() {
        assertEquals("reflection 7.1 is still a TODO",
                Feedback.firstLine("reflection 7.1 is still a TODO ==> expected: <true> but was: <false>"));
        assertEquals("x is 2", Feedback.firstLine("  x is 2\n  more\n"));
        assertEquals("expected: <1> but was: <2>", Feedback.firstLine("expected: <1> but was: <2>"));
    }

    @Test
    @DisplayName("a stub wrapped in another exception is still recognised, a plain UnsupportedOperationException is not")
    void stubs() {
        Feedback.Verdict v = Feedback.of(new IllegalStateException("step 3 failed",
                new UnsupportedOperationException("TODO 5.1: trainStep")));
        assertEquals(Outcome.FAILED, v.outcome());
        assertEquals("not implemented yet: TODO 5.1: trainStep", v.line());
        assertEquals("UnsupportedOperationException: immutable",
                Feedback.of(new UnsupportedOperationException("immutable")).line().replaceAll(" \\(at .*\\)$", ""));
    }

    @Test
    @DisplayName("only the frames the filter shows are named (the batch grader hides the graders'), and JVM errors get a hint")
    void frameFilter() {
        RuntimeException e = new IllegalStateException("bad t");
        e.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("org.diffusionlab.labs.toy.SumsHiddenGrader", "check", "SumsHiddenGrader.java", 30),
            new StackTraceElement("org.diffusionlab.labs.toy.Sums", "mean", "Sums.java", 12)});
        Feedback.Verdict all = Feedback.of(e);
        assertEquals("IllegalStateException: bad t (at SumsHiddenGrader.check(SumsHiddenGrader.java:30))", all.line());
        Feedback.Verdict student = Feedback.of(e, "org.diffusionlab.labs.toy.Sums"::equals);
        assertEquals("IllegalStateException: bad t (at Sums.mean(Sums.java:12))", student.line());
        assertEquals(false, student.text().contains("Hidden"), student.text());
        assertEquals(true, student.text().startsWith(student.line() + "\njava.lang.IllegalStateException: bad t\n    at "), student.text());

        StackOverflowError so = new StackOverflowError();
        so.setStackTrace(new StackTraceElement[0]);
        assertEquals("StackOverflowError: a recursion that never stops?", Feedback.of(so).line());
        assertEquals(true, Feedback.of(new OutOfMemoryError("Java heap space")).line().matches(
                "OutOfMemoryError: Java heap space( \\(at .*\\))?: the memory limit is \\d+ MB"), "OOM names the heap limit");
    }

    @Test
    @DisplayName("a TimeoutException anywhere in the chain is a TIMEOUT")
    void timeouts() {
        Feedback.Verdict v = Feedback.of(new RuntimeException(new TimeoutException("f() timed out after 20 seconds")));
        assertEquals(Outcome.TIMED_OUT, v.outcome());
        assertEquals(true, v.line().startsWith("timed out after 20 seconds: look for an infinite loop"), v.line());
    }
}
