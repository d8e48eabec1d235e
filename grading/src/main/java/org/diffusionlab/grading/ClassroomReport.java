package org.diffusionlab.grading;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GitHub Classroom's view of a grading run: reads the engine's results.json and prints
 * {@code result=<base64 JSON>} for {@code $GITHUB_OUTPUT}, in the runner format that GitHub
 * Classroom's autograding reporter action adds up ({@code version}, {@code status}, {@code max_score},
 * and one test per graded exercise with its {@code score}). The release's
 * {@code .github/workflows/classroom.yml} runs it after {@code mvn test}.
 *
 * <p>Usage: {@code java -cp CLASSPATH org.diffusionlab.grading.ClassroomReport labs/target/grades/results.json}
 */
public final class ClassroomReport {

    private ClassroomReport() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: ClassroomReport RESULTS_JSON");
            System.exit(2);
        }
        System.out.println("result=" + Base64.getEncoder().encodeToString(
                runnerJson(Files.readString(Path.of(args[0]), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)));
    }

    /** The runner JSON of a results.json: one test per lab exercise (manual entries left out, 0 points). */
    static String runnerJson(String resultsJson) {
        Map<?, ?> results = (Map<?, ?>) Json.parse(resultsJson);
        Map<String, double[]> byExercise = new LinkedHashMap<>();
        for (Object o : (List<?>) results.get("tests")) {
            Map<?, ?> t = (Map<?, ?>) o;
            double max = ((Number) t.get("max_score")).doubleValue();
            if (max == 0) {
                continue;
            }
            String lab = ((List<?>) t.get("tags")).stream().map(String::valueOf).filter(s -> s.startsWith("lab:"))
                    .map(s -> s.substring(4)).findFirst().orElse("");
            double[] s = byExercise.computeIfAbsent(lab + " " + t.get("number"), k -> new double[2]);
            s[0] += ((Number) t.get("score")).doubleValue();
            s[1] += max;
        }
        double total = 0;
        double max = 0;
        StringBuilder tests = new StringBuilder();
        for (Map.Entry<String, double[]> e : byExercise.entrySet()) {
            double[] s = e.getValue();
            total += s[0];
            max += s[1];
            boolean full = s[0] >= s[1];
            tests.append(tests.length() == 0 ? "" : ",").append("{\"name\":").append(Json.quote(e.getKey()))
                    .append(",\"status\":\"").append(full ? "pass" : "fail").append("\",\"score\":")
                    .append(Json.number(s[0])).append(",\"max_score\":").append(Json.number(s[1]))
                    .append(",\"message\":").append(Json.quote(Json.number(s[0]) + " / " + Json.number(s[1]) + " points"))
                    .append("}");
        }
        return "{\"version\":1,\"status\":\"" + (total >= max ? "pass" : "fail") + "\",\"max_score\":" + Json.number(max)
                + ",\"tests\":[" + tests + "]}";
    }
}
