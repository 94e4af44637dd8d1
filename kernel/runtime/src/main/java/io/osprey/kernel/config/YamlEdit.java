package io.osprey.kernel.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sets keys in the text of a YAML config file line by line, so that everything else in the file stays as written:
 * comments (also one after a changed value on the same line), blank lines, key order, quoting and the other
 * sections. A changed key keeps its line; a new key is added at the end of its section (a missing section is added
 * at the end of its parent); a key set to {@code null} is removed with its nested lines. Values are written in JSON
 * flow style, which YAML reads unchanged ({@code 3000}, {@code "fmp4"}, {@code ["rec"]}).
 *
 * <p>The edit is checked by parsing the result: if the edited section does not read back as intended (flow-style
 * sections, anchors, multi-document files), the whole file is written from the parsed tree instead, and its
 * comments are lost; {@link Result#commentsKept()} says which happened. Stateless; thread-safe.
 */
public final class YamlEdit {

    private static final Pattern KEY = Pattern.compile("^( *)([^#\\s][^:#]*?|\"[^\"]*\"|'[^']*'):(?:\\s+(.*))?$");

    /** The new text, and whether it was an in-place edit (comments kept) or a rewrite. */
    public record Result(String text, boolean commentsKept) {
    }

    private YamlEdit() {
    }

    /**
     * Sets {@code changes} (keys relative to {@code section}, dotted for nested keys; a {@code null} or
     * {@code NullNode} value removes the key) under the dotted {@code section} path (e.g. {@code plugins.hls}).
     */
    public static Result set(String text, String section, Map<String, JsonNode> changes) throws IOException {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        ObjectNode expected = parse(text);
        boolean ok = true;
        for (Map.Entry<String, JsonNode> c : changes.entrySet()) {
            String[] path = (section + "." + c.getKey()).split("\\.");
            JsonNode v = c.getValue() == null || c.getValue().isNull() ? null : c.getValue();
            apply(expected, path, v);
            ok &= edit(lines, path, v);
        }
        String edited = String.join("\n", lines) + "\n";
        if (ok) {
            try {
                if (parse(edited).equals(expected)) {
                    return new Result(edited, true);
                }
            } catch (JsonProcessingException e) {
                // fall through to the rewrite
            }
        }
        return new Result(ConfigLoader.YAML.writeValueAsString(expected).replaceFirst("^---\\s*\n", ""), false);
    }

    private static ObjectNode parse(String text) throws IOException {
        JsonNode n = text.isBlank() ? null : ConfigLoader.YAML.readTree(text);
        if (n == null || n.isNull() || n.isMissingNode()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!n.isObject()) {
            throw new IOException("the top level is not a map of sections");
        }
        return (ObjectNode) n;
    }

    private static void apply(ObjectNode tree, String[] path, JsonNode v) {
        ObjectNode n = tree;
        for (int i = 0; i < path.length - 1; i++) {
            JsonNode c = n.get(path[i]);
            if (!(c instanceof ObjectNode)) {
                if (v == null) {
                    return;
                }
                c = n.putObject(path[i]);
            }
            n = (ObjectNode) c;
        }
        if (v == null) {
            n.remove(path[path.length - 1]);
        } else {
            n.set(path[path.length - 1], v);
        }
    }

    /** Edits {@code lines} in place; false when the file's shape is beyond a line edit. */
    private static boolean edit(List<String> lines, String[] path, JsonNode v) throws JsonProcessingException {
        int from = 0;
        int to = lines.size();
        int indent = -1; // of the parent key; -1 for the top level
        for (int depth = 0; depth < path.length; depth++) {
            boolean last = depth == path.length - 1;
            int childIndent = childIndent(lines, from, to, indent);
            int at = find(lines, from, to, childIndent, path[depth]);
            if (at < 0) {
                if (v == null) {
                    return true; // nothing to remove
                }
                int insert = endOfContent(lines, from, to);
                StringBuilder b = new StringBuilder();
                for (int d = depth; d < path.length; d++) {
                    int ind = childIndent + 2 * (d - depth);
                    String line = " ".repeat(ind) + path[d] + ":"
                            + (d == path.length - 1 ? " " + flow(v) : "");
                    lines.add(insert++, line);
                }
                return true;
            }
            Matcher m = KEY.matcher(lines.get(at));
            m.matches();
            int end = blockEnd(lines, at, childIndent, to);
            if (last) {
                for (int i = end - 1; i > at; i--) {
                    lines.remove(i);
                }
                if (v == null) {
                    lines.remove(at);
                } else {
                    lines.set(at, " ".repeat(childIndent) + m.group(2) + ": " + flow(v) + comment(m.group(3)));
                }
                return true;
            }
            String rest = m.group(3) == null ? "" : m.group(3).trim();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                return false; // a flow-style section ({ a: 1 }): not edited line by line
            }
            from = at + 1;
            to = end;
            indent = childIndent;
        }
        return false;
    }

    /** The indent of the keys inside a block: that of its first key line, or the parent's plus two. */
    private static int childIndent(List<String> lines, int from, int to, int parentIndent) {
        for (int i = from; i < to; i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.trim().startsWith("#")) {
                continue;
            }
            return indentOf(l);
        }
        return parentIndent < 0 ? 0 : parentIndent + 2;
    }

    private static int find(List<String> lines, int from, int to, int indent, String key) {
        for (int i = from; i < to; i++) {
            Matcher m = KEY.matcher(lines.get(i));
            if (m.matches() && m.group(1).length() == indent && unquote(m.group(2).trim()).equals(key)) {
                return i;
            }
        }
        return -1;
    }

    /** The line after the last line of the block that starts at {@code at} (deeper lines, blank lines, comments). */
    private static int blockEnd(List<String> lines, int at, int indent, int to) {
        int lastContent = at;
        for (int i = at + 1; i < to; i++) {
            String l = lines.get(i);
            if (l.isBlank() || l.trim().startsWith("#")) {
                continue;
            }
            if (indentOf(l) <= indent && !l.trim().startsWith("- ") || indentOf(l) < indent) {
                break;
            }
            lastContent = i;
        }
        return lastContent + 1;
    }

    /** After the last key line of a block; the block's end when it has only comments. */
    private static int endOfContent(List<String> lines, int from, int to) {
        int end = to;
        boolean any = false;
        for (int i = from; i < to; i++) {
            String l = lines.get(i);
            if (!l.isBlank() && !l.trim().startsWith("#")) {
                end = i + 1;
                any = true;
            }
        }
        return any ? end : to;
    }

    private static int indentOf(String l) {
        int i = 0;
        while (i < l.length() && l.charAt(i) == ' ') {
            i++;
        }
        return i;
    }

    /** A comment after the old value ({@code 2000   # two seconds}), kept after the new one. */
    private static String comment(String value) {
        if (value == null) {
            return "";
        }
        String v = value;
        int start = 0;
        if (v.startsWith("\"") || v.startsWith("'")) {
            int close = v.indexOf(v.charAt(0), 1);
            start = close < 0 ? v.length() : close + 1;
        }
        int hash = v.indexOf(" #", start);
        if (v.startsWith("#")) {
            return "  " + v;
        }
        if (hash < 0) {
            return "";
        }
        while (hash > start && v.charAt(hash - 1) == ' ') {
            hash--; // the spacing before the comment is kept as written
        }
        return v.substring(hash);
    }

    private static String unquote(String k) {
        if (k.length() >= 2 && (k.startsWith("\"") && k.endsWith("\"") || k.startsWith("'") && k.endsWith("'"))) {
            return k.substring(1, k.length() - 1);
        }
        return k;
    }

    private static String flow(JsonNode v) throws JsonProcessingException {
        return ConfigBinder.MAPPER.writeValueAsString(v);
    }
}
