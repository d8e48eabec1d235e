package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClassroomReportTest {

    static final String RESULTS = """
            {"score": 2.5, "max_score": 4, "tests": [
              {"name": "a", "number": "1.1", "score": 1, "max_score": 1, "tags": ["lab:spiral"]},
              {"name": "b", "number": "1.1", "score": 0.5, "max_score": 1, "tags": ["lab:spiral"]},
              {"name": "c", "number": "1.1", "score": 1, "max_score": 2, "tags": ["lab:ddim"]},
              {"name": "r", "number": "7.1", "score": 0, "max_score": 0, "tags": ["lab:spiral"]}]}
            """;

    @Test
    @DisplayName("one runner test per lab exercise with its points; the manual entries are left out")
    void pointsPerExercise() {
        Map<?, ?> runner = (Map<?, ?>) Json.parse(ClassroomReport.runnerJson(RESULTS));
        assertEquals(1.0, ((Number) runner.get("version")).doubleValue());
        assertEquals("fail", runner.get("status"));
        assertEquals(4.0, ((Number) runner.get("max_score")).doubleValue());
        List<?> tests = (List<?>) runner.get("tests");
        assertEquals(2, tests.size());
        Map<?, ?> spiral = (Map<?, ?>) tests.get(0);
        assertEquals("spiral 1.1", spiral.get("name"));
        assertEquals(1.5, ((Number) spiral.get("score")).doubleValue());
        assertEquals("fail", spiral.get("status"));
        assertEquals(2.5, tests.stream().mapToDouble(t -> ((Number) ((Map<?, ?>) t).get("score")).doubleValue()).sum(),
                "the reporter adds up the tests' scores: they must add up to the run's score");
    }
}
