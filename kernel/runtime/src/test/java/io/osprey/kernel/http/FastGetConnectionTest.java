package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.access.KernelAccessControl;
import io.osprey.kernel.config.ConfigLoader;
import io.osprey.kernel.config.ServerConfig;
import io.osprey.spi.access.Admission;
import io.osprey.spi.http.FastResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fast GET connection on a real server and real sockets: answers, pipelining, hand-over to Jetty with every byte
 * and in order, declines and failures of the responder, admission refusals, big bodies to slow and vanishing
 * readers. Every response's {@code done} must run exactly once.
 */
class FastGetConnectionTest {

    private JettyHost host;
    private int port;
    private final AtomicInteger done = new AtomicInteger();
    private final AtomicInteger made = new AtomicInteger();
    private final AtomicReference<ByteBuffer> bigBody = new AtomicReference<>();
    private final AtomicReference<java.nio.channels.FileChannel> file = new AtomicReference<>();
    /** The region of {@link #file} a {@code /f/file} response sends: from 100, all but the last 100 bytes. */
    private static final int FILE_FROM = 100;

    @BeforeEach
    void start() throws Exception {
        start("server.http.sendfile=true");
    }

    private void start(String sendfile) throws Exception {
        ServerConfig c = new ConfigLoader(null, List.of("server.http.port=0", "server.http.host=127.0.0.1",
                "server.http.headerTimeoutMs=2000", sendfile), Map.of()).load().server();
        host = new JettyHost(c);
        host.router().add("test", "/", new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request rq, Response rs, Callback cb) {
                rs.setStatus(200);
                rs.write(true, ByteBuffer.wrap(("jetty " + Request.getPathInContext(rq))
                        .getBytes(StandardCharsets.UTF_8)), cb);
                return true;
            }
        });
        host.router().fastGet("test", "/f/", (path, remote) -> {
            if (path.endsWith("/null")) {
                return null;
            }
            if (path.endsWith("/throw")) {
                throw new IllegalStateException("responder failure (expected by the test)");
            }
            made.incrementAndGet();
            if (path.endsWith("/file") || path.endsWith("/filemem")) {
                try {
                    long n = file.get().size() - 2 * FILE_FROM;
                    ByteBuffer head = FastResponse.head(200, "OK", "Content-Length", String.valueOf(n));
                    if (path.endsWith("/filemem")) { // the same bytes in memory too, for a connection without sendfile
                        return FastResponse.ofFile(head, file.get(), FILE_FROM, n, file.get().map(
                                java.nio.channels.FileChannel.MapMode.READ_ONLY, FILE_FROM, n), done::incrementAndGet);
                    }
                    return FastResponse.ofFile(head, file.get(), FILE_FROM, n, done::incrementAndGet);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            ByteBuffer body = path.endsWith("/big") ? bigBody.get().duplicate()
                    : ByteBuffer.wrap(("fast " + path).getBytes(StandardCharsets.UTF_8));
            return new FastResponse(FastResponse.head(200, "OK", "Content-Type", "text/plain",
                    "Content-Length", String.valueOf(body.remaining())), body, done::incrementAndGet);
        });
        host.start();
        port = host.httpConnector().getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        host.stop();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String get(String path, String... extra) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n" + String.join("", extra) + "\r\n";
    }

    /** A response: status, headers (lower-case names) and body, read by Content-Length. */
    record Reply(int status, Map<String, String> headers, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    static Reply read(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        List<String> lines = new ArrayList<>();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed after " + lines);
            }
            if (c == '\n') {
                String l = line.toString(StandardCharsets.ISO_8859_1).replace("\r", "");
                line.reset();
                if (l.isEmpty()) {
                    break;
                }
                lines.add(l);
            } else {
                line.write(c);
            }
        }
        Map<String, String> h = new java.util.HashMap<>();
        for (String l : lines.subList(1, lines.size())) {
            int colon = l.indexOf(':');
            h.put(l.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT), l.substring(colon + 1).trim());
        }
        int n = Integer.parseInt(h.getOrDefault("content-length", "0"));
        byte[] body = in.readNBytes(n);
        return new Reply(Integer.parseInt(lines.get(0).split(" ")[1]), h, body);
    }

    @Test
    void answersPipelinedGetsInOrderAndHandsTheRestToJettyWithEveryByte() throws Exception {
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            out.write((get("/f/a") + get("/f/b") + get("/other") + get("/f/c")).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            Reply a = read(in);
            assertEquals(200, a.status());
            assertEquals("fast /f/a", a.text());
            assertTrue(a.headers().containsKey("date"), "a Date field");
            assertEquals("fast /f/b", read(in).text());
            assertEquals("jetty /other", read(in).text());
            // the connection is Jetty's now, fast paths included
            assertEquals("jetty /f/c", read(in).text());
            out.write(get("/f/d").getBytes(StandardCharsets.US_ASCII));
            assertEquals("jetty /f/d", read(in).text());
        }
        assertEquals(2, made.get());
        awaitDone(2);
        assertEquals(2, host.router().fastAnswered());
    }

    @Test
    void aRequestSentByteByByteIsAnswered() throws Exception {
        try (Socket s = connect()) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            for (byte b : get("/f/slow").getBytes(StandardCharsets.US_ASCII)) {
                out.write(b);
                out.flush();
                Thread.sleep(1);
            }
            assertEquals("fast /f/slow", read(s.getInputStream()).text());
        }
    }

    @Test
    void declinesFailuresAndUnusualRequestsGoToJetty() throws Exception {
        for (String request : List.of(get("/f/null"), get("/f/throw"), get("/f/q?x=1"),
                get("/f/r", "Range: bytes=0-1\r\n"), "HEAD /f/h HTTP/1.1\r\nHost: t\r\n\r\n")) {
            try (Socket s = connect()) {
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                Reply r = read(s.getInputStream());
                assertEquals(200, r.status(), request);
                if (!request.startsWith("HEAD")) {
                    assertTrue(r.text().startsWith("jetty /f/"), request + " -> " + r.text());
                }
            }
        }
        assertEquals(0, made.get());
    }

    @Test
    void malformedRequestsGetJettysErrors() throws Exception {
        for (String request : List.of("GET /f/a HTTP/1.1\r\n\r\n", "GET /f/a HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
                "GET /f/a HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n\r\n", "GARBAGE\r\n\r\n")) {
            try (Socket s = connect()) {
                s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                Reply r = read(s.getInputStream());
                assertEquals(400, r.status(), request);
            }
        }
        assertEquals(0, made.get());
    }

    @Test
    void anAdmissionRefusalAnswers429AndReleasesTheResponse() throws Exception {
        KernelAccessControl access = new KernelAccessControl();
        access.add((io.osprey.spi.access.AdmissionPolicy) req -> Admission.reject("test limit", 7));
        host.router().admission(access);
        try (Socket s = connect()) {
            s.getOutputStream().write(get("/f/a").getBytes(StandardCharsets.US_ASCII));
            Reply r = read(s.getInputStream());
            assertEquals(429, r.status());
            assertEquals("7", r.headers().get("retry-after"));
            assertTrue(r.text().contains("test limit"), r.text());
        }
        awaitDone(1);
    }

    @Test
    void bigBodiesReachSlowReadersAndAreReleasedWhenTheReaderLeaves() throws Exception {
        byte[] big = new byte[8 << 20];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31);
        }
        bigBody.set(ByteBuffer.allocateDirect(big.length).put(big).flip().asReadOnlyBuffer());
        try (Socket s = connect()) {
            s.setReceiveBufferSize(16 * 1024);
            s.getOutputStream().write((get("/f/big") + get("/f/a")).getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            Thread.sleep(300); // the server's write cannot complete: it waits for the socket
            assertEquals(0, done.get(), "done only once written");
            Reply r = read(in);
            assertTrue(java.util.Arrays.equals(big, r.body()), "the body arrives whole");
            assertEquals("fast /f/a", read(in).text());
        }
        awaitDone(2);
        try (Socket s = connect()) {
            s.setReceiveBufferSize(16 * 1024);
            s.getOutputStream().write(get("/f/big").getBytes(StandardCharsets.US_ASCII));
            s.getInputStream().readNBytes(1000);
            s.setSoLinger(true, 0); // a reset mid-body
        }
        awaitDone(3);
        Thread.sleep(200);
        assertEquals(3, done.get(), "once per response");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"true", "false"})
    void fileBodiesGoWithSendfileToSlowReadersAndAreReleasedWhenTheReaderLeaves(String sendfile,
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        // server.http.sendfile=false: the same responses from the bytes in memory, or from the file's pages mapped
        host.stop();
        start("server.http.sendfile=" + sendfile);
        byte[] bytes = new byte[8 << 20];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 17 + (i >> 12));
        }
        java.nio.file.Path f = dir.resolve("body");
        java.nio.file.Files.write(f, bytes);
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
            file.set(ch);
            byte[] expected = java.util.Arrays.copyOfRange(bytes, FILE_FROM, bytes.length - FILE_FROM);
            try (Socket s = connect()) {
                s.setReceiveBufferSize(16 * 1024);
                // two file bodies and a buffer body, pipelined: each waits for the socket several times
                s.getOutputStream().write((get("/f/file") + get("/f/file") + get("/f/a"))
                        .getBytes(StandardCharsets.US_ASCII));
                InputStream in = s.getInputStream();
                Thread.sleep(300); // the server's write cannot complete: it waits for the socket
                assertEquals(0, done.get(), "done only once sent");
                for (int k = 0; k < 2; k++) {
                    Reply r = read(in);
                    assertEquals(String.valueOf(expected.length), r.headers().get("content-length"));
                    assertTrue(java.util.Arrays.equals(expected, r.body()), "file body " + k + " arrives whole");
                }
                assertEquals("fast /f/a", read(in).text());
            }
            awaitDone(3);
            try (Socket s = connect()) {
                s.setReceiveBufferSize(16 * 1024);
                s.getOutputStream().write(get("/f/file").getBytes(StandardCharsets.US_ASCII));
                s.getInputStream().readNBytes(1000);
                s.setSoLinger(true, 0); // a reset mid-body
            }
            awaitDone(4);
            // the connection that was reset left no region behind: a new one is served as usual
            try (Socket s = connect()) {
                s.getOutputStream().write((get("/f/file") + get("/f/filemem")).getBytes(StandardCharsets.US_ASCII));
                assertTrue(java.util.Arrays.equals(expected, read(s.getInputStream()).body()));
                assertTrue(java.util.Arrays.equals(expected, read(s.getInputStream()).body()), "with bytes in memory");
            }
            awaitDone(6);
            Thread.sleep(200);
            assertEquals(6, done.get(), "once per response");
        }
    }

    @Test
    void aClientThatSendsHalfAHeadIsClosedAtTheDeadline() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write("GET /f/a HTTP/1.1\r\nHost".getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            assertEquals(-1, s.getInputStream().read(), "closed without an answer");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8));
        }
        try (Socket s = connect()) {
            // kept alive after a fast answer: the deadline is armed again
            s.getOutputStream().write((get("/f/a") + "GET /f/b HT").getBytes(StandardCharsets.US_ASCII));
            assertEquals("fast /f/a", read(s.getInputStream()).text());
            assertEquals(-1, s.getInputStream().read(), "closed at the deadline");
        }
    }

    private void awaitDone(int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (done.get() < n && System.nanoTime() < end) {
            Thread.sleep(10);
        }
        assertEquals(n, done.get());
    }
}
