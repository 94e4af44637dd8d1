package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.Kernel;
import io.osprey.kernel.KernelOptions;
import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, points 2 and 5: FLV recording switched on and off while live keeps the HTTP-FLV viewer; the recording
 * started mid-stream begins on a key frame with audio running forward from 0; its name is the start in UTC; the
 * stream's recordings are listed as JSON at {@code /flv/{app}/{stream}/}.
 */
class RecordSwitchTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    private static void write(Path cfg, boolean record) throws IOException {
        Files.writeString(cfg, "plugins:\n  httpflv:\n    record: { enabled: " + record + ", apps: [live] }\n");
    }

    @Test
    void recordingOnAndOffWhileLiveKeepsTheViewerAndTheFileStartsCleanly() throws Exception {
        Path home = Files.createTempDirectory("osprey-flv-switch");
        Path cfg = home.resolve("osprey.yaml");
        write(cfg, false);
        Kernel kernel = Kernel.start(new KernelOptions(home, cfg, List.of("server.http.port=0",
                "server.dataDir=" + home.resolve("data"), "server.plugins.mode=classpath", "server.webDir=",
                "server.admin.token=test-admin-token-0123456789", "server.configScanIntervalMs=3600000"),
                Map.of(), null));
        Path dir = home.resolve("data/flv/live/sw");
        try (ClipPublisher p = ClipPublisher.withAudioLag(kernel.bus(), new StreamKey("live", "sw"),
                TestMedia.h264Aac(10, 1000), 400);
             FlvClient viewer = new FlvClient(kernel.httpPort(), "/live/sw.flv")) {
            Await.until("the viewer plays", Duration.ofSeconds(10), () -> viewer.videoTags > 25);
            Thread.sleep(1300); // mid-GOP (1 s key frame interval), with audio queued since the last key frame

            write(cfg, true);
            assertTrue(kernel.reloadConfig());
            Instant switchedOn = Instant.now();
            Await.until("a recording", Duration.ofSeconds(10), () -> Files.isDirectory(dir) && list(dir).size() == 1);
            int before = viewer.videoTags;
            Await.until("the viewer goes on while recording", Duration.ofSeconds(10),
                    () -> viewer.videoTags > before + 50);

            write(cfg, false);
            assertTrue(kernel.reloadConfig());
            Path file = list(dir).get(0);
            Await.until("the recording finished", Duration.ofSeconds(10), () -> listing(kernel, "live/sw")
                    .contains("\"open\":false"));
            int after = viewer.videoTags;
            Await.until("the viewer goes on after recording", Duration.ofSeconds(10),
                    () -> viewer.videoTags > after + 25);
            assertFalse(viewer.ended, "the HTTP-FLV viewer was never dropped: " + viewer.failure);

            // the name is the start in UTC
            String name = file.getFileName().toString();
            Instant named = LocalDateTime.parse(name.substring(0, 15), DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss"))
                    .toInstant(ZoneOffset.UTC);
            assertTrue(Math.abs(Duration.between(switchedOn, named).toSeconds()) <= 5, name + " vs " + switchedOn);

            // starts on a key frame; audio timestamps from 0, strictly increasing (none piled up at 0)
            Ffmpeg.Result v = Ffmpeg.run(60, Ffmpeg.ffprobe(), "-v", "error", "-select_streams", "v", "-show_entries",
                    "packet=pts_time,flags", "-of", "csv=p=0", file.toString());
            assertTrue(v.stdout().lines().findFirst().orElse("").contains("K"), "first video packet is a key frame: "
                    + v.stdout().lines().limit(3).toList());
            List<Double> audio = Ffmpeg.run(60, Ffmpeg.ffprobe(), "-v", "error", "-select_streams", "a",
                    "-show_entries", "packet=pts_time", "-of", "csv=p=0", file.toString()).stdout().lines()
                    .filter(l -> !l.isBlank()).map(Double::parseDouble).toList();
            assertTrue(audio.size() > 50, "audio packets: " + audio.size());
            for (int i = 1; i < audio.size(); i++) {
                assertTrue(audio.get(i) > audio.get(i - 1), "audio pts " + audio.get(i - 1) + " then " + audio.get(i));
            }
            assertTrue(audio.get(0) >= 0 && audio.get(0) < 0.1, "audio starts with the key frame: " + audio.get(0));

            // the listing names the session, its URL serves the file; another stream's listing is empty
            String json = listing(kernel, "live/sw");
            String id = name.substring(0, name.length() - 4);
            assertTrue(json.startsWith("{\"app\":\"live\",\"stream\":\"sw\",\"timeZone\":\"UTC\""), json);
            assertTrue(json.contains("\"id\":\"" + id + "\"") && json.contains(
                    "\"urls\":{\"file\":\"/flv/live/sw/" + name + "\"}")
                    && json.contains("\"start\":\"" + named + "\""), json);
            assertEquals(200, HTTP.send(get(kernel, "/flv/live/sw/" + name), HttpResponse.BodyHandlers.discarding())
                    .statusCode());
            assertTrue(listing(kernel, "live/none").endsWith("\"sessions\":[]}"));
        } finally {
            kernel.close();
        }
    }

    private static String listing(Kernel kernel, String stream) {
        HttpResponse<String> r;
        try {
            r = HTTP.send(get(kernel, "/flv/" + stream + "/"), HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("content-type").orElse(""));
        return r.body();
    }

    private static HttpRequest get(Kernel kernel, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort() + path)).build();
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
