package org.diffusionlab.cli;

import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal JSON writer for {@code metrics.json}: maps (keys in insertion order), numbers
 * (non-finite ones as null, which JSON has no other way to say), strings, booleans, null,
 * {@code double[]} and {@code int[]}.
 */
final class JsonText {

    private JsonText() {}

    static String of(Object value) {
        StringBuilder s = new StringBuilder();
        write(s, value, "");
        return s.toString();
    }

    private static void write(StringBuilder s, Object v, String indent) {
        if (v == null) {
            s.append("null");
        } else if (v instanceof Map<?, ?> map) {
            s.append("{\n");
            Iterator<? extends Map.Entry<?, ?>> it = map.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                s.append(indent).append("  ");
                string(s, String.valueOf(e.getKey()));
                s.append(": ");
                write(s, e.getValue(), indent + "  ");
                s.append(it.hasNext() ? ",\n" : "\n");
            }
            s.append(indent).append('}');
        } else if (v instanceof double[] a) {
            s.append('[');
            for (int i = 0; i < a.length; i++) {
                if (i > 0) s.append(", ");
                write(s, a[i], indent);
            }
            s.append(']');
        } else if (v instanceof int[] a) {
            s.append('[');
            for (int i = 0; i < a.length; i++) s.append(i > 0 ? ", " : "").append(a[i]);
            s.append(']');
        } else if (v instanceof Double d) {
            s.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.6g", d) : "null");
        } else if (v instanceof Number || v instanceof Boolean) {
            s.append(v);
        } else {
            string(s, v.toString());
        }
    }

    private static void string(StringBuilder s, String text) {
        s.append('"');
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> {
                    if (c < 0x20) s.append(String.format("\\u%04x", (int) c));
                    else s.append(c);
                }
            }
        }
        s.append('"');
    }
}
