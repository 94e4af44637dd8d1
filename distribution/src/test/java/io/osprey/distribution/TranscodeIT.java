package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The transcode plugin end to end, kept tiny for CPU: ffmpeg publishes 320x240 15 fps H.264 + AAC over RTMP with a
 * 1 s GOP; the app's ladder is {@code mid} (120p) and {@code low} (72p). Renditions are started on demand by their
 * viewers and read back by ffprobe; the master playlist lists them; key frames line up; a killed worker restarts.
 */
class TranscodeIT {

    private static final String LADDER = "[{name: mid, height: 120, videoKbps: 160, audioKbps: 64},"
            + " {name: low, height: 72, videoKbps: 80, audioKbps: 32}]";
    private static final double FRAME_MS = 1000.0 / 15;
    private static TestServer server;
    private static Process publisher;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start("plugins.transcode.ladders.live=" + LADDER, "plugins.hls.segmentMs=1000",
                "plugins.hls.format=ts");
        publisher = Ffmpeg.start(null, "-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-f", "lavfi",
                "-i", "sine=frequency=440:sample_rate=44100", "-t", "120", "-c:v", "libopenh264", "-b:v", "300k",
                "-g", "15", "-c:a", "aac", "-b:a", "64k", "-f", "flv", server.rtmp("/live/cam"));
        Await.until("live/cam is live", Duration.ofSeconds(20), () -> server.status("/live/cam.flv") == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (publisher != null) {
            Ffmpeg.stop(publisher);
        }
        server.close();
    }

    @Test
    void eachRenditionIsAStreamWithItsResolutionAndBitrate() throws Exception {
        Probe.Result mid = Probe.probe(server.http("/live/cam_mid.flv"), "-read_intervals", "%+1");
        assertEquals(160, mid.video().width(), mid.raw());
        assertEquals(120, mid.video().height(), mid.raw());
        assertEquals("h264", mid.video().codec());
        assertEquals("aac", mid.audio().codec(), "AAC audio is copied");
        Probe.Result low = Probe.probe(server.http("/live/cam_low.flv"), "-read_intervals", "%+1");
        assertEquals(96, low.video().width(), low.raw());
        assertEquals(72, low.video().height(), low.raw());
        // bit rate over 4 s of video, within 25 % of the configured rate
        double kbps = videoKbps(server.http("/live/cam_mid.flv"), 4);
        assertTrue(kbps > 160 * 0.75 && kbps < 160 * 1.25, "mid at " + kbps + " kbit/s, configured 160");
        HttpResponse<String> api = server.get("/api/transcode");
        assertEquals(200, api.statusCode(), api.body());
        assertTrue(api.body().contains("\"source\":\"live/cam\""), api.body());
    }

    @Test
    void theMasterPlaylistListsEveryRenditionWithRfc8216Attributes() throws Exception {
        HttpResponse<String> r = server.get("/hls/live/cam/master.m3u8");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("content-type").orElse("").contains("mpegurl"), r.headers().toString());
        List<String> lines = r.body().lines().toList();
        assertEquals("#EXTM3U", lines.get(0), "RFC 8216 4.3.1.1: the first line");
        List<Map.Entry<String, String>> variants = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("#EXT-X-STREAM-INF:")) {
                String uri = lines.get(i + 1);
                assertFalse(uri.startsWith("#") || uri.isBlank(), "4.3.4.2: the URI line follows: " + r.body());
                variants.add(Map.entry(lines.get(i), uri));
            }
        }
        assertEquals(3, variants.size(), r.body());
        List<String> resolutions = new ArrayList<>();
        for (Map.Entry<String, String> v : variants) {
            String attrs = v.getKey();
            assertTrue(attrs.matches(".*[:,]BANDWIDTH=\\d+.*"), "BANDWIDTH is required: " + attrs);
            assertTrue(attrs.matches(".*,CODECS=\"avc1\\.[0-9a-f]{6},mp4a\\.40\\.2\".*"), attrs);
            assertTrue(attrs.matches(".*,FRAME-RATE=\\d+\\.\\d{3}.*"), attrs);
            Matcher m = Pattern.compile("RESOLUTION=(\\d+x\\d+)").matcher(attrs);
            assertTrue(m.find(), attrs);
            resolutions.add(m.group(1));
            URI media = URI.create(server.http("/hls/live/cam/master.m3u8")).resolve(v.getValue());
            Await.until("variant " + media + " has segments", Duration.ofSeconds(20), () -> {
                try {
                    HttpResponse<String> p = HTTP.send(HttpRequest.newBuilder(media).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return p.statusCode() == 200 && p.body().contains("#EXTINF:");
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
        }
        assertEquals(List.of("320x240", "160x120", "96x72"), resolutions);
    }

    @Test
    void renditionSegmentsStartWithKeyFramesAtTheSameTimes() throws Exception {
        server.get("/hls/live/cam/master.m3u8"); // starts the ladder if it is not running
        Await.until("both renditions have 4 segments", Duration.ofSeconds(30),
                () -> segments("cam_mid").size() >= 4 && segments("cam_low").size() >= 4);
        // the three playlists are read one after the other while a loaded machine may keep the renditions a few
        // segments behind the source: read again until their windows share two segment starts (or the deadline)
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            TreeSet<Long> mid = segmentStarts("cam_mid");
            TreeSet<Long> low = segmentStarts("cam_low");
            TreeSet<Long> src = segmentStarts("cam");
            long from = Math.max(mid.first(), Math.max(low.first(), src.first()));
            long to = Math.min(mid.last(), Math.min(low.last(), src.last()));
            java.util.SortedSet<Long> shared = from <= to ? mid.subSet(from, true, to, true) : new TreeSet<>();
            String seen = "mid " + mid + ", low " + low + ", source " + src;
            if (shared.size() >= 2) {
                for (long t : shared) {
                    assertTrue(near(low, t) && near(src, t), "segment start " + t + " ms of mid: " + seen);
                }
                return;
            }
            assertTrue(System.nanoTime() < deadline, "no two overlapping segments within 30 s: " + seen);
            Thread.sleep(1000);
        }
    }

    @Test
    void aKilledWorkerRestartsTheLadderAndTheSourceViewerNeverNotices() throws Exception {
        Probe.probe(server.http("/live/cam_mid.flv"), "-read_intervals", "%+1"); // the ladder runs
        AtomicLong source = new AtomicLong();
        AtomicLong rendition = new AtomicLong();
        AtomicBoolean sourceEnded = new AtomicBoolean();
        Thread a = reader(server.http("/live/cam.flv"), source, sourceEnded);
        Thread b = reader(server.http("/live/cam_mid.flv"), rendition, new AtomicBoolean());
        Await.until("both viewers receive", Duration.ofSeconds(15), () -> source.get() > 20_000
                && rendition.get() > 5_000);
        ProcessHandle worker = ProcessHandle.current().descendants().filter(p -> p.info().arguments()
                .map(args -> List.of(args).contains("pipe:0")).orElse(false)).findFirst().orElseThrow();
        worker.destroyForcibly(); // as a native crash would end it
        Await.until("a new worker", Duration.ofSeconds(20), () -> ProcessHandle.current().descendants()
                .anyMatch(p -> p.pid() != worker.pid() && p.isAlive() && p.info().arguments()
                        .map(args -> List.of(args).contains("pipe:0")).orElse(false)));
        long s0 = source.get();
        long r0 = rendition.get();
        Await.until("both viewers receive after the restart", Duration.ofSeconds(20),
                () -> source.get() > s0 + 20_000 && rendition.get() > r0 + 5_000);
        assertFalse(sourceEnded.get(), "the source viewer's stream never ended");
        assertTrue(server.get("/api/transcode").body().matches("(?s).*\"restarts\":[1-9].*"),
                server.get("/api/transcode").body());
        a.interrupt();
        b.interrupt();
    }

    /** Reads an HTTP-FLV stream in the background, counting bytes; {@code ended} if it ended by itself. */
    private static Thread reader(String url, AtomicLong bytes, AtomicBoolean ended) {
        Thread t = new Thread(() -> {
            try (InputStream in = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofInputStream()).body()) {
                byte[] buf = new byte[16384];
                int n;
                while (!Thread.currentThread().isInterrupted() && (n = in.read(buf)) >= 0) {
                    bytes.addAndGet(n);
                }
                if (!Thread.currentThread().isInterrupted()) {
                    ended.set(true);
                }
            } catch (IOException | InterruptedException e) {
                // interrupted at the end of the test
            }
        }, "viewer " + url);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static boolean near(TreeSet<Long> starts, long t) {
        Long f = starts.floor(t + (long) FRAME_MS);
        return f != null && Math.abs(f - t) <= FRAME_MS;
    }

    private static List<String> segments(String stream) {
        try {
            HttpResponse<String> p = server.get("/hls/live/" + stream + "/index.m3u8");
            return p.statusCode() != 200 ? List.of()
                    : p.body().lines().filter(l -> !l.startsWith("#") && !l.isBlank()).toList();
        } catch (IOException | InterruptedException e) {
            return List.of();
        }
    }

    /** The first video packet time (ms) of every segment in the window, each checked to be a key frame. */
    private static TreeSet<Long> segmentStarts(String stream) throws Exception {
        TreeSet<Long> out = new TreeSet<>();
        for (String seg : segments(stream)) {
            Ffmpeg.Result r = Ffmpeg.run(30, Ffmpeg.ffprobe(), "-v", "error", "-select_streams", "v:0",
                    "-show_entries", "packet=pts_time,flags", "-of", "csv=p=0",
                    server.http("/hls/live/" + stream + "/" + seg));
            if (r.exitCode() != 0) {
                continue; // left the window meanwhile
            }
            String first = r.stdout().lines().findFirst().orElse("");
            if (first.isEmpty()) {
                continue;
            }
            String[] f = first.split(",");
            assertTrue(f[1].startsWith("K"), stream + " segment " + seg + " starts with a key frame: " + first);
            out.add(Math.round(Double.parseDouble(f[0]) * 1000));
        }
        return out;
    }

    /** Video kbit/s of {@code seconds} of a live FLV stream, from its packet sizes and timestamps. */
    private static double videoKbps(String url, int seconds) throws Exception {
        Ffmpeg.Result r = Ffmpeg.run(60, Ffmpeg.ffprobe(), "-v", "error", "-select_streams", "v:0", "-read_intervals",
                "%+" + seconds, "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", url);
        assertEquals(0, r.exitCode(), r.stderr());
        long bytes = 0;
        double first = -1;
        double last = 0;
        for (String l : r.stdout().lines().toList()) {
            String[] f = l.split(",");
            double t = Double.parseDouble(f[0]);
            first = first < 0 ? t : first;
            last = t;
            bytes += Long.parseLong(f[1]);
        }
        return bytes * 8 / 1000.0 / (last - first);
    }
}
