package io.osprey.plugin.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Broken sources and a killed worker: a clear status when nothing was sent yet, a cut stream (no last chunk) and a
 * logged reason after, and the server keeps serving.
 */
class FailureTest {

    private static SourceServer source;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        source = new SourceServer(Media.dir());
        server = TestServer.start("plugins.pass-through-muxer.allowPrivate=true",
                "plugins.pass-through-muxer.ioTimeoutMs=1000");
    }

    @AfterAll
    static void stop() {
        server.close();
        source.close();
    }

    @Test
    void aWorkerKilledMidDownloadCutsTheStreamAndTheServerStaysHealthy() throws Exception {
        HttpResponse<InputStream> r = Downloads.open(Downloads.download(server.httpPort(),
                source.url("/video.mp4?rate=300000"), null));
        assertEquals(200, r.statusCode());
        r.body().readNBytes(1000);
        ProcessHandle child = ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg")).orElse(false)).findFirst().orElseThrow();
        child.destroyForcibly(); // a native crash, as far as the server can tell
        assertThrows(IOException.class, () -> r.body().readAllBytes(), "the client sees a truncated download");
        healthy();
    }

    @Test
    void aSourceThatIsNotMediaGetsAStatusBeforeAnyBody() throws Exception {
        HttpResponse<String> noise = Downloads.get(Downloads.download(server.httpPort(), source.url("/noise.bin"), null));
        assertEquals(415, noise.statusCode(), noise.body());
        assertTrue(noise.body().contains("not playable media"), noise.body());
        HttpResponse<String> page = Downloads.get(Downloads.download(server.httpPort(), source.url("/page.html"), null));
        assertEquals(400, page.statusCode(), page.body());
        HttpResponse<String> missing = Downloads.get(Downloads.download(server.httpPort(), source.url("/nope.mp4"), null));
        assertEquals(404, missing.statusCode(), missing.body());
        HttpResponse<String> info = Downloads.get("http://127.0.0.1:" + server.httpPort() + "/api/passthrough/info?url="
                + Downloads.q(source.url("/noise.bin")));
        assertEquals(415, info.statusCode(), info.body());
        healthy();
    }

    @Test
    void aTruncatedSourceCutsTheStream() throws Exception {
        HttpResponse<InputStream> r = Downloads.open(Downloads.download(server.httpPort(),
                source.url("/video.mp4?cut=600000"), null));
        assertEquals(200, r.statusCode());
        assertThrows(IOException.class, () -> r.body().readAllBytes());
        healthy();
    }

    @Test
    void aStallingSourceEndsInATimeout() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> before = Downloads.get(Downloads.download(server.httpPort(),
                source.url("/video.mp4?stall=0"), null));
        assertEquals(504, before.statusCode(), before.body());
        HttpResponse<InputStream> after = Downloads.open(Downloads.download(server.httpPort(),
                source.url("/video.mp4?stall=500000"), null));
        assertEquals(200, after.statusCode());
        assertThrows(IOException.class, () -> after.body().readAllBytes());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 8000, "both stalls noticed within ioTimeoutMs, took " + ms + " ms");
        healthy();
    }

    private static void healthy() throws Exception {
        Downloads.await("no ffmpeg left", 2000, () -> Downloads.ffmpegChildren() == 0);
        assertTrue(Downloads.status(server.httpPort())
                .contains("\"active\":0"));
        HttpResponse<byte[]> ok = Downloads.HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                Downloads.download(server.httpPort(), source.url("/video.mp4"), null))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().length > 1_000_000);
    }
}
