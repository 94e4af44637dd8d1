package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.ts.TsReader;
import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * End to end in one server: an MPEG-TS stream and an fMP4 LL-HLS stream published at real-time pace for 24 s
 * (kept under 30 s for CI). A reader per stream polls the playlist and fetches every segment (and every fMP4
 * part); ffprobe and ffmpeg read both live playlists meanwhile.
 */
class HlsLiveTest {
    static final long PUBLISH_MS = 24_000;
    static TestServer server;
    static Clip clip;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        clip = Clip.h264Aac(10);
        server = TestServer.start("plugins.hls.apps.cmaf.format=fmp4");
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void readersFfprobeAndFfmpegReadBothVariantsWhileLive() throws Exception {
        StreamKey ts = new StreamKey("live", "ts");
        StreamKey fm = new StreamKey("cmaf", "fm");
        assertEquals(404, HTTP.send(get("/hls/live/ts/index.m3u8"), HttpResponse.BodyHandlers.discarding())
                .statusCode(), "unknown stream: 404 at once");
        try (ClipPublisher p1 = ClipPublisher.frames(server.kernel().bus(), ts, clip, PUBLISH_MS);
             ClipPublisher p2 = ClipPublisher.frames(server.kernel().bus(), fm, clip, PUBLISH_MS)) {
            Reader tsReader = new Reader("/hls/live/ts/index.m3u8", false);
            Reader fmReader = new Reader("/hls/cmaf/fm/index.m3u8", true);
            CompletableFuture<Void> r1 = CompletableFuture.runAsync(tsReader::runUnchecked);
            CompletableFuture<Void> r2 = CompletableFuture.runAsync(fmReader::runUnchecked);
            try {
                Await.until("first segments", Duration.ofSeconds(20), () -> {
                    for (CompletableFuture<Void> r : List.of(r1, r2)) {
                        if (r.isCompletedExceptionally()) {
                            tsReader.stop = true;
                            fmReader.stop = true;
                            r.join(); // the reader's failure is the test's
                        }
                    }
                    return tsReader.segments >= 2 && fmReader.segments >= 2;
                });
                for (String url : List.of("/hls/live/ts/index.m3u8", "/hls/cmaf/fm/index.m3u8")) {
                    Ffmpeg.Result probe = Ffmpeg.run(60, Ffmpeg.ffprobe(), "-v", "error", "-show_entries",
                            "stream=codec_name", "-of", "csv=p=0", server.http(url));
                    assertEquals(0, probe.exitCode(), url + ": " + probe.stderr());
                    assertEquals("", probe.stderr().trim(), url + ": ffprobe reported errors");
                    assertTrue(probe.stdout().contains("h264") && probe.stdout().contains("aac"), probe.stdout());
                    Ffmpeg.Result read = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-hide_banner", "-nostdin", "-v", "error",
                            "-i", server.http(url), "-t", "5", "-c", "copy", "-f", "null", "-");
                    assertEquals(0, read.exitCode(), url + ": " + read.stderr());
                    assertEquals("", read.stderr().trim(), url + ": ffmpeg reported errors");
                }
                p1.join();
                p2.join();
            } finally {
                tsReader.stop = true;
                fmReader.stop = true;
            }
            r1.join();
            r2.join();
            int expected = (int) (PUBLISH_MS / 2000) - 2;
            assertTrue(tsReader.segments >= expected, "TS segments read: " + tsReader.segments);
            assertTrue(fmReader.segments >= expected, "fMP4 segments read: " + fmReader.segments);
            assertTrue(fmReader.parts > fmReader.segments * 4, "fMP4 parts read: " + fmReader.parts);
        }
        Await.until("streams released", Duration.ofSeconds(10), () -> {
            try {
                return HTTP.send(get("/hls/live/ts/index.m3u8"), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 404 && metric("osprey_hls_bytes") == 0 && metric("osprey_hls_streams") == 0;
            } catch (Exception e) {
                return false;
            }
        });
    }

    static double metric(String name) throws Exception {
        String text = HTTP.send(get("/metrics"), HttpResponse.BodyHandlers.ofString()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new AssertionError(name + " not in /metrics");
    }

    static HttpRequest get(String path) {
        return HttpRequest.newBuilder(URI.create(server.http(path))).timeout(Duration.ofSeconds(10)).GET().build();
    }

    static HttpResponse<byte[]> fetch(String path) throws Exception {
        return HTTP.send(get(path), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Polls a playlist and checks every segment it lists, in order, as a player would see them. */
    static final class Reader {
        final String playlist;
        final String base;
        final boolean fmp4;
        volatile boolean stop;
        volatile int segments;
        volatile int parts;
        long lastMediaSequence = -1;
        long lastMsn = -1;
        long lastVideoEnd = -1;
        long lastAudioEnd = -1;
        final Map<String, Boolean> partsSeen = new HashMap<>();
        final List<String> inits = new ArrayList<>();

        Reader(String playlist, boolean fmp4) {
            this.playlist = playlist;
            this.base = playlist.substring(0, playlist.lastIndexOf('/') + 1);
            this.fmp4 = fmp4;
        }

        void runUnchecked() {
            try {
                run();
            } catch (Exception e) {
                throw new IllegalStateException(playlist + ": " + e, e);
            }
        }

        void run() throws Exception {
            while (!stop) {
                HttpResponse<byte[]> r = fetch(playlist);
                if (r.statusCode() == 200) {
                    check(new M3u8(new String(r.body(), StandardCharsets.UTF_8)));
                } else {
                    assertEquals(404, r.statusCode());
                    assertTrue(segments == 0, "the playlist went away while publishing");
                }
                Thread.sleep(300);
            }
        }

        void check(M3u8 m) throws Exception {
            assertTrue(m.mediaSequence >= lastMediaSequence, "EXT-X-MEDIA-SEQUENCE went backwards");
            lastMediaSequence = m.mediaSequence;
            assertEquals(2, m.targetDuration);
            for (M3u8.Seg s : m.segments) {
                if (fmp4) {
                    assertTrue(s.map() != null, "fMP4 segments have EXT-X-MAP");
                    if (!inits.contains(s.map())) {
                        HttpResponse<byte[]> init = fetch(base + s.map());
                        assertEquals(200, init.statusCode());
                        MediaCheck.init(ByteBuffer.wrap(init.body()));
                        inits.add(s.map());
                    }
                    for (M3u8.PartLine p : s.parts()) {
                        part(p);
                    }
                }
                if (s.msn() <= lastMsn) {
                    continue;
                }
                assertEquals(lastMsn < 0 ? s.msn() : lastMsn + 1, s.msn(), "no segment skipped");
                lastMsn = s.msn();
                HttpResponse<byte[]> seg = fetch(base + s.uri());
                assertEquals(200, seg.statusCode(), s.uri());
                assertEquals("public, max-age=31536000, immutable", seg.headers().firstValue("cache-control")
                        .orElse(""));
                ByteBuffer body = ByteBuffer.wrap(seg.body());
                assertTrue(s.duration() <= 2.0 && s.duration() >= 1.9, "segment within target: " + s.duration());
                if (fmp4) {
                    fmp4(body, s);
                } else {
                    ts(body, s);
                }
                segments++;
            }
            for (M3u8.PartLine p : m.openParts) {
                part(p);
            }
        }

        void part(M3u8.PartLine p) throws Exception {
            if (partsSeen.putIfAbsent(p.uri(), true) != null) {
                return;
            }
            HttpResponse<byte[]> r = fetch(base + p.uri());
            assertEquals(200, r.statusCode(), p.uri());
            MediaCheck.fmp4(ByteBuffer.wrap(r.body()));
            parts++;
        }

        void ts(ByteBuffer body, M3u8.Seg s) throws Exception {
            TsReader.Result r = MediaCheck.ts(body); // sync bytes, continuity counters, CRCs
            List<TsReader.Pes> video = MediaCheck.video(r);
            assertTrue(video.get(0).randomAccess(), "key frame first");
            long first = video.get(0).dts();
            long last = video.get(video.size() - 1).dts();
            if (lastVideoEnd >= 0) {
                assertEquals(lastVideoEnd, first, "video timestamps continue across segments");
            }
            lastVideoEnd = last + 3600;
            assertEquals(s.duration() * 90_000, lastVideoEnd - first, 90 * 2, "EXTINF = media duration");
            List<Long> audio = MediaCheck.aacFramePts(r); // merged AAC: several frames per PES
            if (lastAudioEnd >= 0) {
                assertTrue(Math.abs(audio.get(0) - lastAudioEnd) <= 90 * 25, "audio continues");
            }
            lastAudioEnd = audio.get(audio.size() - 1) + 2090;
        }

        void fmp4(ByteBuffer body, M3u8.Seg s) throws Exception {
            List<MediaCheck.Run> runs = MediaCheck.fmp4(body); // whole moof/mdat pairs, sizes consistent
            MediaCheck.Run firstVideo = runs.stream().filter(r -> r.trackId() == 1).findFirst().orElseThrow();
            assertTrue(firstVideo.firstIsSync(), "key frame first");
            long videoTicks = 0;
            for (MediaCheck.Run run : runs) {
                if (run.trackId() == 1) {
                    if (lastVideoEnd >= 0) {
                        assertEquals(lastVideoEnd, run.baseDecodeTime(), "video timeline continues");
                    }
                    lastVideoEnd = run.end();
                    videoTicks += run.end() - run.baseDecodeTime();
                } else {
                    if (lastAudioEnd >= 0) {
                        assertTrue(Math.abs(run.baseDecodeTime() - lastAudioEnd) <= 1100,
                                "audio timeline continues (within a frame: the looped clip's joins are not exact)");
                    }
                    lastAudioEnd = run.end();
                }
            }
            assertEquals(s.duration() * 90_000, videoTicks, 90 * 2, "EXTINF = media duration");
        }
    }
}
