package org.diffusionlab.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ImageReportTest {

    @Test
    @DisplayName("a two-step report prints one row per sampler and exits 2 because the untrained model misses the bars")
    void tinyReport() {
        PrintStream old = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            status = ImageReport.run(new String[] {"--steps", "2", "--samples", "20", "--timesteps", "6"});
        } finally {
            System.setOut(old);
        }
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(2, status, out);
        for (ImageReport.Row row : ImageReport.ROWS) assertTrue(out.contains("| " + row.name() + " |"), row.name() + " in " + out);
        assertTrue(out.contains("MISSED"), out);
    }
}
