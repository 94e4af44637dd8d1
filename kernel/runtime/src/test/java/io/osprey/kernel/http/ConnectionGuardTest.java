package io.osprey.kernel.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.config.ConfigLoader;
import io.osprey.kernel.config.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connection cap and the request-header deadline on a real Jetty host, with raw sockets as clients. */
class ConnectionGuardTest {

    private JettyHost host;
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        if (host != null) {
            host.stop();
        }
    }

    private void start(String... sets) throws Exception {
        List<String> all = new ArrayList<>(List.of("server.http.port=0", "server.http.host=127.0.0.1"));
        all.addAll(List.of(sets));
        ServerConfig c = new ConfigLoader(null, all, Map.of()).load().server();
        host = new JettyHost(c.http, c.connections, c.refusalLogIntervalMs);
        host.router().add("test", "/stream", new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                // a long-lived response: a chunk now, then one every 100 ms until the client goes away
                response.write(false, ByteBuffer.wrap("first\n".getBytes(StandardCharsets.US_ASCII)), Callback.NOOP);
                host.scheduler().schedule(new Runnable() {
                    @Override
                    public void run() {
                        response.write(false, ByteBuffer.wrap("more\n".getBytes(StandardCharsets.US_ASCII)),
                                Callback.from(() -> host.scheduler().schedule(this, 100, TimeUnit.MILLISECONDS),
                                        callback::failed));
                    }
                }, 100, TimeUnit.MILLISECONDS);
                return true;
            }
        });
        host.router().add("test", "/ok", new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.write(true, ByteBuffer.wrap("ok".getBytes(StandardCharsets.US_ASCII)), callback);
                return true;
            }
        });
        host.start();
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", host.httpPort()), 2000);
        s.setSoTimeout(5000);
        sockets.add(s);
        return s;
    }

    private static void send(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** True if the server closed {@code s} (EOF or reset) within its read timeout. */
    private static boolean closedByServer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        try {
            while (true) {
                int b = in.read();
                if (b < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // connection reset
        }
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!c.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    private String get(String path) throws IOException {
        try (Socket s = connect()) {
            send(s, "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void partialRequestsAreClosedAtTheDeadlineButStreamedResponsesAreNot() throws Exception {
        start("server.http.headerTimeoutMs=600");
        Socket viewer = connect();
        send(viewer, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Socket s = connect();
            send(s, "GET /ok HTTP/1.1\r\nHo"); // a request line and half a header, then nothing
            slow.add(s);
        }
        long t0 = System.nanoTime();
        for (Socket s : slow) {
            assertTrue(closedByServer(s), "a partial request is closed");
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < 3000, "closed by the 600 ms deadline, not the 30 s idle timeout: " + ms + " ms");
        assertEquals(20, host.guard().closedByHeaderDeadline());
        assertTrue(host.refusals().refusals() >= 20, "each was logged (rate-limited) as a refusal");

        // the streamed response outlived the deadline: it still delivers
        viewer.setSoTimeout(2000);
        InputStream in = viewer.getInputStream();
        byte[] buf = new byte[4096];
        int total = 0;
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
        while (System.nanoTime() < until) {
            int n = in.read(buf);
            assertTrue(n > 0, "the viewer's response goes on");
            total += n;
        }
        assertTrue(total > 0);
        assertEquals(0, host.guard().awaitingHeaders());
    }

    /**
     * Keep-alive slowloris: a client whose first request is answered, then sends half of a second request line and
     * trickles a byte at a time, is closed by the deadline counted from the end of the first response; a client
     * that sends its second request promptly on the same connection is answered.
     */
    @Test
    void theDeadlineCoversEveryRequestOnAKeptAliveConnection() throws Exception {
        start("server.http.headerTimeoutMs=800");
        Socket prompt = connect();
        Socket slow = connect();
        for (Socket s : List.of(prompt, slow)) {
            send(s, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(readResponse(s).endsWith("ok"), "first response");
        }
        await("both armed for their next request", () -> host.guard().awaitingHeaders() == 2);
        long t0 = System.nanoTime();
        send(slow, "GET /o");
        send(prompt, "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(readResponse(prompt).endsWith("ok"), "a prompt second request is answered");
        // done with it: left open, its idle kept-alive connection would reach the same deadline a moment later and
        // race the count below
        prompt.close();
        slow.setSoTimeout(100);
        boolean closed = false;
        while (!closed && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) {
            try {
                send(slow, "k"); // a byte every 100 ms: the idle timeout alone would never fire
                closed = closedByServer(slow);
            } catch (IOException e) {
                closed = true; // reset: the server closed it
            }
        }
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(closed, "the trickling second request was closed");
        assertTrue(ms >= 500 && ms < 3000, "closed by the 800 ms deadline: " + ms + " ms");
        assertEquals(1, host.guard().closedByHeaderDeadline());
    }

    /** Reads one response with a {@code Content-Length} body (the test routes' "ok") on a kept-alive connection. */
    private static String readResponse(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertTrue(b >= 0, "response cut: " + head);
            head.append((char) b);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertTrue(m.find(), "a sized response: " + head);
        byte[] body = in.readNBytes(Integer.parseInt(m.group(1)));
        return head + new String(body, StandardCharsets.US_ASCII);
    }

    @Test
    void overTheCapNewConnectionsAreRefusedAndRoomComesBack() throws Exception {
        start("server.connections.max=5", "server.http.headerTimeoutMs=0");
        List<Socket> held = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            held.add(connect());
        }
        await("five connections counted", () -> host.guard().open() == 5);
        Socket refused = connect(); // the kernel completes the handshake; the server closes it at once
        assertTrue(closedByServer(refused), "the sixth is closed");
        assertEquals(1, host.guard().refusedOverCap());
        assertEquals(5, host.guard().open());

        held.get(0).close();
        await("a slot freed", () -> host.guard().open() == 4);
        assertTrue(get("/ok").endsWith("ok"), "a new client gets in once a slot is free");
        await("its slot freed too", () -> host.guard().open() == 4);
    }

    @Test
    void atTheCapAStalledHeaderWaiterMakesRoomForANewClient() throws Exception {
        start("server.connections.max=5", "server.http.headerTimeoutMs=20000");
        List<Socket> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Socket s = connect();
            send(s, "GET /ok HTTP/1.1\r\nHo"); // slowloris: never finishes its headers
            slow.add(s);
        }
        await("five waiting for headers", () -> host.guard().awaitingHeaders() == 5);
        Thread.sleep(1100); // older than the eviction age (half the deadline, at most 1 s)
        assertTrue(get("/ok").endsWith("ok"), "a client that sends its request gets in at the cap");
        assertEquals(1, host.guard().evictedAtCap());
        assertEquals(0, host.guard().refusedOverCap());
        int closed = 0;
        for (Socket s : slow) {
            s.setSoTimeout(200);
            closed += closedByServer(s) ? 1 : 0;
        }
        assertEquals(1, closed, "exactly one stalled connection made room; the 20 s deadline has not fired");
    }

    @Test
    void connectionsThatSentTheirRequestAreNeverEvicted() throws Exception {
        start("server.connections.max=3", "server.http.headerTimeoutMs=20000");
        List<Socket> viewers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Socket v = connect();
            send(v, "GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
            viewers.add(v);
        }
        await("three streaming", () -> host.guard().open() == 3 && host.guard().awaitingHeaders() == 0);
        Thread.sleep(1100);
        Socket refused = connect();
        assertTrue(closedByServer(refused), "the cap holds: no stalled connection to evict");
        assertEquals(0, host.guard().evictedAtCap());
        for (Socket v : viewers) {
            assertTrue(v.getInputStream().read() >= 0, "each viewer still receives");
        }
    }

    @Test
    void malformedRequestsAreAnsweredAndLogged() throws Exception {
        start();
        long before = host.refusals().refusals();
        String r = get("/ok\u0001bad");
        assertTrue(r.startsWith("HTTP/1.1 400"), r);
        try (Socket s = connect()) {
            send(s, "GET /ok HTTP/1.1\r\nHost: x\r\nX: " + "a".repeat(20_000) + "\r\n\r\n");
            String big = new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertTrue(big.startsWith("HTTP/1.1 431"), big);
        }
        await("both refusals logged", () -> host.refusals().refusals() >= before + 2);
    }
}
