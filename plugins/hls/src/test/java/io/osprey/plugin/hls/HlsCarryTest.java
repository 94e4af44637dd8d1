package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Which part of a playlist request's query is carried over to the URIs it lists. */
class HlsCarryTest {

    @Test
    void everythingButLlHlsDirectivesAsSent() {
        assertEquals("expires=1&sign=ab", HlsHandler.carry("expires=1&sign=ab"));
        assertEquals("expires=1&sign=ab", HlsHandler.carry("_HLS_msn=5&expires=1&_HLS_part=2&sign=ab&_HLS_skip=YES"));
        assertEquals("token=a%2Fb", HlsHandler.carry("token=a%2Fb&&"));
        assertNull(HlsHandler.carry("_HLS_msn=5&_HLS_part=1"));
        assertNull(HlsHandler.carry(""));
    }

    @Test
    void queryParametersFirstOfEachNameDecodedOnlyWhenEncoded() {
        assertEquals(java.util.Map.of("expires", "1", "sign", "ab", "t", "a/b c", "e", ""),
                HlsHandler.params("expires=1&sign=ab&&sign=x&t=a%2Fb+c&e&bad=%zz"));
        assertEquals(32, HlsHandler.params(java.util.stream.IntStream.range(0, 40)
                .mapToObj(i -> "p" + i + "=" + i).reduce((x, y) -> x + "&" + y).orElseThrow()).size());
    }

    @Test
    void nothingThatCouldBreakOutOfAQuotedAttribute() {
        assertNull(HlsHandler.carry("t=\"x"));
        assertNull(HlsHandler.carry("t=x\n#EXT-X-ENDLIST"));
        assertNull(HlsHandler.carry("t=<x>"));
        assertNull(HlsHandler.carry("t=" + "a".repeat(1100)));
    }
}
