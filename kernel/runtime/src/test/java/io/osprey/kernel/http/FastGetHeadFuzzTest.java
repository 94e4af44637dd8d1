package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.osprey.kernel.http.FastGetConnection.Head;
import java.nio.ByteBuffer;

/**
 * Arbitrary bytes through the fast GET head parser: it never throws, and a head it takes is one Jetty's parser
 * reads, without complaint, as a complete HTTP/1.1 GET of the same path with no body, and every shorter prefix of it
 * is "more". Regression inputs live in {@code FastGetHeadFuzzTestInputs/parse/}.
 */
class FastGetHeadFuzzTest {

    @FuzzTest
    void parse(byte[] data) {
        ByteBuffer b = ByteBuffer.allocateDirect(data.length).put(data).flip();
        int end = Head.parse(b);
        if (end == Head.MORE || end == Head.JETTY) {
            return;
        }
        assertTrue(end > 0 && end <= data.length, "end " + end);
        ByteBuffer head = b.duplicate().limit(end);
        FastGetHeadTest.Parsed p = FastGetHeadTest.Parsed.byJetty(head);
        assertNull(p.bad, "Jetty refuses what the fast path took");
        assertEquals("GET", p.method);
        assertEquals(Head.path(b), p.uri);
        assertEquals(org.eclipse.jetty.http.HttpVersion.HTTP_1_1, p.version);
        assertTrue(p.complete, "Jetty sees a complete bodiless request");
        for (int n = end - 1; n >= Math.max(0, end - 4); n--) {
            assertEquals(Head.MORE, Head.parse(b.duplicate().limit(n)), "prefix of " + n);
        }
    }
}
