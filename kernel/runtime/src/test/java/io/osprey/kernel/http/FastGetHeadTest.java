package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.http.FastGetConnection.Head;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fast GET head parser: what it takes (golden heads, byte at a time, pipelined), and that everything unusual or
 * hostile goes to Jetty untouched. Whatever it takes, Jetty's own parser must read as the same GET
 * ({@link FastGetHeadFuzzTest} checks that for arbitrary bytes).
 */
class FastGetHeadTest {

    static final String PLAIN = "GET /hls/live/a/index.m3u8 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: wrk\r\n"
            + "Accept: */*\r\nConnection: keep-alive\r\n\r\n";

    static ByteBuffer buf(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return ByteBuffer.allocateDirect(b.length + 16).put(b).flip();
    }

    @Test
    void takesAPlainGetAndSaysWhereItEnds() {
        ByteBuffer b = buf(PLAIN);
        assertEquals(PLAIN.length(), Head.parse(b));
        assertEquals("/hls/live/a/index.m3u8", Head.path(b));
        assertEquals(0, b.position(), "parsing moves nothing");
    }

    @Test
    void byteAtATimeIsMoreUntilTheBlankLine() {
        for (int n = 0; n < PLAIN.length(); n++) {
            ByteBuffer b = buf(PLAIN.substring(0, n));
            int r = Head.parse(b);
            assertEquals(Head.MORE, r, "prefix of " + n + " bytes");
        }
    }

    @Test
    void pipelinedHeadsParseOneAfterTheOther() {
        String second = "GET /hls/live/a/seg-x-1.ts HTTP/1.1\r\nhost: h\r\n\r\n";
        ByteBuffer b = buf(PLAIN + second + "GET /hls");
        int end = Head.parse(b);
        assertEquals(PLAIN.length(), end);
        b.position(end);
        int end2 = Head.parse(b);
        assertEquals(PLAIN.length() + second.length(), end2);
        assertEquals("/hls/live/a/seg-x-1.ts", Head.path(b));
        b.position(end2);
        assertEquals(Head.MORE, Head.parse(b));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // not a GET, not 1.1, not an origin-form path
        "HEAD /a HTTP/1.1\r\nHost: h\r\n\r\n",
        "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\n\r\nx",
        "get /a HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a HTTP/1.0\r\nHost: h\r\n\r\n",
        "GET /a HTTP/2.0\r\nHost: h\r\n\r\n",
        "GET http://h/a HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET  /a HTTP/1.1\r\nHost: h\r\n\r\n",
        // a query, anything to decode or normalize
        "GET /a?token=x HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a%2e%2e/b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a/../b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a/./b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /.. HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a//b HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a;x=1 HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a#f HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a\tb HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /\u00e9 HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /a\u0000b HTTP/1.1\r\nHost: h\r\n\r\n",
        // Host missing, twice, empty
        "GET /a HTTP/1.1\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nHost: i\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost:\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost:  \t\r\n\r\n",
        // headers that change the meaning
        "GET /a HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nRange: bytes=0-1\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"x\"\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nif-modified-since: x\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer x\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nTE: trailers\r\n\r\n",
        // malformed framing: bare LF, folding, space before colon, no colon, bad name, control bytes
        "GET /a HTTP/1.1\nHost: h\n\n",
        "GET /a HTTP/1.1\r\nHost: h\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\n X-Folded: y\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost : h\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nNoColon\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\n: empty-name\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nX(y): z\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nX: a\u0000b\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\nX: a\u007fb\r\n\r\n",
        "GET /a HTTP/1.1\r\nHost: h\r\n\rX\r\n\r\n",
        "\r\nGET /a HTTP/1.1\r\nHost: h\r\n\r\n",
    })
    void leavesAnythingUnusualToJetty(String head) {
        assertEquals(Head.JETTY, Head.parse(buf(head)), head);
    }

    @Test
    void aPathOver2048BytesIsJettys() {
        String path = "/" + "a".repeat(2100);
        assertEquals(Head.JETTY, Head.parse(buf("GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n")));
    }

    @Test
    void headerNamesAreCaseInsensitiveAndOtherHeadersPass() {
        String head = "GET /x HTTP/1.1\r\nhOsT: h\r\nCONNECTION: Keep-Alive \r\nX-Custom: \t v \r\n"
                + "Origin: https://o\r\nReferer: https://o/p\r\nCookie: a=b\r\n\r\n";
        assertEquals(head.length(), Head.parse(buf(head)));
        assertEquals(Head.JETTY, Head.parse(buf("GET /x HTTP/1.1\r\nHOST: h\r\nRANGE: bytes=1-\r\n\r\n")));
    }

    @Test
    void jettyReadsEveryGoldenHeadAsTheSameGet() {
        Parsed p = Parsed.byJetty(buf(PLAIN));
        assertEquals("GET", p.method);
        assertEquals("/hls/live/a/index.m3u8", p.uri);
        assertEquals(HttpVersion.HTTP_1_1, p.version);
        assertTrue(p.complete);
        assertNull(p.bad);
    }

    /** What Jetty's own parser makes of a head. */
    static final class Parsed {
        String method;
        String uri;
        HttpVersion version;
        boolean complete;
        boolean headerComplete;
        Throwable bad;
        final List<HttpField> fields = new ArrayList<>();

        static Parsed byJetty(ByteBuffer b) {
            Parsed p = new Parsed();
            HttpParser parser = new HttpParser(new HttpParser.RequestHandler() {
                @Override
                public void startRequest(String method, String uri, HttpVersion version) {
                    p.method = method;
                    p.uri = uri;
                    p.version = version;
                }

                @Override
                public boolean content(ByteBuffer content) {
                    return false;
                }

                @Override
                public boolean headerComplete() {
                    p.headerComplete = true;
                    return false;
                }

                @Override
                public boolean contentComplete() {
                    return false;
                }

                @Override
                public boolean messageComplete() {
                    p.complete = true;
                    return true;
                }

                @Override
                public void parsedHeader(HttpField field) {
                    p.fields.add(field);
                }

                @Override
                public void earlyEOF() {
                }

                @Override
                public void badMessage(org.eclipse.jetty.http.HttpException failure) {
                    p.bad = (Throwable) failure;
                }
            });
            ByteBuffer d = b.duplicate();
            while (d.hasRemaining() && !p.complete && p.bad == null) {
                if (!parser.parseNext(d) && !d.hasRemaining()) {
                    break;
                }
            }
            return p;
        }
    }
}
