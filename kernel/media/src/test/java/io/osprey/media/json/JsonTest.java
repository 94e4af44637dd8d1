package io.osprey.media.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    private static Map<String, Object> sample() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stream", "live/a\"b");
        m.put("size", 145661L);
        m.put("duration", 2.02);
        m.put("open", false);
        m.put("sets", Map.of());
        m.put("tracks", List.of("h264", "aac"));
        m.put("none", null);
        return m;
    }

    @Test
    void writesCompactGoldenText() {
        assertEquals("{\"stream\":\"live/a\\\"b\",\"size\":145661,\"duration\":2.02,\"open\":false,\"sets\":{},"
                + "\"tracks\":[\"h264\",\"aac\"],\"none\":null}", Json.write(sample()));
        assertEquals("\"a&b\\u0001\\n\"", Json.write("a&b\u0001\n"), "control characters escaped, the rest as is");
        assertEquals("[null,3]", Json.write(List.of(Double.NaN, 3.0)));
    }

    @Test
    void writesIndentedGoldenText() {
        assertEquals("""
                {
                  "stream": "live/a\\"b",
                  "size": 145661,
                  "duration": 2.020,
                  "open": false,
                  "sets": {},
                  "tracks": [
                    "h264",
                    "aac"
                  ],
                  "none": null
                }
                """, Json.pretty(sample()));
    }

    @Test
    void parsesWhatItWrites() {
        Object back = Json.parse(Json.write(sample()));
        assertTrue(back instanceof Map<?, ?>);
        Map<?, ?> m = (Map<?, ?>) back;
        assertEquals("live/a\"b", m.get("stream"));
        assertEquals(145661.0, m.get("size"));
        assertEquals(List.of("h264", "aac"), m.get("tracks"));
        assertEquals(Json.write(sample()), Json.write(Json.parse(Json.pretty(sample()))).replace("2.02", "2.02"));
    }

    @Test
    void badInputFailsWithTheOffset() {
        for (String bad : List.of("", "{", "{\"a\":}", "[1,]", "\"\\x\"", "\"\\u12g4\"", "tru", "1 2", "{\"a\" 1}", "[".repeat(100))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isEmpty(), bad);
        }
    }
}
