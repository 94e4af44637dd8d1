package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pulled sources whose audio no HLS player should be handed as it is — PCM in Matroska and MP3 in FLV — come out
 * of HLS as AAC in MPEG-TS (ffprobe reads a segment), and hls.js in headless Chromium plays both, video and audio
 * (the browser's decoded audio byte count grows), through the same play.html as any pushed stream.
 */
class SourcesBrowserIT {

    private static TestServer server;
    private static BrowserDriver browser;

    @BeforeAll
    static void start() throws Exception {
        Path site = Path.of(System.getProperty("osprey.dist", "target/osprey")).resolve("web").toAbsolutePath();
        assertTrue(Files.isRegularFile(site.resolve("index.html")), "the assembled site is missing: " + site);
        Path clip = TestMedia.h264Aac(4, 300);
        Path pcm = convert(clip, "h264-pcm-4s-browser.mkv", "pcm_s16le");
        Path mp3 = convert(clip, "h264-mp3-4s-browser.flv", "libmp3lame");
        server = TestServer.start("server.webDir=" + site, "plugins.hls.segmentMs=1000",
                "plugins.sources.streams.cams/pcm.url=" + pcm, "plugins.sources.streams.cams/pcm.loop=true",
                "plugins.sources.streams.cams/mp3.url=" + mp3, "plugins.sources.streams.cams/mp3.loop=true");
        browser = new BrowserDriver(server.http(""), TestServer.TOKEN);
        String missing = browser.missing();
        assertNull(missing, missing);
        for (String k : new String[] {"cams/pcm", "cams/mp3"}) {
            Await.until(k + " live", Duration.ofSeconds(30),
                    () -> api(k).contains("\"state\": \"live\""));
        }
    }

    private static Path convert(Path clip, String name, String audioCodec) throws Exception {
        Path out = clip.resolveSibling(name);
        if (!Files.isRegularFile(out)) {
            Ffmpeg.Result r = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-hide_banner", "-y", "-loglevel", "error", "-i",
                    clip.toString(), "-c:v", "copy", "-c:a", audioCodec, out.toString());
            assertEquals(0, r.exitCode(), r.stderr());
        }
        return out;
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void pcmAndMp3SourcesAreAacInHlsTsAndHlsJsPlaysThem() throws Exception {
        assertTrue(api("cams/pcm").contains("\"sourceAudio\": \"pcm_s16le\""), api("cams/pcm"));
        assertTrue(api("cams/mp3").contains("\"sourceAudio\": \"mp3\""), api("cams/mp3"));
        for (String k : new String[] {"cams/pcm", "cams/mp3"}) {
            Probe.Result ts = Probe.probe(firstSegment(k));
            assertEquals("mpegts", ts.formatName(), k);
            assertEquals("aac", ts.audio().codec(), k + ": " + ts.raw());
            assertEquals("h264", ts.video().codec(), k);
        }
        ArrayNode pages = BrowserDriver.JSON.createArrayNode();
        pages.add(BrowserDriver.page("/play.html?app=cams&stream=pcm", "sources-play-pcm"));
        pages.add(BrowserDriver.page("/play.html?app=cams&stream=mp3", "sources-play-mp3"));
        JsonNode r = browser.run("play", BrowserDriver.args().set("pages", pages));
        for (JsonNode p : r.path("pages")) {
            String at = p.path("path").asText();
            assertEquals("playing", p.path("state").asText(), at + " plays: " + p);
            assertTrue(p.path("played").asDouble() >= 3, at + " played 3 s: " + p);
            assertEquals("hls.js", p.path("info").path("engine").asText(), at + ": " + p);
            assertTrue(p.path("audioDecodedBytes").asLong() > 0, at + " decoded audio: " + p);
            assertEquals(0, p.path("errors").size(), at + " reported player errors: " + p.path("errors"));
            assertEquals(0, p.path("pageErrors").size(), at + " threw: " + p.path("pageErrors"));
        }
    }

    private static String api(String key) {
        try {
            return server.get("/api/sources/" + key).body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The URL of the first segment of {@code key}'s HLS media playlist, once it lists one. */
    private static String firstSegment(String key) throws Exception {
        String base = server.http("/hls/" + key + "/");
        HttpClient http = HttpClient.newHttpClient();
        String[] segment = new String[1];
        Await.until(key + " to list a segment", Duration.ofSeconds(20), () -> {
            try {
                HttpResponse<String> playlist = http.send(HttpRequest.newBuilder(URI.create(base + "index.m3u8"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                segment[0] = playlist.statusCode() != 200 ? null : playlist.body().lines()
                        .filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElse(null);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return segment[0] != null;
        });
        String s = segment[0];
        return s.startsWith("http") ? s : s.startsWith("/") ? server.http(s) : base + s;
    }
}
