package org.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    @DisplayName("an untrained model misses the goal by far, and the floor is a real-vs-real distance near 0")
    void untrainedModelMisses() {
        QualityReport.Row row = QualityReport.evaluate(Recipe.NOTEBOOK, Dataset.TWO_GAUSSIANS, 1, 7);
        assertEquals(Dataset.TWO_GAUSSIANS, row.dataset());
        // 2000 vs 2000 real points of the blobs: SW ≈ 0.01–0.02; an untrained ε̂ ≈ 0 leaves a blurred cloud
        assertTrue(row.quality().floor() > 0 && row.quality().floor() < 0.05, "floor " + row.quality().floor());
        assertTrue(row.averaged().floor() > 0 && row.averaged().floor() < 0.05, "averaged floor " + row.averaged().floor());
        assertTrue(row.quality().ratio() > 5, "ratio " + row.quality().ratio());
        assertTrue(row.averaged().ratio() > 5, "averaged ratio " + row.averaged().ratio());
        assertTrue(row.generatedAveraged().ratio() > 5, "ratio averaged over generated sets " + row.generatedAveraged().ratio());
        // both averages divide by the same mean real-vs-real floor
        assertEquals(row.averaged().floor(), row.generatedAveraged().floor(), 0.0);
        assertFalse(row.meetsGoal());
        assertTrue(row.trainSeconds() >= 0 && row.sampleSeconds() > 0);
    }

    @Test
    @DisplayName("the goal is judged on the column averaged over real pairs and generated sets, not on one noisy pair")
    void goalUsesTheAveragedColumn() {
        Floor noisyHigh = new Floor(1.5, 1.0), good = new Floor(1.1, 1.0), bad = new Floor(1.3, 1.0);
        assertTrue(new QualityReport.Row(Dataset.SPIRAL, noisyHigh, noisyHigh, good, 1, 1).meetsGoal());
        assertFalse(new QualityReport.Row(Dataset.SPIRAL, good, good, bad, 1, 1).meetsGoal());
        assertTrue(new QualityReport.Row(Dataset.SPIRAL, bad, bad, new Floor(QualityReport.GOAL, 1.0), 1, 1).meetsGoal());
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
