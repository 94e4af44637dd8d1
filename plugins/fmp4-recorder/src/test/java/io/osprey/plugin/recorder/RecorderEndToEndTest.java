package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.mp4.Mp4BoxReader;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * One 20 s recording (the H.264 + AAC test clip published into the bus at 4x real time: timing does not matter
 * here, only stream time does), checked with ffprobe and ffmpeg: the merged MP4, both segment sets, the index,
 * VOD serving with ranges, and the admin listing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RecorderEndToEndTest {

    static final double CLIP_SECONDS = 20;
    private TestServer server;
    private Path session;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void record() throws Exception {
        Path clip = TestMedia.h264Aac((int) CLIP_SECONDS, 500);
        // every form kept (the default stores the merged MP4 alone): this test checks each of them
        server = TestServer.start("plugins.fmp4-recorder.mode=both", "plugins.fmp4-recorder.keepSegments=true");
        Clip media = Clip.read(clip);
        Publisher p = media.publish(server.kernel().bus(), new StreamKey("live", "e2e"), 4);
        p.close();
        Path streamDir = server.home().resolve("data/mp4/live/e2e");
        Await.until("stream_full.mp4", Duration.ofSeconds(60), () -> {
            try (Stream<Path> s = Files.list(streamDir)) {
                return s.anyMatch(d -> Files.exists(d.resolve("stream_full.mp4")));
            } catch (IOException e) {
                return false;
            }
        });
        try (Stream<Path> s = Files.list(streamDir)) {
            session = s.filter(d -> Files.exists(d.resolve("stream_full.mp4"))).findFirst().orElseThrow();
        }
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Path full() {
        return session.resolve("stream_full.mp4");
    }

    @Test
    void mergedFileHasBothTracksTheWholeDurationAndMoovFirst() throws Exception {
        Probe.Result r = Probe.probe(full().toString());
        assertNotNull(r.video(), r.raw());
        assertNotNull(r.audio(), r.raw());
        assertEquals("h264", r.video().codec());
        assertEquals("aac", r.audio().codec());
        assertEquals(640, r.video().width());
        assertEquals(CLIP_SECONDS, r.duration(), 0.5, r.raw());
        assertEquals(List.of("ftyp", "moov", "mdat"), topLevelBoxes(full()), "fast start: moov before mdat");
    }

    @Test
    void mergedFileDecodesWithoutErrorsAndSeeks() throws Exception {
        Ffmpeg.Result all = Ffmpeg.run(120, Ffmpeg.ffmpeg(), "-v", "error", "-i", full().toString(), "-f", "null",
                "-");
        assertEquals(0, all.exitCode(), all.stderr());
        assertEquals("", all.stderr().trim());
        Ffmpeg.Result seek = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-v", "error", "-ss", "10", "-i", full().toString(),
                "-t", "1", "-f", "null", "-");
        assertEquals(0, seek.exitCode(), seek.stderr());
        assertEquals("", seek.stderr().trim());
    }

    @Test
    void mergedSegmentSetPlaysAsInitPlusSegments() throws Exception {
        Path dir = session.resolve("output_merge");
        Path joined = concat(dir.resolve("init.mp4"), segments(dir, "seg-"));
        assertDecodes(joined, true, true);
        String playlist = Files.readString(dir.resolve("index.m3u8"));
        assertTrue(playlist.contains("#EXT-X-MAP:URI=\"init.mp4\""), playlist);
        assertTrue(playlist.contains("#EXT-X-ENDLIST"), playlist);
        assertTrue(segments(dir, "seg-").size() >= 8, "about 2 s segments: " + segments(dir, "seg-"));
    }

    @Test
    void separateSetsPlayEachAlone() throws Exception {
        Path dir = session.resolve("output_separate");
        assertDecodes(concat(dir.resolve("video_init.mp4"), segments(dir, "video-")), true, false);
        assertDecodes(concat(dir.resolve("audio_init.mp4"), segments(dir, "audio-")), false, true);
    }

    @Test
    void indexListsEverySetForAnMsePlayer() throws Exception {
        String index = Files.readString(session.resolve("index.json"));
        assertTrue(index.contains("\"state\": \"merged\""), index);
        assertTrue(index.contains("\"stream\": \"live/e2e\""), index);
        assertTrue(index.contains("video/mp4; codecs=\\\"avc1."), index);
        assertTrue(index.contains("mp4a.40.2"), index);
        assertTrue(index.contains("\"uri\": \"output_merge/seg-00001.m4s\""), index);
        assertTrue(index.contains("\"uri\": \"stream_full.mp4\""), index);
        try (Stream<Path> s = Files.walk(session)) {
            assertFalse(s.anyMatch(p -> p.toString().endsWith(".part") || p.toString().endsWith(".tmp")),
                    "no leftovers");
        }
    }

    private String url(String rel) {
        return server.http("/mp4/live/e2e/" + session.getFileName() + "/" + rel);
    }

    private HttpResponse<byte[]> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void rangesOnTheMergedFile() throws Exception {
        byte[] file = Files.readAllBytes(full());
        int n = file.length;
        HttpResponse<byte[]> whole = get(url("stream_full.mp4"));
        assertEquals(200, whole.statusCode());
        assertArrayEquals(file, whole.body());
        assertEquals("video/mp4", whole.headers().firstValue("Content-Type").orElse(""));
        assertEquals("bytes", whole.headers().firstValue("Accept-Ranges").orElse(""));
        String etag = whole.headers().firstValue("ETag").orElseThrow();
        assertTrue(whole.headers().firstValue("Last-Modified").isPresent());

        HttpResponse<byte[]> first = get(url("stream_full.mp4"), "Range", "bytes=0-99");
        assertEquals(206, first.statusCode());
        assertEquals("bytes 0-99/" + n, first.headers().firstValue("Content-Range").orElse(""));
        assertArrayEquals(Arrays.copyOfRange(file, 0, 100), first.body());

        HttpResponse<byte[]> last = get(url("stream_full.mp4"), "Range", "bytes=-500");
        assertEquals(206, last.statusCode());
        assertEquals("bytes " + (n - 500) + "-" + (n - 1) + "/" + n, last.headers().firstValue("Content-Range")
                .orElse(""));
        assertArrayEquals(Arrays.copyOfRange(file, n - 500, n), last.body());

        int mid = n / 2;
        HttpResponse<byte[]> middle = get(url("stream_full.mp4"), "Range", "bytes=" + mid + "-" + (mid + 65535));
        assertEquals(206, middle.statusCode());
        assertArrayEquals(Arrays.copyOfRange(file, mid, mid + 65536), middle.body());

        HttpResponse<byte[]> open = get(url("stream_full.mp4"), "Range", "bytes=" + (n - 10) + "-");
        assertArrayEquals(Arrays.copyOfRange(file, n - 10, n), open.body());

        HttpResponse<byte[]> multi = get(url("stream_full.mp4"), "Range", "bytes=0-9, 1000-1099, 5-20");
        assertEquals(206, multi.statusCode());
        String type = multi.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("multipart/byteranges; boundary="), type);
        String boundary = type.substring(type.indexOf('=') + 1);
        List<byte[]> parts = multipart(multi.body(), boundary, List.of("bytes 0-20/" + n, "bytes 1000-1099/" + n));
        assertArrayEquals(Arrays.copyOfRange(file, 0, 21), parts.get(0), "0-9 and 5-20 coalesce");
        assertArrayEquals(Arrays.copyOfRange(file, 1000, 1100), parts.get(1));
        assertEquals(multi.body().length, Long.parseLong(multi.headers().firstValue("Content-Length").orElse("-1")));

        for (String bad : List.of("bytes=" + n + "-", "bytes=" + (n + 100) + "-" + (n + 200), "bytes=-0",
                "bytes=abc", "bytes=10-5", "bytes=0-1" + ",0-1".repeat(40), "bytes")) {
            HttpResponse<byte[]> r = get(url("stream_full.mp4"), "Range", bad);
            assertEquals(416, r.statusCode(), bad);
            assertEquals("bytes */" + n, r.headers().firstValue("Content-Range").orElse(""), bad);
        }
        assertEquals(200, get(url("stream_full.mp4"), "Range", "items=0-5").statusCode(), "unknown unit: ignored");

        assertEquals(304, get(url("stream_full.mp4"), "If-None-Match", etag).statusCode());
        assertEquals(206, get(url("stream_full.mp4"), "Range", "bytes=0-0", "If-Range", etag).statusCode());
        HttpResponse<byte[]> stale = get(url("stream_full.mp4"), "Range", "bytes=0-0", "If-Range", "\"old\"");
        assertEquals(200, stale.statusCode(), "a changed file is sent whole");
        assertEquals(n, stale.body().length);
    }

    @Test
    void contentTypesAndContainment() throws Exception {
        assertEquals("video/iso.segment", get(url("output_merge/seg-00001.m4s")).headers()
                .firstValue("Content-Type").orElse(""));
        assertEquals("application/json", get(url("index.json")).headers().firstValue("Content-Type").orElse(""));
        assertEquals("application/vnd.apple.mpegurl", get(url("output_merge/index.m3u8")).headers()
                .firstValue("Content-Type").orElse(""));
        assertEquals("*", get(url("index.json")).headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        assertEquals(404, get(url("session.lock")).statusCode(), "unknown extension");
        Path secret = server.home().resolve("secret.mp4");
        Files.writeString(secret, "not a recording");
        Files.createSymbolicLink(session.resolve("link.mp4"), secret);
        Files.createSymbolicLink(session.resolve("linkdir"), server.home());
        assertEquals(404, get(url("link.mp4")).statusCode(), "a symlink out of the data folder");
        assertEquals(404, get(url("linkdir/secret.mp4")).statusCode());
        for (String evil : List.of("/mp4/../secret.mp4", "/mp4/live/%2e%2e/%2e%2e/secret.mp4",
                "/mp4/live/..%2f..%2fsecret.mp4", "/mp4/.hidden.mp4", "/mp4/live/e2e", "/mp4/x.mp4.tmp")) {
            int status = get(server.http(evil)).statusCode();
            assertTrue(status == 400 || status == 404, evil + " -> " + status);
        }
        Files.delete(session.resolve("link.mp4"));
        Files.delete(session.resolve("linkdir"));
        HttpResponse<byte[]> put = http.send(HttpRequest.newBuilder(URI.create(url("index.json")))
                .PUT(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(405, put.statusCode(), () -> new String(put.body()) + " " + put.version());
        HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(url("stream_full.mp4")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, head.statusCode());
        assertEquals(String.valueOf(Files.size(full())), head.headers().firstValue("Content-Length").orElse(""));
    }

    @Test
    void adminListingNeedsTheToken() throws Exception {
        assertEquals(401, get(server.http("/api/recordings")).statusCode());
        HttpResponse<String> r = server.get("/api/recordings?stream=live/e2e");
        assertEquals(200, r.statusCode());
        String body = r.body();
        assertTrue(body.contains("\"state\": \"merged\""), body);
        assertTrue(body.contains("/mp4/live/e2e/" + session.getFileName() + "/stream_full.mp4"), body);
        assertTrue(body.contains("\"stream\": \"live/e2e\""), body);
        assertTrue(body.contains("\"start\": \"20"), body);
        assertTrue(body.matches("(?s).*\"duration\": (19\\.[5-9]|20\\.[0-4])\\d*.*"), body);
        assertEquals(400, server.get("/api/recordings?stream=../x").statusCode());
    }

    static void assertDecodes(Path file, boolean video, boolean audio) throws Exception {
        Probe.Result p = Probe.probe(file.toString());
        assertEquals(video, p.video() != null, p.raw());
        assertEquals(audio, p.audio() != null, p.raw());
        Ffmpeg.Result r = Ffmpeg.run(120, Ffmpeg.ffmpeg(), "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("", r.stderr().trim(), file.toString());
        Ffmpeg.Result d = Ffmpeg.run(120, Ffmpeg.ffmpeg(), "-i", file.toString(), "-f", "null", "-");
        String time = d.stderr().substring(d.stderr().lastIndexOf("time=") + 5);
        String[] hms = time.substring(0, time.indexOf(' ')).split(":");
        double seconds = Integer.parseInt(hms[0]) * 3600 + Integer.parseInt(hms[1]) * 60 + Double.parseDouble(hms[2]);
        assertTrue(seconds > 17, file + " plays " + seconds + " s");
    }

    /** ffprobe sees both tracks, ffmpeg decodes without errors, and the file lasts at least {@code seconds}. */
    static void assertDecodesAtLeast(Path file, double seconds) throws Exception {
        Probe.Result p = Probe.probe(file.toString());
        assertTrue(p.video() != null && p.audio() != null, p.raw());
        assertTrue(p.duration() >= seconds, p.duration() + " s");
        Ffmpeg.Result r = Ffmpeg.run(120, Ffmpeg.ffmpeg(), "-v", "error", "-i", file.toString(), "-f", "null", "-");
        assertEquals(0, r.exitCode(), r.stderr());
        assertEquals("", r.stderr().trim(), file.toString());
    }

    static List<Path> segments(Path dir, String prefix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(prefix)
                    && p.getFileName().toString().endsWith(".m4s")).sorted().toList();
        }
    }

    static Path concat(Path init, List<Path> segments) throws IOException {
        Path out = Files.createTempFile("joined", ".mp4");
        try (OutputStream o = Files.newOutputStream(out)) {
            Files.copy(init, o);
            for (Path s : segments) {
                Files.copy(s, o);
            }
        }
        out.toFile().deleteOnExit();
        return out;
    }

    static List<String> topLevelBoxes(Path file) throws IOException {
        List<String> types = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Mp4BoxReader r = Mp4BoxReader.of(ch);
            Mp4BoxReader.Header h;
            while ((h = r.next()) != null) {
                types.add(h.type());
            }
        }
        return types;
    }

    /** RFC 9110 14.6: the parts' bodies, checking each part's Content-Range. */
    private static List<byte[]> multipart(byte[] body, String boundary, List<String> ranges) {
        String text = new String(body, StandardCharsets.ISO_8859_1);
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        for (String range : ranges) {
            int start = text.indexOf("--" + boundary + "\r\n", at);
            assertTrue(start >= 0, "part for " + range);
            int headersEnd = text.indexOf("\r\n\r\n", start);
            String headers = text.substring(start, headersEnd);
            assertTrue(headers.contains("Content-Range: " + range), headers);
            int next = text.indexOf("\r\n--" + boundary, headersEnd + 4);
            out.add(Arrays.copyOfRange(body, headersEnd + 4, next));
            at = next + 2;
        }
        assertTrue(text.endsWith("\r\n--" + boundary + "--\r\n"));
        return out;
    }
}
