package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SecretLinesTest {

    @Test
    @DisplayName("region lines are secret wherever they show up, re-spaced or re-indented; open text and trivial lines are not")
    void regions() {
        SecretLines s = new SecretLines();
        s.addRegions("Sums.java", String.join("\n",
                "double mean() {",
                "    // BEGIN SOLUTION throw new UnsupportedOperationException(\"TODO 1.2: mean\");",
                "    double total = sum(values) / values.length;",
                "    return total;",
                "    for (int i = 0; i < n; i++) {",
                "    double shared = values[0] * values[1];",
                "    // END SOLUTION",
                "}"));
        assertEquals("Sums.java:3", s.originOf("double total=sum(values)/values.length;"));
        assertNull(s.originOf("return total;"), "short");
        assertFalse(s.contains("for (int i = 0; i < n; i++) {"), "a loop header is boilerplate");
        assertFalse(s.contains("throw new UnsupportedOperationException(\"TODO 1.2: mean\");"), "the stub is not inside");
        assertTrue(s.contains("  double shared = values[0] * values[1];"));
        s.forget("x\n        double shared = values[0] * values[1];\n");
        assertFalse(s.contains("double shared = values[0] * values[1];"), "students get it elsewhere");
    }

    @Test
    @DisplayName("text() reads UTF-8 text and refuses binary files")
    void text() {
        assertEquals("ᾱ_t\n", SecretLines.text("ᾱ_t\n".getBytes(StandardCharsets.UTF_8)));
        assertNull(SecretLines.text(new byte[] {'a', 0, 'b'}));
        assertNull(SecretLines.text(new byte[] {(byte) 0xC3, (byte) 0x28}));
    }
}
