package io.osprey.bench.viewer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.bench.flv.Probe;
import io.osprey.bench.net.Conn;
import io.osprey.bench.net.Handler;
import io.osprey.bench.net.Loop;
import io.osprey.media.flv.FlvHeader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.FlvTagWriter;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The viewers against a scripted server on a plain socket: HTTP/1.1 chunked coding with extensions and tiny pieces,
 * and RFC 6455 framing with 16- and 64-bit lengths, continuation frames, a ping (which must come back as a masked
 * pong) and a close.
 */
class ViewerProtocolTest {

    private interface Script {
        void serve(InputStream in, OutputStream out) throws Exception;
    }

    private static byte[] tag(int type, long ts, ByteBuffer body) {
        ByteBuffer t = FlvTagWriter.encode(type, ts, body);
        byte[] b = new byte[t.remaining()];
        t.get(b);
        return b;
    }

    private static byte[] flvStart() {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(FlvHeader.bytes(true, true));
        o.writeBytes(tag(FlvTag.VIDEO, 0, ByteBuffer.allocate(70_000)));
        return o.toByteArray();
    }

    /** Runs {@code viewer} against {@code script}; returns the stats once the connection has closed. */
    private static ViewerStats run(Script script, Function<Integer, Handler> viewer, ViewerStats stats,
                                   Recorder rec) throws Exception {
        CompletableFuture<Void> served = new CompletableFuture<>();
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Loop loop = new Loop("test-viewer")) {
            Thread t = new Thread(() -> {
                try (Socket s = ss.accept()) {
                    s.setTcpNoDelay(true);
                    script.serve(s.getInputStream(), s.getOutputStream());
                    served.complete(null);
                } catch (Throwable e) {
                    served.completeExceptionally(e);
                }
            });
            t.start();
            rec.open(0);
            CompletableFuture<Void> closed = new CompletableFuture<>();
            loop.execute(() -> {
                Handler h = viewer.apply(ss.getLocalPort());
                Handler wrapped = new Handler() {
                    @Override
                    public void onConnected(Conn c) throws IOException {
                        h.onConnected(c);
                    }

                    @Override
                    public void onData(Conn c, ByteBuffer in) throws IOException {
                        h.onData(c, in);
                    }

                    @Override
                    public void onClosed(Conn c, String reason) {
                        h.onClosed(c, reason);
                        closed.complete(null);
                    }
                };
                stats.begin();
                stats.attach(loop.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                        ss.getLocalPort()), wrapped));
            });
            served.get(20, TimeUnit.SECONDS);
            closed.get(20, TimeUnit.SECONDS);
            t.join(5000);
        }
        return stats;
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("eof in request");
            }
            b.append((char) c);
        }
        return b.toString();
    }

    @Test
    void httpFlvOverChunkedCoding() throws Exception {
        Recorder rec = new Recorder();
        ViewerStats st = new ViewerStats(rec);
        run((in, out) -> {
            String req = readHead(in);
            assertTrue(req.startsWith("GET /live/s.flv HTTP/1.1\r\n"), req);
            out.write("HTTP/1.1 200 OK\r\nContent-Type: video/x-flv\r\nTransfer-Encoding: chunked\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] start = flvStart();
            // one chunk with an extension, written a few bytes at a time
            byte[] chunk = (Integer.toHexString(start.length) + ";ext=1\r\n").getBytes(StandardCharsets.US_ASCII);
            out.write(chunk);
            for (int i = 0; i < start.length; i += 7) {
                out.write(start, i, Math.min(7, start.length - i));
                if (i < 64) {
                    out.flush();
                    Thread.sleep(1);
                }
            }
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(30);
            byte[] probe = tag(FlvTag.SCRIPT, 40, ByteBuffer.wrap(Probe.encode(1)));
            out.write((Integer.toHexString(probe.length).toUpperCase() + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(probe);
            out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }, port -> new HttpFlvViewer("127.0.0.1", port, "/live/s.flv", st), st, rec);
        assertTrue(st.gotData());
        assertEquals("closed by server", st.closeReason());
        assertEquals(1, rec.samples().length, "the probe sent after the first tag counts");
        assertTrue(rec.samples()[0] < 5_000_000, "latency " + rec.samples()[0] + " us");
    }

    @Test
    void httpErrorEndsTheViewerWithTheStatus() throws Exception {
        Recorder rec = new Recorder();
        ViewerStats st = new ViewerStats(rec);
        run((in, out) -> {
            readHead(in);
            out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
        }, port -> new HttpFlvViewer("127.0.0.1", port, "/live/none.flv", st), st, rec);
        assertEquals("HTTP 404", st.closeReason());
        assertTrue(st.failed());
    }

    @Test
    void webSocketFlvFramesPingAndClose() throws Exception {
        Recorder rec = new Recorder();
        ViewerStats st = new ViewerStats(rec);
        run((in, out) -> {
            String req = readHead(in);
            String key = req.lines().filter(l -> l.startsWith("Sec-WebSocket-Key: ")).findFirst().orElseThrow()
                    .substring(19).trim();
            out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + WsFlvViewer.accept(key) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] start = flvStart(); // > 65535 bytes: the 64-bit length form
            int half = 1000;
            frame(out, 0x02, false, java.util.Arrays.copyOfRange(start, 0, half)); // 16-bit length, no FIN
            frame(out, 0x00, true, java.util.Arrays.copyOfRange(start, half, start.length)); // continuation
            frame(out, 0x09, true, "hi".getBytes(StandardCharsets.US_ASCII)); // ping
            out.flush();
            DataInputStream din = new DataInputStream(in);
            int b0 = din.readUnsignedByte();
            int b1 = din.readUnsignedByte();
            assertEquals(0x8A, b0, "pong with FIN");
            assertEquals(0x80 | 2, b1, "masked, 2 bytes");
            byte[] mask = din.readNBytes(4);
            byte[] p = din.readNBytes(2);
            for (int i = 0; i < 2; i++) {
                p[i] ^= mask[i];
            }
            assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), p);
            Thread.sleep(20);
            frame(out, 0x02, true, tag(FlvTag.SCRIPT, 40, ByteBuffer.wrap(Probe.encode(1))));
            frame(out, 0x08, true, new byte[] {3, (byte) 0xE8});
            out.flush();
            Thread.sleep(200);
        }, port -> new WsFlvViewer("127.0.0.1", port, "/live/s.flv", st), st, rec);
        assertTrue(st.gotData());
        assertEquals("WebSocket closed by server", st.closeReason());
        assertEquals(1, rec.samples().length);
    }

    private static void frame(OutputStream out, int op, boolean fin, byte[] payload) throws IOException {
        out.write((fin ? 0x80 : 0) | op);
        int n = payload.length;
        if (n < 126) {
            out.write(n);
        } else if (n <= 0xFFFF) {
            out.write(126);
            out.write(n >>> 8);
            out.write(n);
        } else {
            out.write(127);
            for (int s = 56; s >= 0; s -= 8) {
                out.write((int) ((long) n >>> s));
            }
        }
        out.write(payload);
    }

    @Test
    void webSocketRefusedUpgradeIsReported() throws Exception {
        Recorder rec = new Recorder();
        ViewerStats st = new ViewerStats(rec);
        run((in, out) -> {
            readHead(in);
            out.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(200);
        }, port -> new WsFlvViewer("127.0.0.1", port, "/live/s.flv", st), st, rec);
        assertEquals("no WebSocket upgrade: HTTP 200", st.closeReason());
    }
}
