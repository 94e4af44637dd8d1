package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9110 14.1.2 range sets against a 1000-byte file. */
class ByteRangesTest {

    private static List<ByteRanges.Range> parse(String h) throws ByteRanges.Unsatisfiable {
        return ByteRanges.parse(h, 1000, 16);
    }

    private static ByteRanges.Range r(long a, long b) {
        return new ByteRanges.Range(a, b);
    }

    @Test
    void singleRanges() throws Exception {
        assertEquals(List.of(r(0, 99)), parse("bytes=0-99"));
        assertEquals(List.of(r(900, 999)), parse("bytes=-100"));
        assertEquals(List.of(r(0, 999)), parse("bytes=-5000"), "a suffix longer than the file is the file");
        assertEquals(List.of(r(990, 999)), parse("bytes=990-"));
        assertEquals(List.of(r(500, 999)), parse("bytes=500-100000"), "the last position is clipped");
        assertEquals(List.of(r(999, 999)), parse("BYTES = 999-999"));
    }

    @Test
    void multipleRangesAreSortedAndCoalesced() throws Exception {
        assertEquals(List.of(r(0, 20), r(100, 199)), parse("bytes=100-199, 5-20, 0-9"));
        assertEquals(List.of(r(0, 1)), parse("bytes=0-1" + ",0-1".repeat(15)), "16 copies cost one part");
        assertEquals(List.of(r(0, 19)), parse("bytes=0-9,10-19"), "touching ranges join");
        assertEquals(List.of(r(0, 9)), parse("bytes=0-9,1000-,-0,1500-1600"), "unsatisfiable members are dropped");
        assertEquals(List.of(r(0, 9)), parse("bytes=,0-9,,"), "empty list elements are ignored");
    }

    @Test
    void invalidOrExcessiveSetsAre416() {
        for (String h : List.of("bytes=1000-", "bytes=-0", "bytes=5-4", "bytes=a-b", "bytes=1-2-3", "bytes=-",
                "bytes=+1-2", "bytes=0x10-20", "bytes=99999999999999999999-", "bytes=", "bytes",
                "bytes=0-0" + ",1-1".repeat(16), "bytes=" + "0-0,".repeat(2000))) {
            assertThrows(ByteRanges.Unsatisfiable.class, () -> parse(h), h);
        }
        assertThrows(ByteRanges.Unsatisfiable.class, () -> ByteRanges.parse("bytes=-1", 0, 16), "empty file");
    }

    @Test
    void otherUnitsAndNoHeaderMeanTheWholeFile() throws Exception {
        assertNull(parse(null));
        assertNull(parse("items=0-5"));
    }
}
