package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real RTSP camera made here — GStreamer's RTSP server (src/test/rtsp/rtsp_server.py), TCP-interleaved only and
 * behind Basic authentication — pulled by an on-demand source with its credentials in the URL; ffprobe reads the
 * stream back from Osprey's HTTP-FLV URL. A wrong password fails that source alone, with the camera's reason.
 */
class SourcesRtspIT {

    private static Process camera;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        Path clip = TestMedia.h264Aac(4, 300);
        Path script = Path.of("src/test/rtsp/rtsp_server.py").toAbsolutePath();
        Path log = Files.createDirectories(Path.of("target", "rtsp").toAbsolutePath()).resolve("rtsp-server.log");
        camera = new ProcessBuilder("/usr/bin/python3", script.toString(), clip.toString(), "viewer", "s3cret")
                .redirectError(log.toFile()).start();
        String port = new BufferedReader(new InputStreamReader(camera.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        assertTrue(port != null && port.matches("\\d+"), "the RTSP server did not start (needs the packages in"
                + " .ci/deps: python3-gi, gir1.2-gst-rtsp-server-1.0, gstreamer1.0-plugins-good/-bad); its log:\n"
                + Files.readString(log));
        String url = "rtsp://viewer:s3cret@127.0.0.1:" + port + "/cam";
        server = TestServer.start("plugins.sources.idleStopMs=1500", "plugins.httpflv.relay.waitMs=15000",
                "plugins.sources.streams.cams/rtsp.url=" + url, "plugins.sources.streams.cams/rtsp.onDemand=true",
                "plugins.sources.streams.cams/badpw.url=" + url.replace("s3cret", "wrong"),
                "plugins.sources.streams.cams/badpw.onDemand=true");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (camera != null) {
            camera.getOutputStream().close(); // its stdin closes: it quits
            if (!camera.waitFor(5, TimeUnit.SECONDS)) {
                camera.destroyForcibly();
            }
        }
    }

    @Test
    void anOnDemandRtspSourceWithCredentialsPlaysOverHttpFlv() throws Exception {
        assertTrue(server.kernel().bus().stream(StreamKey.parse("cams/rtsp")).isEmpty(), "not before a viewer");
        Probe.Result r = Probe.probe(server.http("/cams/rtsp.flv"));
        assertEquals("flv", r.formatName());
        assertEquals("h264", r.video().codec());
        assertEquals("aac", r.audio().codec());
        String api = api("cams/rtsp");
        assertTrue(api.contains("rtsp://viewer:***@127.0.0.1:"), "the password is masked: " + api);
        assertTrue(api.contains("\"sourceAudio\": \"aac\""), "ffprobe read the camera's audio: " + api);
        assertFalse(api.contains("s3cret"), api);
    }

    @Test
    void aWrongPasswordFailsThatSourceAloneWithTheCamerasReason() throws Exception {
        assertThrows(IOException.class, () -> Probe.probe(server.http("/cams/badpw.flv")));
        Await.until("the failure reported", Duration.ofSeconds(15), () -> api("cams/badpw").contains("401"));
        String api = api("cams/badpw");
        assertTrue(api.contains("\"state\": \"failed\""), api);
        assertFalse(api.contains("wrong"), "the password is masked in the reason too: " + api);
        assertEquals(200, server.get("/api/health").statusCode());
    }

    private static String api(String key) {
        try {
            return server.get("/api/sources/" + key).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
