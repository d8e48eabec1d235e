package org.diffusionlab.grading;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    @DisplayName("quote escapes quotes, backslashes and control characters and keeps unicode")
    void quote() {
        assertEquals("\"a\\\"b\\\\c\"", Json.quote("a\"b\\c"));
        assertEquals("\"\\n\\r\\t\\b\\f\\u0000\\u001f\"", Json.quote("\n\r\t\b\f\u0000\u001f"));
        assertEquals("\"ᾱ — 😀 /\"", Json.quote("ᾱ — 😀 /"));
    }

    @Test
    @DisplayName("every string survives quote then parse")
    void roundTrip() {
        String nasty = "x\"\\\n\t\u0001ᾱ😀\u007f\u2028 </script>";
        assertEquals(nasty, Json.parse(Json.quote(nasty)));
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x300; c++) {
            all.append(c);
        }
        assertEquals(all.toString(), Json.parse(Json.quote(all.toString())));
    }

    @Test
    @DisplayName("parse reads objects, arrays, numbers, literals and \\u escapes")
    void parse() {
        Object v = Json.parse(" {\"a\": [1, -2.5e1, true, false, null], \"b\": {}, \"c\": \"\\u00e9\\/\"} ");
        assertEquals(Map.of("a", java.util.Arrays.asList(1.0, -25.0, true, false, null), "b", Map.of(), "c", "é/"), v);
        assertEquals(List.of(), Json.parse("[]"));
    }

    @Test
    @DisplayName("parse rejects invalid JSON with the offset")
    void invalid() {
        for (String bad : new String[] {"{", "[1,]", "{\"a\" 1}", "\"\n\"", "01", "tru", "1 2", "\"\\x\"", "\"\\u12\""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("invalid JSON at offset "), e.getMessage());
        }
    }

    @Test
    @DisplayName("scores print without a needless fraction")
    void numbers() {
        assertEquals("2", Json.number(2.0));
        assertEquals("0.5", Json.number(0.5));
        assertEquals("13.5", Json.number(13.5));
        assertEquals("0.3333", Json.number(1.0 / 3));
        assertEquals("-1", Json.number(-1));
        assertThrows(IllegalArgumentException.class, () -> Json.number(Double.NaN));
    }

    @Test
    @DisplayName("a report with a lone surrogate in a message is still written as valid UTF-8 JSON")
    void loneSurrogate(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws java.io.IOException {
        GradeResult r = new GradeResult("spiral", "1.1", "broken \ud800 name", 1, false, "visible", Outcome.FAILED,
                "bad \udc00", "bad \udc00", List.of());
        new GradeReport(List.of(r)).writeTo(dir);
        Object parsed = Json.parse(java.nio.file.Files.readString(dir.resolve("results.json")));
        assertEquals(true, parsed.toString().contains("broken ? name"), parsed.toString());
    }
}
