package io.osprey.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Line edits of a config file: the changed values, and nothing else, change. */
class YamlEditTest {

    private static final String FILE = """
            # Osprey config
            server:
              http:
                port: 8080   # the web port

            plugins:
              hls:
                # how long a segment is
                segmentMs: 2000   # two seconds
                apps:
                  ll: { format: fmp4 }
              httpflv:
                record:
                  apps:
                    - rec
                    - other
                  enabled: true
            """;

    private static Map<String, JsonNode> changes(Object... kv) {
        Map<String, JsonNode> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (JsonNode) kv[i + 1]);
        }
        return m;
    }

    @Test
    void aChangedValueKeepsItsLineAndComment() throws Exception {
        YamlEdit.Result r = YamlEdit.set(FILE, "plugins.hls", changes("segmentMs", IntNode.valueOf(4000)));
        assertTrue(r.commentsKept());
        assertEquals(FILE.replace("segmentMs: 2000   # two seconds", "segmentMs: 4000   # two seconds"), r.text());
    }

    @Test
    void newKeysGoAtTheEndOfTheirSectionAndMissingSectionsAreAdded() throws Exception {
        YamlEdit.Result r = YamlEdit.set(FILE, "plugins.hls", changes("window", IntNode.valueOf(8),
                "format", TextNode.valueOf("fmp4")));
        assertTrue(r.commentsKept());
        assertTrue(r.text().contains("      ll: { format: fmp4 }\n    window: 8\n    format: \"fmp4\"\n  httpflv:"),
                r.text());
        r = YamlEdit.set(FILE, "plugins.fmp4-recorder", changes("mode", TextNode.valueOf("both")));
        assertTrue(r.text().endsWith("      enabled: true\n  fmp4-recorder:\n    mode: \"both\"\n"), r.text());
        r = YamlEdit.set("# nothing yet\n", "plugins.hls", changes("segmentMs", IntNode.valueOf(3000)));
        assertEquals("# nothing yet\nplugins:\n  hls:\n    segmentMs: 3000\n", r.text());
    }

    @Test
    void aBlockValueIsReplacedWholeAndNullRemovesAKey() throws Exception {
        YamlEdit.Result r = YamlEdit.set(FILE, "plugins.httpflv", changes("record.apps",
                JsonNodeFactory.instance.arrayNode().add("live")));
        assertTrue(r.commentsKept());
        assertTrue(r.text().contains("    record:\n      apps: [\"live\"]\n      enabled: true\n"), r.text());
        r = YamlEdit.set(FILE, "plugins.hls", changes("segmentMs", NullNode.instance));
        assertFalse(r.text().contains("segmentMs"), r.text());
        assertTrue(r.text().contains("# how long a segment is"), r.text());
    }

    @Test
    void aFlowStyleSectionIsRewrittenAndSaysSo() throws Exception {
        String flow = "# comment\nplugins: { hls: { segmentMs: 2000 } }\n";
        YamlEdit.Result r = YamlEdit.set(flow, "plugins.hls", changes("segmentMs", IntNode.valueOf(4000)));
        assertFalse(r.commentsKept());
        assertEquals(4000, ConfigLoader.YAML.readTree(r.text()).path("plugins").path("hls").path("segmentMs").asInt());
    }
}
