package org.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.diffusionlab.data.Dataset;
import org.diffusionlab.metrics.Wasserstein.Floor;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class QualityReportTest {

    @Test
    @DisplayName("an untrained model misses the goal by far; the floor is a real-vs-real distance near 0 with a small error")
    void untrainedModelMisses() {
        QualityReport.Row row = QualityReport.evaluate(Recipe.NOTEBOOK, Dataset.TWO_GAUSSIANS, 1, 7, 3, 6);
        assertEquals(Dataset.TWO_GAUSSIANS, row.dataset());
        // 2000 vs 2000 real points of the blobs: SW ≈ 0.01–0.04; an untrained ε̂ ≈ 0 leaves a blurred cloud
        assertTrue(row.single().floor() > 0 && row.single().floor() < 0.06, "floor " + row.single().floor());
        assertTrue(row.judged().floor() > 0 && row.judged().floor() < 0.06, "judged floor " + row.judged().floor());
        assertTrue(row.single().ratio() > 5, "ratio " + row.single().ratio());
        assertTrue(row.judged().ratio() > 5, "judged ratio " + row.judged().ratio());
        // the three blurred clouds are alike, so the error is dominated by the 6 floors' spread (~27 % each)
        double relative = row.standardError() / row.judged().ratio();
        assertTrue(relative > 0.01 && relative < 0.5, "relative standard error " + relative);
        assertFalse(row.meetsGoal());
        assertTrue(row.trainSeconds() >= 0 && row.sampleSeconds() > 0);
    }

    @Test
    @DisplayName("the goal is judged on the averaged ratio, not on the single noisy pair")
    void goalUsesTheAveragedColumn() {
        Floor noisyHigh = new Floor(1.5, 1.0), good = new Floor(1.1, 1.0), bad = new Floor(1.3, 1.0);
        assertTrue(new QualityReport.Row(Dataset.SPIRAL, noisyHigh, good, 0.1, 1, 1).meetsGoal());
        assertFalse(new QualityReport.Row(Dataset.SPIRAL, good, bad, 0.1, 1, 1).meetsGoal());
        assertTrue(new QualityReport.Row(Dataset.SPIRAL, bad, new Floor(QualityReport.GOAL, 1.0), 0.1, 1, 1).meetsGoal());
    }

    @Test
    @DisplayName("the standard error of the ratio follows the delta method (by hand)")
    void standardErrorByHand() {
        // value: mean 2, s² = 0.5, K = 2 → 0.5/(2·4) = 1/16; floor: mean 1, s² = 0.04, P = 3 → 0.04/3
        double se = QualityReport.standardError(new double[] {1.5, 2.5}, new double[] {0.8, 1.0, 1.2});
        assertEquals(2 * Math.sqrt(1.0 / 16 + 0.04 / 3), se, 1e-12);
        assertEquals(0.0, QualityReport.standardError(new double[] {2, 2}, new double[] {1, 1}), 0.0);
    }

    @Test
    @DisplayName("fewer than two generated sets, or more sets than real pairs, are rejected")
    void badSizes() {
        assertThrows(IllegalArgumentException.class, () -> QualityReport.evaluate(Recipe.NOTEBOOK, Dataset.MOONS, 1, 1, 1, 4));
        assertThrows(IllegalArgumentException.class, () -> QualityReport.evaluate(Recipe.NOTEBOOK, Dataset.MOONS, 1, 1, 5, 4));
    }

    @Test
    @DisplayName("a bad option value exits 2 naming the option, the value and the valid choices, before any training")
    void badValuesExit2() {
        assertUsageError("--recipe fancy is invalid: must be one of " + Recipe.validNames(), "--recipe", "fancy");
        assertUsageError("--datasets donut is invalid: must be one of " + Dataset.validNames(), "--datasets", "moons,donut");
        assertUsageError("--steps 0 is invalid: must be >= 1", "--steps", "0");
        assertUsageError("Invalid value for option '--seed': 'x' is not a long", "--seed", "x");
        assertUsageError("Unknown options: '--step', '10'", "--step", "10");
    }

    private static void assertUsageError(String expected, String... args) {
        StringWriter err = new StringWriter();
        CommandLine cmd = new CommandLine(new QualityReport.Cli());
        cmd.setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(err, true));
        assertEquals(2, cmd.execute(args), err.toString());
        assertTrue(err.toString().contains(expected), err.toString());
    }
}
