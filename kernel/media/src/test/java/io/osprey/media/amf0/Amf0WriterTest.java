package io.osprey.media.amf0;

import static io.osprey.media.amf0.Bytes.ascii;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class Amf0WriterTest {

    @Test
    void encodesConnectExactlyAsFfmpegDoes() {
        Amf0Object props = new Amf0Object()
                .with("app", "live")
                .with("type", "nonprivate")
                .with("flashVer", "FMLE/3.0 (compatible; Lavf61.7.100)")
                .with("tcUrl", "rtmp://localhost:1935/live");
        assertArrayEquals(Amf0ReaderTest.FFMPEG_CONNECT, Amf0Writer.encode("connect", 1, props));
    }

    @Test
    void encodesEachTypeFieldByField() {
        assertArrayEquals(Bytes.hex("00 4059000000000000"), Amf0Writer.encode(100L));       // any Number as double
        assertArrayEquals(Bytes.hex("01 01 01 00"), Amf0Writer.encode(true, false));
        assertArrayEquals(Bytes.hex("05 06"), Amf0Writer.encode(null, Amf0.UNDEFINED));
        assertArrayEquals(Bytes.hex("0B 0000000000000000 FFC4"), Amf0Writer.encode(new Amf0Date(0, (short) -60)));
        assertArrayEquals(Bytes.cat("08 00000001 0001", ascii("a"), "05 0000 09"),
                Amf0Writer.encode(new Amf0EcmaArray().with("a", null)));
        // any other Map is an anonymous object, in the map's iteration order
        TreeMap<String, Object> sorted = new TreeMap<>();
        sorted.put("b", null);
        sorted.put("a", Amf0.UNDEFINED);
        assertArrayEquals(Bytes.cat("03 0001", ascii("a"), "06 0001", ascii("b"), "05 0000 09"),
                Amf0Writer.encode(sorted));
        assertArrayEquals(Bytes.cat("10 0003", ascii("Foo"), "0000 09"), Amf0Writer.encode(new Amf0Object("Foo")));
        assertArrayEquals(Bytes.hex("0A 00000002 05 01 01"), Amf0Writer.encode(Arrays.asList(null, true)));
    }

    @Test
    void switchesToLongStringPast65535Bytes() {
        String max = "x".repeat(0xFFFF);
        byte[] shortForm = Amf0Writer.encode(max);
        assertEquals(3 + 0xFFFF, shortForm.length);
        assertArrayEquals(Bytes.hex("02 FFFF"), Arrays.copyOf(shortForm, 3));
        byte[] longForm = Amf0Writer.encode(max + "y");
        assertArrayEquals(Bytes.hex("0C 00010000"), Arrays.copyOf(longForm, 5));
        // a string counts UTF-8 bytes, not chars: 32768 two-byte chars are a long string
        assertEquals(Amf0.LONG_STRING, Amf0Writer.encode("\u00e9".repeat(32768))[0]);
    }

    @Test
    void rejectsWhatAmf0CannotCarry() {
        assertThrows(IllegalArgumentException.class, () -> Amf0Writer.encode(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Amf0Writer.encode(new int[] {1}));
        assertThrows(IllegalArgumentException.class, () -> Amf0Writer.encode(Map.of(1, "x")));
        assertThrows(IllegalArgumentException.class, () -> Amf0Writer.encode(Map.of("x".repeat(70000), 1.0)));
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThrows(IllegalArgumentException.class, () -> Amf0Writer.encode(cycle));
    }

    @Test
    void writeThenReadRoundTrips() throws Exception {
        Amf0EcmaArray meta = new Amf0EcmaArray()
                .with("duration", 0.0).with("width", 1920.0).with("encoder", "Lavf61.7.100")
                .with("stereo", true).with("nothing", null).with("gone", Amf0.UNDEFINED)
                .with("when", new Amf0Date(1.7e12, (short) 0))
                .with("list", new ArrayList<>(Arrays.asList(1.0, "two", new Amf0Object().with("three", 3.0))))
                .with("nested", new Amf0Object("Klass").with("deep", new Amf0EcmaArray().with("", -0.0)))
                .with("nan", Double.NaN).with("long", "\u00e9".repeat(40000));
        List<Object> values = List.of("onMetaData", meta);
        ByteBuffer bytes = new Amf0Writer().writeAll(values.toArray()).toByteBuffer();
        List<Object> back = Amf0Reader.decodeAll(bytes);
        assertEquals(values, back);
        Amf0EcmaArray readMeta = assertInstanceOf(Amf0EcmaArray.class, back.get(1));
        assertEquals("Klass", assertInstanceOf(Amf0Object.class, readMeta.get("nested")).className());
        assertInstanceOf(Amf0EcmaArray.class, ((Map<?, ?>) readMeta.get("nested")).get("deep"));
        assertEquals(List.copyOf(meta.keySet()), List.copyOf(readMeta.keySet()), "wire order is kept");
    }
}
