package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.Kernel;
import io.osprey.kernel.KernelOptions;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.FreePorts;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13, point 3: rtmp-ingest applies a config edit in place. Raising or lowering a cap, changing timeouts and
 * moving the port (and back) keep the publisher and the viewer connected (one publish for the whole test); a port
 * that is in use refuses the change, with the old listener still accepting.
 */
class ReconfigureTest {

    private static final Duration CLOSE = Duration.ofSeconds(10);

    private static void write(Path cfg, int port, int perIp) throws IOException {
        Files.writeString(cfg, "plugins:\n  rtmp-ingest:\n    port: " + port + "\n    maxConnectionsPerIp: " + perIp
                + "\n    publisherIdleTimeoutMs: " + (perIp > 2 ? 6000 : 5000) + "\n    httpPush: false\n"
                + "    handshakeTimeoutMs: 30000\n"); // the viewer connects before the stream is live
    }

    /** A client that completes connect on {@code port}, or the close reason the server logged for it. */
    private static String tryConnect(int port) throws Exception {
        try (RtmpTestClient c = RtmpTestClient.open(port)) {
            try {
                c.handshake();
                c.connect("live");
                return "connected";
            } catch (Exception closedByTheServer) {
                String reason = LogCapture.get().closeReason(c.logMark, c.who(), CLOSE);
                assertNotNull(reason, "a close reason was logged");
                return reason;
            }
        }
    }

    @Test
    void capsTimeoutsAndThePortChangeInPlaceAndABusyPortIsRefused() throws Exception {
        Path home = Files.createTempDirectory("osprey-reconfigure");
        Path cfg = home.resolve("osprey.yaml");
        int p1 = FreePorts.next();
        int p2 = FreePorts.next();
        write(cfg, p1, 200);
        LogCapture.get();
        Kernel kernel = Kernel.start(new KernelOptions(home, cfg, List.of("server.http.port=0",
                "server.dataDir=" + home.resolve("data"), "server.plugins.mode=classpath", "server.webDir=",
                "server.admin.token=test-admin-token-0123456789", "server.configScanIntervalMs=3600000"), Map.of(),
                null));
        StreamKey key = new StreamKey("live", "keep");
        Process ffmpeg = Ffmpeg.start(home.resolve("publisher.log"), "-re", "-stream_loop", "-1", "-i",
                TestMedia.h264Aac(10, 500).toString(), "-c", "copy", "-f", "flv", "rtmp://127.0.0.1:" + p1 + "/live/keep");
        try (ServerSocket busy = new ServerSocket(0); RtmpTestClient viewer = RtmpTestClient.open(p1)) {
            Await.until("live/keep", Duration.ofSeconds(30), () -> kernel.bus().stream(key).isPresent());
            StreamView stream = kernel.bus().stream(key).orElseThrow();
            viewer.handshake();
            viewer.connect("live");
            assertEquals("NetStream.Play.Start", viewer.play("keep"));

            // a cap lowered below what is open now: the open connections stay, the next one is refused
            write(cfg, p1, 2);
            assertTrue(kernel.reloadConfig());
            assertTrue(tryConnect(p1).contains("too many connections from 127.0.0.1 (2)"));
            // raised again: accepted
            write(cfg, p1, 300);
            assertTrue(kernel.reloadConfig());
            assertEquals("connected", tryConnect(p1));

            // a port in use: the change is refused, the old listener and config go on
            write(cfg, busy.getLocalPort(), 300);
            assertFalse(kernel.reloadConfig(), "a port in use refuses the change");
            assertEquals("connected", tryConnect(p1));
            assertEquals("ACTIVE", kernel.pluginStatus().stream().filter(s -> s.id().equals("rtmp-ingest"))
                    .findFirst().orElseThrow().state().name());

            // a free port: bound at once; the old one refuses new connections but keeps its own
            write(cfg, p2, 300);
            assertTrue(kernel.reloadConfig());
            assertEquals("connected", tryConnect(p2));
            assertTrue(tryConnect(p1).contains("moved to port " + p2));

            long before = viewer.mediaMessages();
            Await.until("the viewer on the old port keeps receiving", CLOSE,
                    () -> viewer.mediaMessages() > before + 20);
            assertTrue(ffmpeg.isAlive(), "the publisher is still connected");
            assertFalse(viewer.isClosed(), "the viewer is still connected: " + viewer.closeCause());
            assertEquals(1, stream.stats().publishes(), "no reconnect: the same publish all along");

            // moved back (an edit undone, or the kernel rolling a change back) while the old port still has its
            // viewer and publisher: that listener is taken back, not bound anew
            write(cfg, p1, 300);
            assertTrue(kernel.reloadConfig(), "moving back to a port this plugin still holds");
            assertEquals("connected", tryConnect(p1));
            assertTrue(ffmpeg.isAlive());
            assertEquals(1, stream.stats().publishes());

            // the port moved away from had no connection left: it is unbound at once
            Await.until("the second port to be free", CLOSE, () -> {
                try (ServerSocket again = new ServerSocket(p2)) {
                    return true;
                } catch (IOException stillBound) {
                    return false;
                }
            });
        } finally {
            ffmpeg.destroyForcibly();
            kernel.close();
        }
    }
}
