package io.osprey.plugin.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.json.Json;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestServer;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real downloads: sources on a local HTTP server, the server's ffmpeg child, ffprobe reading the result. */
class DownloadTest {

    private static SourceServer source;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        source = new SourceServer(Media.dir());
        server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true");
    }

    @AfterAll
    static void stop() {
        server.close();
        source.close();
    }

    @Test
    void videoAndAudioAreMuxedAndStreamedBeforeTheSourceIsRead() throws Exception {
        // ~1.2 MB of video at 600 KB/s: the source takes ~2 s to serve, so bytes must arrive long before it ends
        String video = source.url("/video.mp4?rate=600000");
        String audio = source.url("/audio.m4a");
        int before = source.completed("/video.mp4");
        HttpResponse<InputStream> r = Downloads.open(Downloads.download(server.httpPort(), video, audio));
        assertEquals(200, r.statusCode());
        assertEquals("video/mp4", r.headers().firstValue("content-type").orElse(""));
        assertTrue(r.headers().firstValue("content-length").isEmpty(), "no Content-Length");
        assertTrue(r.headers().firstValue("content-disposition").orElse("").startsWith("attachment; filename=\"video.mp4\""),
                r.headers().toString());
        Path out = Files.createTempFile("passthrough", ".mp4");
        try (InputStream in = r.body(); var os = Files.newOutputStream(out)) {
            byte[] first = in.readNBytes(8);
            assertEquals("ftyp", new String(first, 4, 4, java.nio.charset.StandardCharsets.US_ASCII));
            assertEquals(before, source.completed("/video.mp4"), "first bytes arrived before the source was read");
            os.write(first);
            in.transferTo(os);
        }
        Ffmpeg.Result probe = Ffmpeg.run(30, Ffmpeg.ffprobe(), "-v", "error", "-show_entries",
                "stream=codec_type,codec_name:format=duration", "-of", "csv=p=0", out.toString());
        assertTrue(probe.stdout().contains("h264,video") && probe.stdout().contains("aac,audio"), probe.stdout());
        double duration = Double.parseDouble(probe.stdout().lines().filter(l -> !l.contains(","))
                .findFirst().orElseThrow().trim());
        assertEquals(Media.SECONDS, duration, 0.5);
        Ffmpeg.Result decode = Ffmpeg.run(60, Ffmpeg.ffmpeg(), "-v", "error", "-i", out.toString(), "-f", "null", "-");
        assertEquals(0, decode.exitCode(), decode.stderr());
        assertEquals("", decode.stderr().strip());
        Files.delete(out);
    }

    @Test
    void hlsMultivariantPlaylistPicksTheBestVariant() throws Exception {
        HttpResponse<byte[]> r = Downloads.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                Downloads.download(server.httpPort(), source.url("/hls/master.m3u8"), null) + "&filename=My%20Clip"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, r.statusCode(), new String(r.body()));
        assertTrue(r.headers().firstValue("content-disposition").orElse("").contains("filename=\"My Clip.mp4\""));
        Path out = Files.createTempFile("passthrough-hls", ".mp4");
        Files.write(out, r.body());
        Ffmpeg.Result probe = Ffmpeg.run(30, Ffmpeg.ffprobe(), "-v", "error", "-show_entries",
                "stream=codec_type,width:format=duration", "-of", "csv=p=0", out.toString());
        assertTrue(probe.stdout().contains("video,640") && probe.stdout().contains("audio"), probe.stdout());
        Files.delete(out);
    }

    @Test
    void infoDescribesTheSources() throws Exception {
        HttpResponse<String> r = Downloads.get("http://127.0.0.1:" + server.httpPort() + "/api/passthrough/info?url="
                + Downloads.q(source.url("/video.mp4")) + "&audio=" + Downloads.q(source.url("/audio.m4a")));
        assertEquals(200, r.statusCode(), r.body());
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> info = (java.util.Map<String, Object>) Json.parse(r.body());
        assertEquals("video", info.get("title"));
        assertEquals(Media.SECONDS, (Double) info.get("duration"), 0.5);
        assertTrue(r.body().contains("\"codec\":\"h264\"") && r.body().contains("\"codec\":\"aac\""), r.body());
        assertTrue(r.body().contains("\"width\":640") && r.body().contains("\"fps\":25"), r.body());
        double estimate = (Double) info.get("estimatedBytes");
        long actual = Files.size(Media.dir().resolve("video.mp4")) + Files.size(Media.dir().resolve("audio.m4a"));
        assertEquals(actual, estimate, actual * 0.2, "estimate within 20 % of the sources' size");
    }
}
