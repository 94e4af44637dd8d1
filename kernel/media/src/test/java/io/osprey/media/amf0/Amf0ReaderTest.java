package io.osprey.media.amf0;

import static io.osprey.media.amf0.Bytes.ascii;
import static io.osprey.media.amf0.Bytes.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class Amf0ReaderTest {

    /** The {@code connect} command ffmpeg (rtmpproto.c, publishing) sends, field by field. */
    static final byte[] FFMPEG_CONNECT = Bytes.cat(
            "02 0007", ascii("connect"),                         // string marker, U16 length 7, "connect"
            "00 3FF0000000000000",                               // number marker, transaction id 1.0
            "03",                                                // object marker
            "0003", ascii("app"), "02 0004", ascii("live"),      // app: "live"
            "0004", ascii("type"), "02 000A", ascii("nonprivate"),
            "0008", ascii("flashVer"), "02 0023", ascii("FMLE/3.0 (compatible; Lavf61.7.100)"),
            "0005", ascii("tcUrl"), "02 001A", ascii("rtmp://localhost:1935/live"),
            "0000 09");                                          // UTF-8-empty, object-end marker

    @Test
    void decodesFfmpegConnect() throws Exception {
        ByteBuffer in = ByteBuffer.wrap(FFMPEG_CONNECT);
        Amf0Reader r = new Amf0Reader(in);
        assertEquals("connect", r.readString());
        assertEquals(1, r.readInt(0, Integer.MAX_VALUE));
        Amf0Object props = assertInstanceOf(Amf0Object.class, r.read());
        assertNull(props.className());
        assertEquals(List.of("app", "type", "flashVer", "tcUrl"), List.copyOf(props.keySet()));
        assertEquals("live", props.get("app"));
        assertEquals("FMLE/3.0 (compatible; Lavf61.7.100)", props.get("flashVer"));
        assertEquals("rtmp://localhost:1935/live", props.get("tcUrl"));
        assertFalse(r.hasRemaining());
        assertEquals(FFMPEG_CONNECT.length, in.position(), "the reader consumes the buffer's position");
    }

    @Test
    void decodesEveryScalarType() throws Exception {
        List<Object> values = Amf0Reader.decodeAll(buf(
                "00 C00C000000000000",          // number -3.5
                "01 00", "01 7F",               // boolean false, boolean true (<> 0 is true)
                "02 0000",                      // empty string
                "0C 00000003", ascii("abc"),    // long string "abc"
                "05", "06",                     // null, undefined
                "0B 4272CE3A5B6A0000 FFC4",     // date 1.29e12 ms, time zone -60
                "02 0004 C3A9C3A9"));           // UTF-8 "éé"
        assertEquals(-3.5, values.get(0));
        assertEquals(false, values.get(1));
        assertEquals(true, values.get(2));
        assertEquals("", values.get(3));
        assertEquals("abc", values.get(4));
        assertNull(values.get(5));
        assertSame(Amf0.UNDEFINED, values.get(6));
        assertEquals(new Amf0Date(Double.longBitsToDouble(0x4272CE3A5B6A0000L), (short) -60), values.get(7));
        assertEquals("\u00e9\u00e9", values.get(8));
    }

    /** onMetaData as ffmpeg's flvenc writes it: an ECMA array with a count, ended by 00 00 09. */
    @Test
    void decodesEcmaArrayAndStrictArrayAndTypedObject() throws Exception {
        List<Object> values = Amf0Reader.decodeAll(buf(
                "02 000A", ascii("onMetaData"),
                "08 00000002",                                     // ECMA array, count hint 2
                "0005", ascii("width"), "00 4094000000000000",     // width 1280.0
                "000C", ascii("videocodecid"), "00 401C000000000000", // 7.0 (AVC)
                "0000 09",
                "0A 00000002 00 3FF0000000000000 05",              // strict array [1.0, null]
                "10 0003", ascii("Foo"), "0001", ascii("x"), "01 01", "0000 09")); // typed object Foo {x: true}
        Amf0EcmaArray meta = assertInstanceOf(Amf0EcmaArray.class, values.get(1));
        assertEquals(Map.of("width", 1280.0, "videocodecid", 7.0), meta);
        assertEquals(java.util.Arrays.asList(1.0, null), values.get(2));
        Amf0Object foo = assertInstanceOf(Amf0Object.class, values.get(3));
        assertEquals("Foo", foo.className());
        assertEquals(Map.of("x", true), foo);
    }

    @Test
    void ecmaArrayCountIsOnlyAHint() throws Exception {
        // count says 0 (a common encoder bug) but two properties follow; and count 0xFFFFFFFF with none
        assertEquals(Map.of("a", 1.0, "b", 2.0), new Amf0Reader(buf("08 00000000",
                "0001 61 00 3FF0000000000000", "0001 62 00 4000000000000000", "0000 09")).read());
        assertEquals(Map.of(), new Amf0Reader(buf("08 FFFFFFFF 0000 09")).read());
    }

    @Test
    void emptyPropertyNameWithAValueIsAProperty() throws Exception {
        assertEquals(Map.of("", 1.0), new Amf0Reader(buf("03 0000 00 3FF0000000000000 0000 09")).read());
    }

    @Test
    void readsBigEndianFromALittleEndianBufferWithoutChangingItsOrder() throws Exception {
        ByteBuffer in = buf("00 3FF0000000000000").order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1.0, new Amf0Reader(in).read());
        assertEquals(ByteOrder.LITTLE_ENDIAN, in.order());
    }

    @Test
    void readsFromTheBufferPositionToItsLimit() throws Exception {
        ByteBuffer in = buf("FF FF 05 01 01 FF");
        in.position(2).limit(5);
        assertEquals(java.util.Arrays.asList(null, true), Amf0Reader.decodeAll(in));
        assertEquals(5, in.position());
    }

    @Test
    void numbersConvertToIntsOnlyWhenIntegralAndInRange() throws Exception {
        // HOSTILE-INPUTS C9: NaN, +-Inf, -0.0, 1e300, 2^53+1 as transaction or stream id
        assertEquals(0, Amf0Reader.toInt(-0.0, 0, 10));
        assertEquals(7, Amf0Reader.toInt(7.0, 0, 10));
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e300,
                9007199254740993.0, 1.5, -1, 11}) {
            assertThrows(Amf0Exception.class, () -> Amf0Reader.toInt(bad, 0, 10), () -> "accepted " + bad);
        }
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("00 7FF8000000000000")).readInt(0, 10));
    }

    @Test
    void typedReadsRejectOtherTypes() throws Exception {
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("05")).readString());
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("02 0001 61")).readNumber());
        assertTrue(assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("")).readString()).getMessage()
                .contains("end of the data"));
        assertTrue(new Amf0Reader(buf("")).readAll().isEmpty());
    }
}
