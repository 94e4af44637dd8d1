package io.osprey.plugin.rtmp.protocol;

import static io.osprey.plugin.rtmp.protocol.Bytes.hex;
import static io.osprey.plugin.rtmp.protocol.Bytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** 7.1.6 Aggregate Message, and HOSTILE-INPUTS B11. */
class AggregateTest {

    private static List<RtmpMessage> split(String... body) throws RtmpProtocolException {
        List<RtmpMessage> out = new ArrayList<>();
        Aggregate.split(message(6, MessageType.AGGREGATE, 5000, 1, hex(body)), out::add);
        return out;
    }

    @Test
    void subMessagesAreRebasedAndTakeTheAggregatesStream() throws Exception {
        assertEquals(List.of(
                message(6, 9, 5000, 1, hex("1701")),
                message(6, 8, 5010, 1, hex("af"))),
                split(
                        "09", "000002", "0003e8", "00", "000007", "1701", "0000000d", // video, ts 1000, stream 7
                        "08", "000001", "0003f2", "00", "000007", "af", "0000000c"));  // audio, ts 1010
    }

    @Test
    void extendedTimestampByteAndZeroLengthSubMessages() throws Exception {
        List<RtmpMessage> out = split(
                "09", "000000", "000000", "01", "000000", "0000000b",  // ts 0x01000000, empty body
                "09", "000000", "000010", "01", "000000", "0000000b"); // ts 0x01000010
        assertEquals(List.of(5000L, 5016L), out.stream().map(RtmpMessage::timestamp).toList());
        assertEquals(0, out.get(0).length());
        assertEquals(List.of(), split());
    }

    @Test
    void b11SubMessageLongerThanItsParentIsRejected() {
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class,
                () -> split("09", "000010", "000000", "00", "000000", "1701", "0000000d"));
        assertTrue(e.getMessage().contains("overruns"), e.getMessage());
        assertThrows(RtmpProtocolException.class,
                () -> split("09", "ffffff", "000000", "00", "000000", "1701", "0000000d"));
    }

    @Test
    void b11BackPointerMismatchIsRejected() {
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class,
                () -> split("09", "000002", "000000", "00", "000000", "1701", "0000000c"));
        assertTrue(e.getMessage().contains("back pointer"), e.getMessage());
    }

    @Test
    void b11TruncatedHeaderAndNestedAggregateAreRejected() {
        assertThrows(RtmpProtocolException.class, () -> split("09", "000002", "0000"));
        assertThrows(RtmpProtocolException.class,
                () -> split("09", "000000", "000000", "00", "000000", "0000000b", "09"));
        RtmpProtocolException e = assertThrows(RtmpProtocolException.class,
                () -> split("16", "000000", "000000", "00", "000000", "0000000b"));
        assertTrue(e.getMessage().contains("AGGREGATE"), e.getMessage());
    }
}
