package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.kernel.Kernel;
import io.osprey.kernel.KernelOptions;
import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.ClipPublisher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, point 2: a live edit of the app's {@code segmentMs}, {@code window}, {@code format} and
 * {@code lowLatency} keeps the playlist of a stream being watched. A reader polls it as a player does and fetches
 * every new segment: the media sequence carries on, every listed segment answers, no new segment takes longer than
 * the longest segment listed plus a poll, and the target duration follows the new setting.
 */
class HlsReconfigureTest {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static void write(Path cfg, String app) throws IOException {
        Files.writeString(cfg, "plugins:\n  hls:\n    apps:\n      live: " + app + "\n");
    }

    @Test
    void segmentLengthWindowFormatAndLowLatencyChangeWhileAPlayerReads() throws Exception {
        Path home = Files.createTempDirectory("osprey-hls-reconfigure");
        Path cfg = home.resolve("osprey.yaml");
        write(cfg, "{ segmentMs: 3000, window: 4 }");
        Kernel kernel = Kernel.start(new KernelOptions(home, cfg, List.of("server.http.port=0",
                "server.dataDir=" + home.resolve("data"), "server.plugins.mode=classpath", "server.webDir=",
                "server.admin.token=test-admin-token-0123456789", "server.configScanIntervalMs=3600000"),
                Map.of(), null));
        Reader reader = new Reader("http://127.0.0.1:" + kernel.httpPort() + "/hls/live/r/");
        try (ClipPublisher p = ClipPublisher.frames(kernel.bus(), new StreamKey("live", "r"), Clip.h264Aac(10),
                60_000)) {
            CompletableFuture<Void> read = CompletableFuture.runAsync(reader::runUnchecked);
            until(read, "two 3 s TS segments", () -> reader.segments.size() >= 2);
            assertEquals(3, reader.last.targetDuration);

            write(cfg, "{ segmentMs: 1000, window: 3 }");
            assertTrue(kernel.reloadConfig());
            until(read, "target duration 1 once the 3 s segments left the window",
                    () -> reader.last.targetDuration == 1);
            assertEquals(3, reader.last.segments.size(), "the new window");
            assertTrue(reader.last.segments.stream().allMatch(s -> s.duration() <= 1.05), reader.last.text);

            int tsSegments = reader.segments.size();
            write(cfg, "{ segmentMs: 1000, window: 3, format: fmp4, lowLatency: on }");
            assertTrue(kernel.reloadConfig());
            until(read, "fMP4 LL-HLS segments", () -> reader.fmp4Segments >= 2 && reader.last.partTarget > 0);
            M3u8 m = reader.last;
            assertTrue(m.segments.stream().allMatch(s -> s.map() != null && s.uri().endsWith(".m4s")), m.text);
            assertTrue(reader.discontinuities > 0 || m.discontinuitySequence > 0,
                    "the format change is a discontinuity: " + m.text);
            assertTrue(reader.segments.size() > tsSegments);
            assertEquals(1, reader.sids.size(), "one playlist all along (no restart): " + reader.sids);
            // the longest segment was 3 s: a new one is listed at least that often, plus a poll and the cut's slack
            assertTrue(reader.maxGapMs <= 3000 + 1000, "longest wait for a new segment: " + reader.maxGapMs + " ms");
            System.out.println("HlsReconfigureTest: longest wait for a new segment " + reader.maxGapMs + " ms");
        } finally {
            reader.stop = true;
            kernel.close();
        }
    }

    private static void until(CompletableFuture<Void> read, String what, java.util.function.BooleanSupplier ok) {
        Await.until(what, Duration.ofSeconds(25), () -> {
            if (read.isDone()) {
                read.join(); // the reader's failure is the test's
            }
            return ok.getAsBoolean();
        });
    }

    /** Polls the playlist every 200 ms and fetches each new segment, noting how long each new one took. */
    static final class Reader {
        final String base;
        volatile boolean stop;
        volatile M3u8 last;
        final List<Long> segments = new ArrayList<>();
        final Set<String> sids = new HashSet<>();
        volatile int fmp4Segments;
        volatile int discontinuities;
        volatile long maxGapMs;
        long lastMsn = -1;
        long lastNewNanos;

        Reader(String base) {
            this.base = base;
        }

        void runUnchecked() {
            try {
                run();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        void run() throws Exception {
            while (!stop) {
                HttpResponse<byte[]> r = fetch("index.m3u8");
                if (r.statusCode() == 200) {
                    check(new M3u8(new String(r.body(), StandardCharsets.US_ASCII)));
                } else {
                    assertEquals(404, r.statusCode());
                    assertTrue(segments.isEmpty(), "the playlist went away while publishing");
                }
                Thread.sleep(200);
            }
        }

        void check(M3u8 m) throws Exception {
            if (last != null) {
                assertTrue(m.mediaSequence >= last.mediaSequence, "EXT-X-MEDIA-SEQUENCE went backwards");
            }
            for (M3u8.Seg s : m.segments) {
                if (s.msn() <= lastMsn) {
                    continue;
                }
                assertTrue(lastMsn < 0 || s.msn() == lastMsn + 1 || s.discontinuity(),
                        "no segment skipped without a discontinuity: " + m.text);
                long now = System.nanoTime();
                if (lastMsn >= 0) {
                    maxGapMs = Math.max(maxGapMs, (now - lastNewNanos) / 1_000_000);
                }
                lastNewNanos = now;
                lastMsn = s.msn();
                sids.add(s.uri().substring(0, s.uri().lastIndexOf('-')));
                HttpResponse<byte[]> seg = fetch(s.uri());
                assertEquals(200, seg.statusCode(), s.uri());
                if (s.uri().endsWith(".m4s")) {
                    if (s.discontinuity()) {
                        discontinuities++;
                    }
                    assertEquals(200, fetch(s.map()).statusCode(), s.map());
                    assertTrue(MediaCheck.fmp4(ByteBuffer.wrap(seg.body())).get(0).firstIsSync(), "key frame first");
                    fmp4Segments++;
                } else {
                    MediaCheck.ts(ByteBuffer.wrap(seg.body()));
                }
                segments.add(s.msn());
            }
            last = m;
        }

        HttpResponse<byte[]> fetch(String name) throws Exception {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + name)).timeout(Duration.ofSeconds(10)).GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        }
    }
}
