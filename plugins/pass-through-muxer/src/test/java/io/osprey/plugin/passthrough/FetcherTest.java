package io.osprey.plugin.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The redirect/size check against sources that answer oddly or not at all, on a raw socket server. */
class FetcherTest {

    private static final ExecutorService POOL = Executors.newCachedThreadPool();

    @AfterAll
    static void stop() {
        POOL.shutdownNow();
    }

    private static Fetcher fetcher(long timeoutMs) {
        return new Fetcher(new OutboundGuard(true, List.of()), POOL, 2, timeoutMs);
    }

    /** Serves {@code answers} in turn, one per connection, each after reading the request head. */
    private static ServerSocket serving(String... answers) throws Exception {
        ServerSocket ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        POOL.execute(() -> {
            for (String a : answers) {
                try (Socket s = ss.accept()) {
                    var in = s.getInputStream();
                    int crlf = 0;
                    while (crlf < 4) { // to the blank line
                        int b = in.read();
                        if (b < 0) {
                            break;
                        }
                        crlf = (b == '\r' && crlf % 2 == 0) || (b == '\n' && crlf % 2 == 1) ? crlf + 1 : 0;
                    }
                    OutputStream out = s.getOutputStream();
                    out.write(a.replace("PORT", Integer.toString(ss.getLocalPort()))
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (Exception e) {
                    return;
                }
            }
        });
        return ss;
    }

    private static URI url(ServerSocket ss, String path) {
        return URI.create("http://127.0.0.1:" + ss.getLocalPort() + path);
    }

    @Test
    void aRangeAnswerGivesTheWholeSizeAndARedirectIsFollowed() throws Exception {
        try (ServerSocket ss = serving(
                "HTTP/1.1 302 Found\r\nLocation: /real.mp4\r\nContent-Length: 0\r\n\r\n",
                "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-0/52000000\r\nContent-Type: video/mp4\r\n"
                        + "Content-Length: 1\r\n\r\nx")) {
            Fetcher.Located l = fetcher(2000).locate(url(ss, "/go"), Map.of("Referer", "http://example.test/"))
                    .join();
            assertEquals(url(ss, "/real.mp4"), l.uri());
            assertEquals(52_000_000L, l.size());
            assertEquals("video/mp4", l.contentType());
        }
    }

    @Test
    void tooManyRedirectsAndErrorsAreRefusedWithTheirStatus() throws Exception {
        String loop = "HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n";
        try (ServerSocket ss = serving(loop, loop, loop)) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> fetcher(2000).locate(url(ss, "/a"), Map.of()).join());
            assertEquals(502, Refusal.of(e).status());
            assertTrue(Refusal.of(e).getMessage().contains("more than 2 redirects"), Refusal.of(e).getMessage());
        }
        try (ServerSocket ss = serving("HTTP/1.1 410 Gone\r\nContent-Length: 0\r\n\r\n")) {
            CompletionException e = assertThrows(CompletionException.class,
                    () -> fetcher(2000).locate(url(ss, "/gone"), Map.of()).join());
            assertEquals(404, Refusal.of(e).status());
        }
    }

    @Test
    void aSourceThatNeverAnswersIsAGatewayTimeoutAfterTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            CompletionException e = assertThrows(CompletionException.class,
                    () -> fetcher(300).locate(url(silent, "/x.mp4"), Map.of()).join());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(504, Refusal.of(e).status(), String.valueOf(e.getCause()));
            assertTrue(ms >= 250 && ms < 5000, "answered after " + ms + " ms");
        }
    }

    @Test
    void aHeaderValueWithALineBreakIsRefusedNotSent() throws Exception {
        try (ServerSocket ss = serving("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) {
            CompletionException e = assertThrows(CompletionException.class, () -> fetcher(2000)
                    .locate(url(ss, "/x"), Map.of("Cookie", "a=b\r\nX-Injected: 1")).join());
            assertEquals(502, Refusal.of(e).status());
        }
    }
}
