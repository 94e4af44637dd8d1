package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.media.amf0.Amf0Object;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.plugin.rtmp.protocol.RtmpProtocolException;
import io.osprey.spi.bus.StreamKey;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Commands read from arbitrary AMF0 (HOSTILE-INPUTS C1-C10) only ever give values or a clean
 * {@link RtmpProtocolException}; names and queries stay bounded. The normal build replays CommandFuzzTestInputs/.
 */
class CommandFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void parse(byte[] data) {
        Command c;
        try {
            c = Command.parse(ByteBuffer.wrap(data));
        } catch (RtmpProtocolException e) {
            return;
        }
        assertTrue(!Double.isNaN(c.txId()) && !Double.isInfinite(c.txId()));
        try {
            String app = c.app();
            Map<String, String> params = new HashMap<>();
            StreamKey.isValidPart(Command.splitQuery(app, params));
            assertTrue(params.size() <= Command.MAX_PARAMS);
        } catch (RtmpProtocolException e) {
            assertEquals("connect without an app", e.getMessage());
        }
        String tcUrl = c.tcUrl();
        if (tcUrl != null) {
            Command.parseQuery(tcUrl, new HashMap<>());
        }
        try {
            String raw = c.streamName();
            Map<String, String> params = new HashMap<>();
            String name = Command.splitQuery(raw, params);
            assertTrue(params.size() <= Command.MAX_PARAMS);
            assertTrue(Command.abbreviate(name).length() <= 67);
        } catch (RtmpProtocolException e) {
            assertTrue(e.getMessage().endsWith("without a stream name"));
        }
    }

    @Test
    void typicalCommandsReadBack() throws Exception {
        Command connect = Command.parse(ByteBuffer.wrap(Amf0Writer.encode("connect", 1.0,
                new Amf0Object().with("app", "live?token=t").with("tcUrl", "rtmp://h/live?x=1"))));
        assertEquals("connect", connect.name());
        assertEquals(1.0, connect.txId());
        assertEquals("live?token=t", connect.app());
        Map<String, String> params = new HashMap<>();
        assertEquals("live", Command.splitQuery(connect.app(), params));
        assertEquals(Map.of("token", "t"), params);
        Command publish = Command.parse(ByteBuffer.wrap(Amf0Writer.encode("publish", Double.NaN, null, "cam",
                "live")));
        assertEquals(0.0, publish.txId());
        assertEquals("cam", publish.streamName());
        assertEquals(List.of("publish", Double.NaN, "cam", "live").size() + 1, publish.values().size());
    }

    @Test
    void wirecastsFalseStreamNameIsACleanRejection() {
        Command c;
        try {
            c = Command.parse(ByteBuffer.wrap(Amf0Writer.encode("publish", 5.0, null, false, "live")));
            c.streamName();
        } catch (RtmpProtocolException e) {
            assertEquals("publish without a stream name", e.getMessage());
            return;
        }
        throw new AssertionError("accepted a boolean stream name");
    }
}
