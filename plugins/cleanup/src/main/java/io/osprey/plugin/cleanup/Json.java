package io.osprey.plugin.cleanup;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders maps, lists, strings, numbers and booleans as JSON (RFC 8259); enough for the reports. */
final class Json {
    private Json() {
    }

    static String render(Object value) {
        StringBuilder b = new StringBuilder(256);
        write(b, value, 0);
        return b.append('\n').toString();
    }

    private static void write(StringBuilder b, Object v, int depth) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof Boolean || v instanceof Integer || v instanceof Long) {
            b.append(v);
        } else if (v instanceof Number n) {
            double d = n.doubleValue();
            b.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
        } else if (v instanceof Map<?, ?> m) {
            b.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                indent(b, depth + 1);
                string(b, String.valueOf(e.getKey()));
                b.append(": ");
                write(b, e.getValue(), depth + 1);
                if (it.hasNext()) {
                    b.append(',');
                }
            }
            if (!m.isEmpty()) {
                indent(b, depth);
            }
            b.append('}');
        } else if (v instanceof List<?> l) {
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                indent(b, depth + 1);
                write(b, l.get(i), depth + 1);
                if (i + 1 < l.size()) {
                    b.append(',');
                }
            }
            if (!l.isEmpty()) {
                indent(b, depth);
            }
            b.append(']');
        } else {
            string(b, v.toString());
        }
    }

    private static void indent(StringBuilder b, int depth) {
        b.append('\n');
        for (int i = 0; i < depth; i++) {
            b.append("  ");
        }
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
