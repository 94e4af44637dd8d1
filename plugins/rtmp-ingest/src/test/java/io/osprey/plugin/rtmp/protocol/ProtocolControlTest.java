package io.osprey.plugin.rtmp.protocol;

import static io.osprey.plugin.rtmp.protocol.Bytes.array;
import static io.osprey.plugin.rtmp.protocol.Bytes.hex;
import static io.osprey.plugin.rtmp.protocol.Bytes.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Golden payloads of 5.4 and 7.1.7, and the chunk bytes of one control message end to end. */
class ProtocolControlTest {

    private static void assertControl(RtmpMessage m, int type, String payloadHex) {
        assertEquals(2, m.csid());          // 5.4: chunk stream id 2
        assertEquals(0, m.streamId());      // 5.4: message stream id 0
        assertEquals(0, m.timestamp());
        assertEquals(type, m.type());
        assertEquals(0, m.payload().position());
        assertArrayEquals(hex(payloadHex), array(m.payload()));
    }

    @Test
    void protocolControlMessages() {
        assertControl(ProtocolControl.setChunkSize(4096), 1, "00001000");        // 5.4.1: 0 bit + 31-bit size
        assertControl(ProtocolControl.abort(6), 2, "00000006");                  // 5.4.2: chunk stream id
        assertControl(ProtocolControl.acknowledgement(0xFFFFFFFFL), 3, "ffffffff"); // 5.4.3: sequence number
        assertControl(ProtocolControl.windowAckSize(2_500_000), 5, "002625a0");  // 5.4.4: window size
        assertControl(ProtocolControl.setPeerBandwidth(2_500_000, ProtocolControl.LIMIT_DYNAMIC), 6,
                "002625a0 02");                                                   // 5.4.5: size, limit type
    }

    @Test
    void userControlMessages() {
        // 7.1.7: event type 2 bytes, then event data
        assertControl(ProtocolControl.streamBegin(1), 4, "0000 00000001");
        assertControl(ProtocolControl.streamEof(1), 4, "0001 00000001");
        assertControl(ProtocolControl.streamDry(1), 4, "0002 00000001");
        assertControl(ProtocolControl.setBufferLength(1, 3000), 4, "0003 00000001 00000bb8");
        assertControl(ProtocolControl.streamIsRecorded(1), 4, "0004 00000001");
        assertControl(ProtocolControl.pingRequest(0xFFFFFFFEL), 4, "0006 fffffffe");
        assertControl(ProtocolControl.pingResponse(16), 4, "0007 00000010");
    }

    @Test
    void setChunkSizeOnTheWire() {
        assertArrayEquals(hex("02", "000000", "000004", "01", "00000000", "00001000"),
                array(new ChunkEncoder().encode(ProtocolControl.setChunkSize(4096))));
    }

    @Test
    void parsesIncomingControlPayloads() throws Exception {
        assertEquals(0xFFFFFFFFL, ProtocolControl.readUInt32(message(2, 3, 0, 0, hex("ffffffff"))));
        assertEquals(new ProtocolControl.UserControl(3, 1, 3000),
                ProtocolControl.parseUserControl(ProtocolControl.setBufferLength(1, 3000)));
        assertEquals(new ProtocolControl.UserControl(6, 0xFFFFFFFEL, 0),
                ProtocolControl.parseUserControl(ProtocolControl.pingRequest(0xFFFFFFFEL)));
        assertEquals(new ProtocolControl.UserControl(32, 0, 0),    // unknown event: the type alone is enough
                ProtocolControl.parseUserControl(message(2, 4, 0, 0, hex("0020"))));
        assertThrows(RtmpProtocolException.class,
                () -> ProtocolControl.parseUserControl(message(2, 4, 0, 0, hex("0003 00000001"))));
        assertThrows(RtmpProtocolException.class,
                () -> ProtocolControl.parseUserControl(message(2, 4, 0, 0, hex("0006 0000"))));
        assertThrows(RtmpProtocolException.class, () -> ProtocolControl.readUInt32(message(2, 3, 0, 0, hex("00"))));
    }
}
