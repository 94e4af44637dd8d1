package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 point 2, threads: HTTP-FLV and WebSocket-FLV viewers take no thread each. A few hundred of each join
 * within a second of each other, with the pool's ceiling ({@code server.threads.max}) set far above the viewer count
 * so that a thread per viewer (or per delivery: the bus once submitted one pool task per ready viewer, and the
 * 2,000-viewer bench ended with the pool at its 512 maximum) would show. The server's threads (from /proc) may grow
 * by what the pool runs besides the selectors: one bus drain task, one wake lane and one delivery run per core,
 * about one reserved thread per core, and the accept and upgrade tasks of the burst (each a thread while no pool
 * thread is idle, which on a machine short of CPU is often): 8 per core + 32 in all, a tenth of the viewers here
 * (one thread per viewer or per delivery would be hundreds). The surplus leaves again within a few idle timeouts
 * ({@code server.threads.idleTimeoutMs}) while everyone keeps watching.
 */
class ViewerThreadsIT {

    private static final int PER_PROTOCOL = 200;
    private static final long IDLE_TIMEOUT_MS = 2_000;

    @Test
    void viewersTakeNoThreadOfTheirOwn() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "thread counts come from /proc");
        String yaml = "plugins:\n  fmp4-recorder:\n    enabled: false\n  hls:\n    enabled: false\n";
        try (DistributionProcess server = new DistributionProcess(yaml, "--set", "server.threads.max=2000",
                "--set", "server.threads.idleTimeoutMs=" + IDLE_TIMEOUT_MS)) {
            server.awaitReady();
            long pid = server.process().pid();
            Path clip = TestMedia.h264Aac(30, 300);
            Process publisher = Ffmpeg.start(Files.createTempFile("ffmpeg-threads", ".log"), "-re", "-stream_loop",
                    "-1", "-i", clip.toString(), "-c", "copy", "-f", "flv", server.rtmp("/live/t"));
            try (Selector selector = Selector.open()) {
                Await.until("the stream is live", Duration.ofSeconds(20), () -> server.flvStatus("/live/t.flv") == 200);
                Thread.sleep(1_000); // the JIT and the pool settle after start
                int baseline = threads(pid);
                int cores = Runtime.getRuntime().availableProcessors();
                int allowed = baseline + 8 * cores + 32;

                List<Viewer> viewers = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < PER_PROTOCOL; i++) {
                    viewers.add(Viewer.open(selector, server.httpPort(), false));
                    viewers.add(Viewer.open(selector, server.httpPort(), true));
                    pump(selector, 0); // the first viewers start receiving while the others join
                }
                long joinedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                int peak = baseline;
                // every viewer receiving, or 30 s (a machine short of CPU answers the last upgrades late); the
                // threads are sampled all along, and for 3 s more once everyone receives
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                long until = Long.MAX_VALUE;
                while (System.nanoTime() < Math.min(deadline, until)) {
                    pump(selector, 100);
                    peak = Math.max(peak, threads(pid));
                    if (until == Long.MAX_VALUE && viewers.stream().allMatch(v -> v.media > 50_000)) {
                        until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    }
                }
                long receiving = viewers.stream().filter(v -> v.media > 50_000).count();
                assertEquals(viewers.size(), receiving, "every viewer receives the stream: "
                        + viewers.stream().filter(v -> v.media <= 50_000).map(Viewer::state).limit(5).toList());
                System.out.printf("viewer threads: %d HTTP-FLV + %d WS-FLV viewers joined in %d ms; server threads"
                        + " %d before, peak %d (allowed %d)%n", PER_PROTOCOL, PER_PROTOCOL, joinedMs, baseline, peak,
                        allowed);
                assertTrue(peak <= allowed, "server threads went from " + baseline + " to " + peak + " for "
                        + viewers.size() + " viewers (allowed " + allowed + ")");

                int settled = peak;
                long settleBy = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(6 * IDLE_TIMEOUT_MS);
                while (System.nanoTime() < settleBy && (settled = threads(pid)) > baseline + cores + 4) {
                    pump(selector, 100);
                }
                System.out.printf("viewer threads: %d after the surplus idled out, viewers still watching%n", settled);
                assertTrue(settled <= baseline + cores + 4, "surplus threads stayed: " + settled + " (baseline "
                        + baseline + ")");
                assertTrue(viewers.stream().allMatch(v -> v.open), "viewers still connected");
                for (Viewer v : viewers) {
                    v.channel.close();
                }
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    private static int threads(long pid) {
        String[] tasks = Path.of("/proc", String.valueOf(pid), "task").toFile().list();
        return tasks == null ? -1 : tasks.length;
    }

    /** Reads whatever arrived, for up to {@code ms}; viewers must keep reading or the server drops them as slow. */
    private static void pump(Selector selector, long ms) throws IOException {
        if (ms == 0) {
            selector.selectNow();
        } else {
            selector.select(ms);
        }
        for (SelectionKey k : selector.selectedKeys()) {
            ((Viewer) k.attachment()).read();
        }
        selector.selectedKeys().clear();
    }

    /** One raw viewer: an HTTP-FLV GET or a WebSocket upgrade (RFC 6455 4.1) on the same path; counts media bytes. */
    private static final class Viewer {
        private static final ByteBuffer BUF = ByteBuffer.allocateDirect(256 * 1024);
        final SocketChannel channel;
        final boolean ws;
        final StringBuilder head = new StringBuilder();
        boolean headDone;
        boolean open = true;
        long media;

        private Viewer(SocketChannel channel, boolean ws) {
            this.channel = channel;
            this.ws = ws;
        }

        static Viewer open(Selector selector, int port, boolean ws) throws IOException {
            SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            String request = "GET /live/t.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n" + (ws
                    ? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n" : "") + "\r\n";
            c.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
            c.configureBlocking(false);
            Viewer v = new Viewer(c, ws);
            c.register(selector, SelectionKey.OP_READ, v);
            return v;
        }

        void read() throws IOException {
            while (true) {
                BUF.clear();
                int n;
                try {
                    n = channel.read(BUF);
                } catch (IOException reset) {
                    n = -1;
                }
                if (n <= 0) {
                    if (n < 0) {
                        open = false;
                        channel.close();
                    }
                    return;
                }
                BUF.flip();
                while (!headDone && BUF.hasRemaining()) {
                    head.append((char) BUF.get());
                    headDone = head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4;
                }
                if (headDone && head.indexOf(ws ? "HTTP/1.1 101" : "HTTP/1.1 200") == 0) {
                    media += BUF.remaining();
                }
            }
        }

        String state() {
            return (ws ? "ws " : "http ") + (open ? "open " : "closed ") + media + " bytes, "
                    + head.toString().lines().findFirst().orElse("no response");
        }
    }
}
