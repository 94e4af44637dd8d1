package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The thin media path, the same in both run modes: ffmpeg publishes RTMP, ffprobe reads HTTP-FLV and RTMP back,
 * and turning httpflv off and on (config file, admin API) never disconnects the publisher.
 */
abstract class MediaPathContract {

    static final String CONFIG = "plugins:\n  httpflv:\n    enabled: true\n";

    abstract ServerUnderTest server();

    abstract Process publisher();

    static Process publish(ServerUnderTest s, Path log) throws Exception {
        Path clip = TestMedia.h264Aac(10, 1000);
        Process p = Ffmpeg.start(log, "-re", "-stream_loop", "-1", "-i", clip.toString(), "-c", "copy", "-f", "flv",
                s.rtmp("/live/test"));
        Await.until("the stream to be live", Duration.ofSeconds(20), () -> {
            try {
                return s.get("/api/streams/live/test").statusCode() == 200;
            } catch (Exception e) {
                return false;
            }
        });
        return p;
    }

    @AfterEach
    void publisherStillConnected() throws Exception {
        assertTrue(publisher().isAlive(), "the publisher was never disconnected");
        String stream = server().get("/api/streams/live/test").body();
        assertTrue(stream.contains("\"publishes\" : 1"), "one publish session from start to end: " + stream);
    }

    @Test
    void ffprobeReadsTheSameTracksOverHttpFlvAndRtmp() throws Exception {
        Probe.Result flv = Probe.probe(server().url("/live/test.flv"));
        assertNotNull(flv.video(), flv.raw());
        assertEquals("h264", flv.video().codec());
        assertEquals(640, flv.video().width());
        assertEquals(360, flv.video().height());
        assertEquals("aac", flv.audio().codec());
        assertEquals(44100, flv.audio().sampleRate());

        Probe.Result rtmp = Probe.probe(server().rtmp("/live/test"));
        assertEquals("h264", rtmp.video().codec());
        assertEquals(640, rtmp.video().width());
        assertEquals("aac", rtmp.audio().codec());
    }

    @Test
    void anHttpFlvPushPlaysBackOverHttpFlvAndRtmp() throws Exception {
        ServerUnderTest s = server();
        Process push = Ffmpeg.start(Files.createTempFile("ffmpeg-push", ".log"), "-re", "-stream_loop", "-1", "-i",
                TestMedia.h264Aac(10, 1000).toString(), "-c", "copy", "-f", "flv", "-method", "POST",
                s.url("/live/pushed"));
        try {
            Await.until("the pushed stream to be live", Duration.ofSeconds(20), () -> {
                try {
                    return s.get("/api/streams/live/pushed").statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });
            Probe.Result flv = Probe.probe(s.url("/live/pushed.flv"));
            assertEquals("h264", flv.video().codec());
            assertEquals(640, flv.video().width());
            assertEquals("aac", flv.audio().codec());
            Probe.Result rtmp = Probe.probe(s.rtmp("/live/pushed"));
            assertEquals("h264", rtmp.video().codec());
            assertEquals("aac", rtmp.audio().codec());
        } finally {
            Ffmpeg.stop(push);
        }
    }

    @Test
    void ffprobeReadsTheLiveHlsPlaylistOfAnFfmpegRtmpPublish() throws Exception {
        io.osprey.testkit.Await.until("a first HLS segment", java.time.Duration.ofSeconds(20), () -> {
            try {
                return server().get("/hls/live/test/index.m3u8").body().contains("#EXTINF:");
            } catch (Exception e) {
                return false;
            }
        });
        Probe.Result hls = Probe.probe(server().url("/hls/live/test/index.m3u8"));
        assertEquals("h264", hls.video().codec());
        assertEquals(640, hls.video().width());
        assertEquals("aac", hls.audio().codec());
    }

    @Test
    void streamsApiReportsCodecsAndResolution() throws Exception {
        String body = server().get("/api/streams").body();
        assertTrue(body.contains("\"codec\" : \"h264\""), body);
        assertTrue(body.contains("\"width\" : 640"), body);
        assertTrue(body.contains("\"codec\" : \"aac\""), body);
        String health = server().get("/api/health").body();
        assertTrue(health.contains("\"status\" : \"healthy\""), health);
    }

    @Test
    void disablingHttpFlvInTheConfigFileStopsItWithinTwoSeconds() throws Exception {
        ServerUnderTest s = server();
        assertEquals(200, s.flvStatus("/live/test.flv"));
        Files.writeString(s.configFile(), "plugins:\n  httpflv:\n    enabled: false\n");
        Await.until("httpflv to 404", Duration.ofSeconds(2), () -> s.flvStatus("/live/test.flv") == 404);
        assertTrue(s.get("/api/plugins/httpflv").body().contains("\"state\" : \"stopped\""));
        Files.writeString(s.configFile(), CONFIG);
        Await.until("httpflv to serve again", Duration.ofSeconds(2), () -> s.flvStatus("/live/test.flv") == 200);
        assertTrue(s.get("/api/plugins/httpflv").body().contains("\"state\" : \"active\""));
    }

    @Test
    void stoppingAndStartingThroughTheApiWorksTheSame() throws Exception {
        ServerUnderTest s = server();
        assertEquals(200, s.post("/api/plugins/httpflv/stop").statusCode());
        assertEquals(404, s.flvStatus("/live/test.flv"));
        assertTrue(s.get("/api/plugins/httpflv").body().contains("\"state\" : \"stopped\""));
        assertEquals(200, s.post("/api/plugins/httpflv/start").statusCode());
        assertEquals(200, s.flvStatus("/live/test.flv"));
        Probe.Result flv = Probe.probe(s.url("/live/test.flv"));
        assertEquals("h264", flv.video().codec());
    }
}
