package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sources plugin with every output: an on-demand source starts on the first ffprobe of its HTTP-FLV URL and of
 * its HLS playlist (which waits for the first segment instead of answering 404), stops after its last viewer, and
 * a source with PCM audio comes out of HLS as AAC in MPEG-TS. Sources added through the API survive a restart.
 */
class SourcesIT {

    private static Path clip;
    private static Path pcm;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        clip = TestMedia.h264Aac(4, 300);
        pcm = clip.resolveSibling("h264-pcm-4s-it.mkv");
        if (!pcm.toFile().isFile()) {
            Ffmpeg.Result r = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-hide_banner", "-y", "-loglevel", "error", "-i",
                    clip.toString(), "-c:v", "copy", "-c:a", "pcm_s16le", pcm.toString());
            assertEquals(0, r.exitCode(), r.stderr());
        }
        server = TestServer.start("plugins.sources.idleStopMs=1500", "plugins.httpflv.relay.waitMs=15000",
                "plugins.hls.segmentMs=1000",
                "plugins.sources.streams.cams/flv.url=" + clip, "plugins.sources.streams.cams/flv.loop=true",
                "plugins.sources.streams.cams/flv.onDemand=true",
                "plugins.sources.streams.cams/hls.url=" + clip, "plugins.sources.streams.cams/hls.loop=true",
                "plugins.sources.streams.cams/hls.onDemand=true",
                "plugins.sources.streams.cams/pcm.url=" + pcm, "plugins.sources.streams.cams/pcm.loop=true",
                "plugins.sources.streams.cams/pcm.onDemand=true");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theFirstHttpFlvProbeStartsTheSourceAndItStopsAfterTheLastViewer() throws Exception {
        assertTrue(server.kernel().bus().stream(StreamKey.parse("cams/flv")).isEmpty());
        Probe.Result r = Probe.probe(server.http("/cams/flv.flv"));
        assertEquals("h264", r.video().codec());
        assertEquals("aac", r.audio().codec());
        Await.until("idle stop after the probe left", Duration.ofSeconds(15),
                () -> server.kernel().bus().stream(StreamKey.parse("cams/flv")).isEmpty());
        assertTrue(api().contains("\"state\": \"idle\""), api());
    }

    @Test
    void theFirstHlsPlaylistRequestWaitsForTheSourceThenPlays() throws Exception {
        assertTrue(server.kernel().bus().stream(StreamKey.parse("cams/hls")).isEmpty());
        Probe.Result r = Probe.probe(server.http("/hls/cams/hls/index.m3u8"));
        assertEquals("h264", r.video().codec());
        assertEquals("aac", r.audio().codec());
    }

    @Test
    void pcmAudioIsAacInHlsTs() throws Exception {
        HttpResponse<String> playlist = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(server.http("/hls/cams/pcm/index.m3u8"))).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, playlist.statusCode(), playlist.body());
        String segment = playlist.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst()
                .orElseThrow(() -> new AssertionError(playlist.body()));
        String base = server.http("/hls/cams/pcm/");
        Probe.Result ts = Probe.probe(segment.startsWith("http") ? segment
                : segment.startsWith("/") ? server.http(segment) : base + segment);
        assertEquals("mpegts", ts.formatName());
        assertEquals("aac", ts.audio().codec());
        assertEquals("h264", ts.video().codec());
    }

    private static String api() {
        try {
            return server.get("/api/sources/cams/flv").body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
