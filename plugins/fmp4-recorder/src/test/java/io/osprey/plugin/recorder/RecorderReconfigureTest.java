package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.Kernel;
import io.osprey.kernel.KernelOptions;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, points 2 and 5: the recorded apps and the mode change in place (the session in progress is not cut by a
 * plugin restart), {@code GET /mp4/{app}/{stream}/} lists the stream's sessions, and a finished session keeps no
 * {@code session.lock}.
 */
class RecorderReconfigureTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Pattern SESSION = Pattern.compile("\\{\"id\":\"(\\d{8}_\\d{6}(?:_\\d+)?)\"[^{]*\"open\":(true|false)");

    private static void write(Path cfg, String apps, String mode) throws IOException {
        Files.writeString(cfg, "plugins:\n  fmp4-recorder:\n    apps: [" + apps + "]\n    mode: " + mode + "\n");
    }

    @Test
    void appsAndModeChangeWithoutCuttingTheSessionAndTheListingFollows() throws Exception {
        Path home = Files.createTempDirectory("osprey-rec-reconfigure");
        Path cfg = home.resolve("osprey.yaml");
        write(cfg, "other", "merged");
        Kernel kernel = Kernel.start(new KernelOptions(home, cfg, List.of("server.http.port=0",
                "server.dataDir=" + home.resolve("data"), "server.plugins.mode=classpath", "server.webDir=",
                "server.admin.token=test-admin-token-0123456789", "server.configScanIntervalMs=3600000"),
                Map.of(), null));
        Clip media = Clip.read(TestMedia.h264Aac(12, 500));
        CompletableFuture<Publisher> feeding = CompletableFuture.supplyAsync(() -> {
            try {
                return media.publish(kernel.bus(), new StreamKey("live", "sw"), 1);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            Await.until("live/sw", Duration.ofSeconds(10), () -> kernel.bus().stream(new StreamKey("live", "sw"))
                    .isPresent());
            assertEquals("[]", sessions(kernel), "app live is not recorded yet");

            write(cfg, "other, live", "merged");
            assertTrue(kernel.reloadConfig());
            Await.until("a session for the live stream", Duration.ofSeconds(10),
                    () -> sessions(kernel).matches("\\[\\S+=true]"));
            String id = sessions(kernel).replaceAll("[\\[\\]]|=.*", "");

            write(cfg, "other, live", "separate");
            assertTrue(kernel.reloadConfig());
            Thread.sleep(1500); // a restart would have finished the session and begun another by now
            assertEquals("[" + id + "=true]", sessions(kernel), "the same session goes on");

            write(cfg, "other", "separate");
            assertTrue(kernel.reloadConfig());
            Await.until("the session finished", Duration.ofSeconds(20),
                    () -> sessions(kernel).equals("[" + id + "=false]") && listing(kernel).contains("\"full\":"));
            Path dir = home.resolve("data/mp4/live/sw").resolve(id);
            assertTrue(Files.isRegularFile(dir.resolve("stream_full.mp4")));
            assertFalse(Files.exists(dir.resolve(SessionDir.LOCK)), "no session.lock left in a finished session");
            assertTrue(listing(kernel).contains("\"full\":\"/mp4/live/sw/" + id + "/stream_full.mp4\""),
                    listing(kernel));
            assertEquals(200, HTTP.send(get(kernel, "/mp4/live/sw/" + id + "/stream_full.mp4"),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        } finally {
            feeding.thenAccept(Publisher::close);
            kernel.close();
        }
    }

    /** The sessions listed, as [id=open, ...]. */
    private static String sessions(Kernel kernel) {
        Matcher m = SESSION.matcher(listing(kernel));
        StringBuilder b = new StringBuilder("[");
        while (m.find()) {
            b.append(b.length() > 1 ? ", " : "").append(m.group(1)).append('=').append(m.group(2));
        }
        return b.append(']').toString();
    }

    private static String listing(Kernel kernel) {
        try {
            HttpResponse<String> r = HTTP.send(get(kernel, "/mp4/live/sw/"), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().startsWith("{\"app\":\"live\",\"stream\":\"sw\",\"timeZone\":\"UTC\""), r.body());
            return r.body();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest get(Kernel kernel, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + kernel.httpPort() + path)).build();
    }
}
