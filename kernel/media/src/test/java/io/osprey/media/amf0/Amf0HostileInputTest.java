package io.osprey.media.amf0;

import static io.osprey.media.amf0.Bytes.ascii;
import static io.osprey.media.amf0.Bytes.buf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HOSTILE-INPUTS section C, one test per row: each must end in an {@link Amf0Exception}, nothing else. */
class Amf0HostileInputTest {

    private static Amf0Exception rejects(ByteBuffer in) {
        return assertThrows(Amf0Exception.class, () -> Amf0Reader.decodeAll(in));
    }

    @Test
    void c1StringLengthsBeyondTheDataFailBeforeAllocating() {
        assertTrue(rejects(buf("02 FFFF 616263")).getMessage().contains("truncated"));
        // long string 0xFFFFFFFF: over the 1 MiB string budget, refused before any allocation
        rejects(buf("0C FFFFFFFF 616263"));
        // within the budget but beyond the data
        assertTrue(rejects(buf("0C 00010000 616263")).getMessage().contains("truncated"));
        // property name length beyond the data
        rejects(buf("03 FFFF 61"));
        // a bare marker with nothing after it
        for (String marker : new String[] {"00", "01", "02", "0B", "0C", "08", "0A", "10"}) {
            rejects(buf(marker));
        }
    }

    @Test
    void c2DeclaredCountsNeverSizeACollection() {
        // ECMA array count 0xFFFFFFFF and no elements: the count is a hint, the missing end marker is EOF
        rejects(buf("08 FFFFFFFF"));
        // strict array 0xFFFFFFFF: more than the bytes left
        assertTrue(rejects(buf("0A FFFFFFFF 05 05")).getMessage().contains("exceeds"));
        // strict array count within the data but above the per-container budget
        Amf0Limits small = new Amf0Limits(32, 1024, 2, 100);
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("0A 00000003 05 05 05"), small).read());
        // an object with more properties than the budget
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("03 0001 61 05 0001 62 05 0001 63 05 0000 09"),
                small).read());
        // many small values: the total budget stops them
        Amf0Limits total = new Amf0Limits(32, 1024, 4096, 10);
        byte[] nulls = new byte[11];
        java.util.Arrays.fill(nulls, (byte) Amf0.NULL);
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(ByteBuffer.wrap(nulls), total).readAll());
    }

    @Test
    void c3DeepNestingIsALimitErrorNotAStackOverflow() {
        int levels = 10_000;
        for (byte[] opener : new byte[][] {Bytes.hex("03 0001 61"), Bytes.hex("0A 00000001"),
                Bytes.hex("08 00000001 0001 61")}) {
            ByteBuffer deep = ByteBuffer.allocate(levels * opener.length + 1);
            for (int i = 0; i < levels; i++) {
                deep.put(opener);
            }
            deep.put((byte) Amf0.NULL).flip();
            assertTrue(rejects(deep).getMessage().contains("deeper"));
        }
        // exactly at the limit is fine: 32 nested strict arrays around a null
        ByteBuffer ok = ByteBuffer.allocate(32 * 5 + 1);
        for (int i = 0; i < 32; i++) {
            ok.put(Bytes.hex("0A 00000001"));
        }
        ok.put((byte) Amf0.NULL).flip();
        assertEquals(1, assertDoesNotThrowDecode(ok).size());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "03 0001 61 05",            // object with a property, no end marker
        "03 0000",                  // end marker truncated to 2 bytes (no 09)
        "03 00",                    // end marker truncated to 1 byte
        "03",                       // nothing after the marker
        "08 00000000 0000",         // ECMA array, end truncated
        "10 0001 41 0000",          // typed object, end truncated
    })
    void c4MissingOrTruncatedObjectEndIsEof(String hex) {
        assertTrue(rejects(buf(hex)).getMessage().contains("truncated"));
    }

    @Test
    void c4ObjectEndOutsideAnObject() {
        rejects(buf("09"));
        rejects(buf("03 0000 0A")); // empty name followed by a value marker 0x0A... with no count
    }

    @Test
    void c5CommandNameMustBeAString() {
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("")).readString());
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("00 3FF0000000000000")).readString());
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("05")).readString());
        // SRS #3803 "String invalid marker=0": ffmpeg timecode data where a name was expected
        assertThrows(Amf0Exception.class, () -> new Amf0Reader(buf("00 0000000000000000")).readString());
    }

    @Test
    void c6StreamNameMustBeAString() {
        // publish: name, transaction id, null, then streamName as false (Wirecast), a number, null
        for (String streamName : new String[] {"01 00", "00 4000000000000000", "05", "06"}) {
            Amf0Reader r = new Amf0Reader(buf("02 0007", ascii("publish"), "00 4014000000000000 05", streamName));
            assertThrows(Amf0Exception.class, () -> {
                r.readString();
                r.readNumber();
                r.read();
                r.readString();
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "11 0A0B01",                // AMF3 switch
        "0D",                       // unsupported
        "0F 00000010 3C21444F43545950452078203E", // XML document "<!DOCTYPE x >": never parsed
        "07 0000",                  // reference to entry 0, no table
        "07 FFFF",                  // reference out of range
        "04",                       // movieclip
        "0E",                       // recordset
        "6C",                       // 108, "Unknown AMF0 data type: 108"
        "12", "FF",
    })
    void c7UnsupportedAndUnknownMarkersAreRejected(String hex) {
        assertTrue(rejects(buf(hex)).getMessage().contains("AMF0"));
    }

    @Test
    void invalidUtf8IsRejected() {
        rejects(buf("02 0002 C328"));
        rejects(buf("03 0001 FF 05 0000 09"));
    }

    private static java.util.List<Object> assertDoesNotThrowDecode(ByteBuffer in) {
        try {
            return Amf0Reader.decodeAll(in);
        } catch (Amf0Exception e) {
            throw new AssertionError(e);
        }
    }
}
