package io.osprey.plugin.rtmp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.FreePorts;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One server for the whole test run (RTMP, RTMPS and HTTP-FLV push on, short timeouts), with one ffmpeg publishing
 * {@code live/bg} in a loop and one RTMP viewer of it: the "other stream" every hostile case must leave alone.
 * Started on first use, stopped when the JVM exits.
 */
final class SharedServer {

    static final String BACKGROUND = "live/bg";

    private static SharedServer instance;

    final TestServer server;
    final int rtmpsPort;
    final Process publisher;
    final RtmpTestClient viewer;
    final LogCapture log;

    private SharedServer(TestServer server, int rtmpsPort, Process publisher, RtmpTestClient viewer) {
        this.server = server;
        this.rtmpsPort = rtmpsPort;
        this.publisher = publisher;
        this.viewer = viewer;
        this.log = LogCapture.get();
    }

    static synchronized SharedServer get() throws Exception {
        if (instance == null) {
            Path dir = Files.createTempDirectory("osprey-rtmp-test");
            Path ks = TestKeyStore.create(dir);
            int tls = FreePorts.next();
            TestServer s = TestServer.start("plugins.rtmp-ingest.handshakeTimeoutMs=1500",
                    "plugins.rtmp-ingest.firstPacketTimeoutMs=2000",
                    "plugins.rtmp-ingest.publisherIdleTimeoutMs=2500",
                    "plugins.rtmp-ingest.maxConnectionsPerIp=40",
                    "plugins.rtmp-ingest.tls.port=" + tls,
                    "plugins.rtmp-ingest.tls.keyStore=" + ks,
                    "plugins.rtmp-ingest.tls.keyStorePassword=" + TestKeyStore.PASSWORD);
            LogCapture.get();
            Path clip = TestMedia.h264Aac(10, 500);
            Process p = Ffmpeg.start(dir.resolve("bg-publisher.log"), "-re", "-stream_loop", "-1", "-i",
                    clip.toString(), "-c", "copy", "-f", "flv", s.rtmp("/" + BACKGROUND));
            Await.until("the background stream to be live", Duration.ofSeconds(30),
                    () -> status(s, "/api/streams/" + BACKGROUND) == 200);
            RtmpTestClient v = RtmpTestClient.open(s.rtmpPort()).handshake();
            v.connect("live");
            String code = v.play("bg");
            assertTrue("NetStream.Play.Start".equals(code), "background viewer: " + code);
            instance = new SharedServer(s, tls, p, v);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                p.destroyForcibly();
                v.close();
                s.close();
            }));
        }
        return instance;
    }

    static int status(TestServer s, String path) {
        try {
            return s.get(path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    String rtmps(String path) {
        return "rtmps://127.0.0.1:" + rtmpsPort + path;
    }

    /** The background stream is still flowing: its publisher is up and its viewer keeps receiving frames. */
    void assertBackgroundUnaffected() {
        assertTrue(publisher.isAlive(), "the background publisher is still running");
        assertTrue(!viewer.isClosed(), "the background viewer is still connected: " + viewer.closeCause());
        long before = viewer.mediaMessages();
        Await.until("background frames to keep arriving", Duration.ofSeconds(10),
                () -> viewer.mediaMessages() > before + 10);
    }
}
