package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The web pages in a real browser: Debian's headless chromium, driven by playwright-core from node, against an
 * in-process server (ServiceLoader mode, every plugin of the distribution) serving the built site, with ffmpeg
 * publishing over RTMP. Screenshots land in target/screenshots.
 *
 * <p>Outputs that other plugins bring (HLS, WebSocket-FLV, FLV and fMP4 recordings, the recordings listing) are
 * tested when the server has them and skipped, with an assumption that names what is missing, when it does not.
 * The pages' own playback code for those outputs is tested now against files and playlists made by ffmpeg.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserIT {

    /** A live stream that always plays, and a short one that ends by itself so its recordings are finished. */
    private static final String LIVE = "live/test";
    private static final String RECORDED = "live/rec";

    private static TestServer server;
    private static BrowserDriver browser;
    private static Path web;
    private static Process publisher;
    private static Process shortPublisher;
    private static Path logs;

    @BeforeAll
    static void start() throws Exception {
        Path site = Path.of(System.getProperty("osprey.dist", "target/osprey")).resolve("web");
        assertTrue(Files.isRegularFile(site.resolve("index.html")), "the assembled site is missing: " + site);
        Path home = Files.createTempDirectory("osprey-browser");
        logs = Files.createDirectories(Path.of("target", "browser", "logs").toAbsolutePath());
        web = home.resolve("web");
        copyTree(site, web);
        Path clip = TestMedia.h264Aac(10, 1000);
        Fixtures.make(clip, web.resolve("fixtures/rec"), logs);

        // A publisher that drops is given 1.5 s to return before its stream ends (5 s by default).
        server = TestServer.start(home, null, "server.webDir=" + web, "bus.reconnectGraceMs=1500");
        browser = new BrowserDriver(server.http(""), TestServer.TOKEN);
        String missing = browser.missing();
        assertNull(missing, missing);

        publisher = Ffmpeg.start(logs.resolve("publish-test.log"), "-re", "-stream_loop", "-1", "-i", clip.toString(),
                "-c", "copy", "-f", "flv", server.rtmp("/" + LIVE));
        // 7 s, then the publisher leaves: recorders finish their files while the other tests run.
        shortPublisher = Ffmpeg.start(logs.resolve("publish-rec.log"), "-re", "-i", clip.toString(), "-t", "7",
                "-c", "copy", "-f", "flv", server.rtmp("/" + RECORDED));
        Await.until(LIVE + " to be live", Duration.ofSeconds(20), () -> status("/api/streams/" + LIVE) == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (publisher != null) {
            Ffmpeg.stop(publisher);
        }
        if (shortPublisher != null) {
            Ffmpeg.stop(shortPublisher);
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- live ------------------------------------------------------------------------------------------------

    @Test
    @Order(0)
    void indexPlaysHttpFlv() throws Exception {
        JsonNode r = play(page("/?app=live&stream=test", "index-httpflv"));
        assertPlayed(r, 3);
        assertEquals(640, r.path("videoWidth").asInt(), "the picture is the published one: " + r);
    }

    /** The publisher leaves: the page says "ended"; it comes back: the page plays again by itself. */
    @Test
    @Order(1)
    void indexSaysEndedAndReconnectsWhenThePublisherReturns() throws Exception {
        Path clip = TestMedia.h264Aac(10, 1000);
        Process first = Ffmpeg.start(logs.resolve("publish-short-1.log"), "-re", "-i", clip.toString(), "-t", "9",
                "-c", "copy", "-f", "flv", server.rtmp("/live/short"));
        Process[] second = new Process[1];
        Thread republish = new Thread(() -> {
            try {
                first.waitFor(30, TimeUnit.SECONDS);
                Await.until("live/short to end", Duration.ofSeconds(20),
                        () -> status("/api/streams/live/short") == 404);
                Thread.sleep(3000); // long enough for the page to notice the end
                second[0] = Ffmpeg.start(logs.resolve("publish-short-2.log"), "-re", "-stream_loop", "-1", "-i",
                        clip.toString(), "-c", "copy", "-f", "flv", server.rtmp("/live/short"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "republish");
        try {
            Await.until("live/short to be live", Duration.ofSeconds(20),
                    () -> status("/api/streams/live/short") == 200);
            republish.start();
            JsonNode r = browser.run("lifecycle", BrowserDriver.args().put("path", "/?app=live&stream=short")
                    .put("endedScreenshot", "index-ended").put("screenshot", "index-back"));
            String events = "\nevents " + r.path("events");
            assertTrue(r.path("sawPlaying").asBoolean(), "played first" + events);
            assertTrue(r.path("sawEnded").asBoolean(), "said the stream ended" + events);
            assertTrue(r.path("endedMessage").asText().startsWith("Stream ended"), r.path("endedMessage").asText());
            assertTrue(r.path("sawBack").asBoolean(), "played again without a reload" + events);
            assertEquals("playing", r.path("back").path("state").asText(), r.path("back") + events);
            assertTrue(r.path("back").path("played").asDouble() >= 2, r.path("back").toString());
            assertEquals(0, r.path("pageErrors").size(), r.toString());
        } finally {
            republish.join(30_000);
            Ffmpeg.stop(first);
            if (second[0] != null) {
                Ffmpeg.stop(second[0]);
            }
        }
    }

    @Test
    @Order(2)
    void indexPlaysWsFlv() throws Exception {
        assumeTrue(hasWebSocketFlv(), "httpflv has no WebSocket-FLV route yet (ws://host/live/test.flv was not "
                + "upgraded): WS-FLV is part of the httpflv plugin's issue");
        JsonNode r = play(page("/?app=live&stream=test&ws=1", "index-wsflv"));
        assertPlayed(r, 3);
        assertTrue(r.path("info").path("url").asText().startsWith("ws://"), r.toString());
    }

    @Test
    @Order(3)
    void playPlaysHlsAndLowLatencyHls() throws Exception {
        assumePlugin("hls");
        ArrayNode pages = BrowserDriver.JSON.createArrayNode();
        pages.add(page("/play.html?app=live&stream=test", "play-hls"));
        pages.add(page("/play.html?app=live&stream=test&ll=1", "play-llhls"));
        JsonNode r = browser.run("play", BrowserDriver.args().set("pages", pages));
        JsonNode hls = r.path("pages").get(0);
        JsonNode ll = r.path("pages").get(1);
        assertPlayed(hls, 3);
        assertPlayed(ll, 3);
        assertEquals("hls.js", hls.path("info").path("engine").asText(), hls.toString());
        assertTrue(ll.path("info").path("lowLatency").asBoolean(), ll.toString());
        assertTrue(ll.path("info").path("partTarget").asDouble() > 0,
                "LL-HLS: the playlist announces partial segments (EXT-X-PART-INF): " + ll.path("info"));
    }

    /** play.html with hls.js against a live playlist that ffmpeg's HLS muxer writes from our RTMP output. */
    @Test
    @Order(4)
    void playPlaysALivePlaylist() throws Exception {
        Path dir = Files.createDirectories(web.resolve("fixtures/hls"));
        Process writer = Ffmpeg.start(logs.resolve("hls-writer.log"), "-i", server.rtmp("/" + LIVE), "-c", "copy",
                "-f", "hls", "-hls_time", "1", "-hls_list_size", "6", "-hls_flags", "delete_segments+temp_file",
                dir.resolve("index.m3u8").toString());
        try {
            Await.until("ffmpeg's live playlist", Duration.ofSeconds(20),
                    () -> segments(dir.resolve("index.m3u8")) >= 3);
            JsonNode r = play(page("/play.html?url=/fixtures/hls/index.m3u8", "play-live-playlist"));
            assertPlayed(r, 3);
            assertTrue(r.path("info").path("live").asBoolean(), "hls.js saw a live playlist: " + r.path("info"));
        } finally {
            Ffmpeg.stop(writer);
        }
    }

    // ---- recordings ------------------------------------------------------------------------------------------

    /** mp4.html, video.html and play_merge.html (merged and separate) with files made by ffmpeg. */
    @Test
    @Order(5)
    void recordedPagesPlayFilesMadeByFfmpeg() throws Exception {
        String f = "/fixtures/rec/";
        ArrayNode pages = BrowserDriver.JSON.createArrayNode();
        pages.add(page("/mp4.html?url=" + f + "stream_full.mp4", "mp4-file").put("seekTo", 0.6));
        pages.add(page("/video.html?url=" + f + Fixtures.FLV, "video-file"));
        pages.add(page("/play_merge.html?base=" + f + "&mode=merge&segments="
                + String.join(",", Fixtures.names(web.resolve("fixtures/rec/output_merge"), "seg_")), "merge-files"));
        pages.add(page("/play_merge.html?base=" + f + "&mode=separate&video="
                + String.join(",", Fixtures.names(web.resolve("fixtures/rec/output_separate"), "video_")) + "&audio="
                + String.join(",", Fixtures.names(web.resolve("fixtures/rec/output_separate"), "audio_")),
                "separate-files"));
        JsonNode r = browser.run("play", BrowserDriver.args().set("pages", pages));
        for (JsonNode p : r.path("pages")) {
            assertPlayed(p, 3);
        }
        assertSeeked(r.path("pages").get(0), 9);
        assertEquals("[\"video/mp4; codecs=\\\"avc1.42C01E, mp4a.40.2\\\"\"]",
                r.path("pages").get(2).path("info").path("types").toString(),
                "the codecs come from the init segment's avcC and esds");
    }

    @Test
    @Order(6)
    void videoPlaysTheFlvRecordingMadeInThisTest() throws Exception {
        Path folder = server.home().resolve("data/flv/" + RECORDED);
        awaitShortPublishEnded();
        assumeTrue(Files.isDirectory(folder), "httpflv made no FLV recording of " + RECORDED + " (no " + folder
                + "): FLV recording is part of the httpflv plugin's issue");
        Path file;
        try (Stream<Path> s = Files.list(folder)) {
            file = s.filter(p -> p.toString().endsWith(".flv")).max(Comparator.naturalOrder()).orElse(null);
        }
        assertNotNull(file, "an FLV recording in " + folder);
        assertTrue(file.getFileName().toString().matches("\\d{8}_\\d{6}\\.flv"), "named yyyyMMdd_HHmmss.flv: " + file);
        JsonNode r = play(page("/video.html?app=live&stream=rec&file=" + file.getFileName(), "video-recording")
                .put("seekTo", 0.6));
        assertPlayed(r, 3);
    }

    @Test
    @Order(7)
    void mp4AndPlayMergePlayTheFmp4RecordingMadeInThisTest() throws Exception {
        assumePlugin("fmp4-recorder");
        Path folder = server.home().resolve("data/mp4/" + RECORDED);
        awaitShortPublishEnded();
        Await.until("stream_full.mp4 of " + RECORDED, Duration.ofSeconds(30),
                () -> Files.isRegularFile(folder.resolve("stream_full.mp4")));
        ArrayNode pages = BrowserDriver.JSON.createArrayNode();
        pages.add(page("/mp4.html?app=live&stream=rec", "mp4-recording").put("seekTo", 0.6));
        List<String> merged = Fixtures.media(folder.resolve("output_merge"), "");
        assertFalse(merged.isEmpty(), "segments in " + folder.resolve("output_merge"));
        pages.add(page("/play_merge.html?app=live&stream=rec&mode=merge&segments=" + String.join(",", merged),
                "merge-recording"));
        Path separate = folder.resolve("output_separate");
        if (Files.isDirectory(separate)) {
            pages.add(page("/play_merge.html?app=live&stream=rec&mode=separate&video="
                    + String.join(",", Fixtures.media(separate, "video")) + "&audio="
                    + String.join(",", Fixtures.media(separate, "audio")), "separate-recording"));
        }
        JsonNode r = browser.run("play", BrowserDriver.args().set("pages", pages));
        for (JsonNode p : r.path("pages")) {
            assertPlayed(p, 3);
        }
        assertSeeked(r.path("pages").get(0), 5);
    }

    @Test
    @Order(8)
    void consoleListsRecordingsWithPlayAndDownloadLinks() throws Exception {
        awaitShortPublishEnded();
        int listing = status("/api/recordings");
        assumeTrue(listing != 404, "no recordings listing at GET /api/recordings yet (404): it comes with the "
                + "recording plugins; the console reads it from Osprey.urls.recordings in assets/osprey.js");
        assertEquals(200, listing);
        JsonNode r = browser.run("recordings", BrowserDriver.args().put("stream", RECORDED)
                .put("screenshot", "console-recordings"));
        assertEquals("true", r.path("available").asText(), r.toString());
        assertTrue(r.path("rows").size() > 0, "the console lists a recording of " + RECORDED + ": " + r);
        boolean download = false;
        for (JsonNode row : r.path("rows")) {
            assertTrue(row.toString().contains("\"Play\""), "a play link: " + row);
            for (JsonNode a : row.path("links")) {
                download |= a.path("download").asBoolean();
            }
        }
        assertTrue(download, "a download link for a recorded file: " + r);
        assertEquals(0, r.path("pageErrors").size(), r.toString());
    }

    // ---- states, layout --------------------------------------------------------------------------------------

    @Test
    @Order(9)
    void everyPageSaysNotFoundWithinThreeSeconds() throws Exception {
        ArrayNode pages = BrowserDriver.JSON.createArrayNode();
        pages.add(page("/?app=live&stream=nope", "notfound-index"));
        pages.add(page("/?app=live&stream=nope&ws=1", "notfound-index-ws"));
        pages.add(page("/play.html?app=live&stream=nope", "notfound-play"));
        pages.add(page("/play.html?app=live&stream=nope&ll=1", null));
        pages.add(page("/mp4.html?app=live&stream=nope", "notfound-mp4"));
        pages.add(page("/video.html?app=live&stream=nope&file=20250101_120000.flv", "notfound-video"));
        pages.add(page("/play_merge.html?app=live&stream=nope&segments=seg_1.m4s", "notfound-play_merge"));
        JsonNode r = browser.run("notFound", BrowserDriver.args().set("pages", pages));
        for (JsonNode p : r.path("pages")) {
            assertEquals("notfound", p.path("state").asText(), p.toString());
            assertTrue(p.path("afterMs").asLong() < 3000, "said within 3 s: " + p);
            assertTrue(p.path("message").asText().toLowerCase(Locale.ROOT).contains("not found"), p.toString());
            assertEquals(0, p.path("pageErrors").size(), p.toString());
        }
    }

    @Test
    @Order(10)
    void everyPageHasLabelledControlsAndFits375Pixels() throws Exception {
        ArrayNode pages = BrowserDriver.JSON.createArrayNode();
        pages.add(page("/", "375-index"));
        pages.add(page("/play.html?url=/fixtures/nope/index.m3u8", "375-play"));
        pages.add(page("/mp4.html?url=/fixtures/rec/stream_full.mp4", "375-mp4"));
        pages.add(page("/video.html?url=/fixtures/rec/" + Fixtures.FLV, "375-video"));
        pages.add(page("/play_merge.html?base=/fixtures/rec/&segments=seg_0.m4s", "375-play_merge"));
        pages.add(page("/console/", "375-console").put("console", true));
        JsonNode r = browser.run("layout", BrowserDriver.args().put("width", 375).set("pages", pages));
        assertEquals(6, r.path("pages").size());
        for (JsonNode p : r.path("pages")) {
            String at = p.path("path").asText();
            assertTrue(p.path("scrollWidth").asInt() <= 375, at + " overflows 375 px: " + p.path("wide"));
            assertEquals(0, p.path("unlabeled").size(), at + " has controls without a label: " + p.path("unlabeled"));
            assertTrue(p.path("controls").asInt() > 3, at + " " + p);
            assertEquals("en", p.path("lang").asText(), at);
            assertEquals(1, p.path("h1").asInt(), at);
            assertEquals(0, p.path("pageErrors").size(), at + ": " + p.path("pageErrors"));
        }
    }

    // ---- console ---------------------------------------------------------------------------------------------

    /**
     * The console shows the stream with bitrate and viewers; switching httpflv off from the console makes the open
     * index.html say the stream is gone and a fresh one say "not found"; switching it on brings the open one back.
     */
    @Test
    @Order(11)
    void consoleShowsTheStreamAndItsHttpFlvSwitchWorks() throws Exception {
        JsonNode r = browser.run("console", BrowserDriver.args().put("stream", LIVE)
                .put("playerPath", "/?app=live&stream=test").put("toggle", "httpflv")
                .put("screenshot", "console").put("offScreenshot", "index-httpflv-off"));
        assertConsoleCard(r);
        assertTrue(r.path("card").toString().contains("HTTP-FLV"), "a play link: " + r.path("card"));
        assertSwitchedOffAndOn(r, "Run httpflv");
    }

    @Test
    @Order(12)
    void consoleHlsSwitchMakesPlayFailAndPlayAgain() throws Exception {
        assumePlugin("hls");
        JsonNode r = browser.run("console", BrowserDriver.args().put("stream", LIVE)
                .put("playerPath", "/play.html?app=live&stream=test").put("toggle", "hls")
                .put("screenshot", "console-hls").put("offScreenshot", "play-hls-off"));
        assertConsoleCard(r);
        assertTrue(r.path("card").toString().contains("LL-HLS"), "HLS play links: " + r.path("card"));
        assertSwitchedOffAndOn(r, "Run hls");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static void assertConsoleCard(JsonNode r) {
        JsonNode card = r.path("card");
        assertFalse(card.isMissingNode() || card.isNull(), "the console lists " + LIVE + ": " + r);
        assertTrue(card.path("bitrate").asLong() > 0, "non-zero bitrate: " + card);
        assertTrue(card.path("viewers").asInt() >= 1, "the open player is counted: " + card);
        assertTrue(card.path("chartPoints").asInt() >= 3, "the chart has points: " + card);
        String text = card.path("text").asText();
        assertTrue(text.contains("h264 640×360"), text);
        assertTrue(text.contains("aac 44.1 kHz stereo"), text);
        assertEquals("healthy", r.path("health").asText(), r.toString());
        assertEquals(0, r.path("console").path("pageErrors").size(), r.path("console").toString());
    }

    private static void assertSwitchedOffAndOn(JsonNode r, String label) {
        assertEquals(label, r.path("switchLabel").asText(), "the switch is labelled");
        assertTrue(r.path("switchBefore").asBoolean(), r.toString());
        assertEquals("stopped", r.path("stateAfterOff").asText(), r.toString());
        JsonNode off = r.path("playerWhenOff");
        assertTrue(off.path("reached").asBoolean(), "the open player says the stream is gone: " + off);
        JsonNode fresh = r.path("freshWhenOff");
        assertEquals("notfound", fresh.path("state").asText(), fresh.toString());
        assertTrue(fresh.path("afterMs").asLong() < 3000, "a fresh page says so within 3 s: " + fresh);
        assertEquals("active", r.path("stateAfterOn").asText(), r.toString());
        JsonNode on = r.path("playerWhenOn");
        assertEquals("playing", on.path("state").asText(), "the open player came back by itself: " + on
                + "\nevents " + r.path("playerEvents"));
        assertTrue(on.path("played").asDouble() >= 2, on.toString());
        assertEquals(0, r.path("player").path("pageErrors").size(), r.path("player").toString());
    }

    private static JsonNode play(ObjectNode page) throws IOException, InterruptedException {
        ArrayNode pages = BrowserDriver.JSON.createArrayNode().add(page);
        return browser.run("play", BrowserDriver.args().set("pages", pages)).path("pages").get(0);
    }

    private static ObjectNode page(String path, String shot) {
        return BrowserDriver.page(path, shot);
    }

    /** Played `seconds` of media in the playing state, currentTime past 3 s, with no player error. */
    private static void assertPlayed(JsonNode p, double seconds) {
        String at = p.path("path").asText();
        assertEquals("playing", p.path("state").asText(), at + " plays: " + p);
        assertTrue(p.path("currentTime").asDouble() > 3, at + " currentTime > 3 s: " + p);
        assertTrue(p.path("played").asDouble() >= seconds, at + " played " + seconds + " s: " + p);
        assertEquals(0, p.path("errors").size(), at + " reported player errors: " + p.path("errors"));
        assertEquals(0, p.path("pageErrors").size(), at + " threw: " + p.path("pageErrors"));
    }

    /** The recording could be sought: the whole file is seekable and the player landed where it was sent. */
    private static void assertSeeked(JsonNode p, double minEnd) {
        JsonNode seek = p.path("seek");
        assertFalse(seek.isMissingNode(), "seek result: " + p);
        assertTrue(seek.path("seekable").get(1).asDouble() >= minEnd, "seekable to the end: " + seek);
        double target = seek.path("target").asDouble();
        double now = seek.path("currentTime").asDouble();
        assertTrue(now >= target - 0.5 && now <= target + 3, "landed near " + target + ": " + seek);
    }

    private static void assumePlugin(String id) throws IOException, InterruptedException {
        assumeTrue(plugins().contains(id), "the " + id + " plugin is not in this build (GET /api/plugins has no "
                + id + "; add it to the distribution's dependencies)");
    }

    private static Set<String> plugins() throws IOException, InterruptedException {
        Set<String> ids = new HashSet<>();
        for (JsonNode p : BrowserDriver.JSON.readTree(server.get("/api/plugins").body())) {
            ids.add(p.path("id").asText());
        }
        return ids;
    }

    /** Whether ws://host/live/test.flv upgrades (the HTTP-FLV route alone answers 200 and no upgrade). */
    private static boolean hasWebSocketFlv() throws InterruptedException {
        try {
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.httpPort() + "/" + LIVE + ".flv"),
                            new WebSocket.Listener() { })
                    .get(10, TimeUnit.SECONDS);
            ws.abort();
            return true;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }

    private static int status(String path) {
        try {
            return server.get(path).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void awaitShortPublishEnded() throws InterruptedException {
        assertTrue(shortPublisher.waitFor(30, TimeUnit.SECONDS), "the 7 s publish of " + RECORDED + " ended");
        Await.until(RECORDED + " to end", Duration.ofSeconds(15), () -> status("/api/streams/" + RECORDED) == 404);
    }

    private static int segments(Path playlist) {
        try {
            return (int) Files.readAllLines(playlist).stream().filter(l -> l.startsWith("#EXTINF")).count();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /** Recordings made by ffmpeg in the recorders' layout, to test the pages' playback code on its own. */
    static final class Fixtures {

        static final String FLV = "20250101_120000.flv";
        private static final Pattern NUMBER = Pattern.compile("(\\d+)\\D*$");

        static void make(Path clip, Path dir, Path logs) throws IOException, InterruptedException {
            Files.createDirectories(dir.resolve("output_merge"));
            Files.createDirectories(dir.resolve("output_separate"));
            Files.copy(clip, dir.resolve(FLV));
            ffmpeg(logs, "-i", clip.toString(), "-c", "copy", "-movflags", "+faststart",
                    dir.resolve("stream_full.mp4").toString());
            hlsFmp4(logs, clip, dir.resolve("output_merge"), List.of(), "init.mp4", "seg_%d.m4s");
            hlsFmp4(logs, clip, dir.resolve("output_separate"), List.of("-map", "0:v"), "video_init.mp4",
                    "video_%d.m4s");
            hlsFmp4(logs, clip, dir.resolve("output_separate"), List.of("-map", "0:a"), "audio_init.mp4",
                    "audio_%d.m4s");
        }

        private static void hlsFmp4(Path logs, Path clip, Path dir, List<String> map, String init, String segments)
                throws IOException, InterruptedException {
            List<String> a = new ArrayList<>(List.of("-i", clip.toString()));
            a.addAll(map);
            a.addAll(List.of("-c", "copy", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
                    "-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", init, "-hls_segment_filename",
                    dir.resolve(segments).toString(), dir.resolve(init.replace(".mp4", ".m3u8")).toString()));
            ffmpeg(logs, a.toArray(String[]::new));
        }

        private static void ffmpeg(Path logs, String... args) throws IOException, InterruptedException {
            String[] all = new String[args.length + 4];
            all[0] = "-hide_banner";
            all[1] = "-y";
            all[2] = "-loglevel";
            all[3] = "error";
            System.arraycopy(args, 0, all, 4, args.length);
            Ffmpeg.Result r = Ffmpeg.run(60, Ffmpeg.ffmpeg(), all);
            assertEquals(0, r.exitCode(), "ffmpeg " + String.join(" ", args) + ": " + r.stderr());
        }

        /** File names in {@code dir} starting with {@code prefix}, in segment-number order. */
        static List<String> names(Path dir, String prefix) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix) && n.endsWith(".m4s"))
                        .sorted(Comparator.comparingLong(Fixtures::number).thenComparing(Comparator.naturalOrder()))
                        .toList();
            }
        }

        /** Media segments (not init segments) in {@code dir} whose name contains {@code kind}, in order. */
        static List<String> media(Path dir, String kind) throws IOException {
            try (Stream<Path> s = Files.list(dir)) {
                return s.map(p -> p.getFileName().toString())
                        .filter(n -> n.contains(kind) && !n.contains("init"))
                        .filter(n -> n.endsWith(".m4s") || n.endsWith(".mp4"))
                        .sorted(Comparator.comparingLong(Fixtures::number).thenComparing(Comparator.naturalOrder()))
                        .toList();
            }
        }

        private static long number(String name) {
            Matcher m = NUMBER.matcher(name);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        }
    }
}
