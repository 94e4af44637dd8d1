package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.BoundHttp;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A flood of requests from 127.0.0.2 (keep-alive connections, thousands of requests a second for 5 s) is refused
 * with 429 while an HTTP-FLV viewer on 127.0.0.3 keeps up with the source and an HLS client on 127.0.0.4 fetches
 * every segment; the buckets do not pile up.
 */
class RateLimitFloodIT {

    private static final String CONFIG = """
            plugins:
              ratelimit:
                requests: { perIp: { rate: 50, burst: 100 } }
              hls:
                segmentMs: 1000
            """;
    private static final byte[] REQUEST = ("GET /hls/live/flood/index.m3u8 HTTP/1.1\r\nHost: x\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    @Test
    void aFloodFromOneAddressLeavesOtherClientsPlaybackAtTheSourceRate() throws Exception {
        try (InProcessServer s = new InProcessServer(CONFIG)) {
            Process publisher = Ffmpeg.start(Files.createTempFile("rl-flood", ".log"), "-re", "-stream_loop", "-1",
                    "-i", TestMedia.h264Aac(10, 500).toString(), "-c", "copy", "-f", "flv", s.rtmp("/live/flood"));
            try {
                Await.until("the HLS playlist", Duration.ofSeconds(20),
                        () -> status("127.0.0.4", s.httpPort(), "/hls/live/flood/index.m3u8") == 200);
                int[] st = new int[1];
                try (FlvViewerClient flv = FlvViewerClient.open("127.0.0.3", s.httpPort(), "/live/flood.flv", st)) {
                    assertNotNull(flv, "viewer refused: " + st[0]);
                    HlsPoller hls = new HlsPoller(s.httpPort());
                    Thread.sleep(1500); // both playing
                    AtomicBoolean stop = new AtomicBoolean();
                    AtomicLong ok = new AtomicLong();
                    AtomicLong tooMany = new AtomicLong();
                    List<Thread> flood = new ArrayList<>();
                    for (int i = 0; i < 3; i++) {
                        Thread t = new Thread(() -> flood(s.httpPort(), stop, ok, tooMany), "flood-" + i);
                        t.start();
                        flood.add(t);
                    }
                    long t0 = System.nanoTime();
                    long ts0 = flv.timestampMs();
                    long seq0 = hls.newest.get();
                    Thread.sleep(10_000); // the issue's ten seconds of flood
                    long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
                    long ts1 = flv.timestampMs();
                    long seq1 = hls.newest.get();
                    stop.set(true);
                    for (Thread t : flood) {
                        t.join(5000);
                    }
                    hls.stop();
                    double floodRate = (ok.get() + tooMany.get()) * 1000.0 / elapsedMs;
                    double flvRate = (double) (ts1 - ts0) / elapsedMs;
                    System.out.printf("flood: %.0f requests/s from 127.0.0.2 (%d refused, %d admitted); HTTP-FLV "
                            + "viewer at %.3f x the source rate; HLS client fetched segments %d..%d, %d failures%n",
                            floodRate, tooMany.get(), ok.get(), flvRate, seq0, seq1, hls.failures.get());
                    assertTrue(floodRate > 1000, "a flood: " + floodRate + " requests/s");
                    assertTrue(ok.get() <= 100 + 50 * elapsedMs / 1000 + 50, "the flood was held to its rate");
                    assertTrue(flvRate >= 0.95, "HTTP-FLV viewer at " + flvRate + " x the source rate");
                    assertEquals(0, hls.failures.get(), "HLS client: " + hls.lastFailure.get());
                    assertTrue(seq1 - seq0 >= elapsedMs / 1000 - 2, "HLS segments " + seq0 + ".." + seq1);
                    assertTrue(flv.alive(), "the viewer is still connected: " + flv.error());
                }
                assertTrue(RequestGauge.value(s, "osprey_ratelimit_buckets") <= 5, "one bucket per address");
            } finally {
                Ffmpeg.stop(publisher);
            }
        }
    }

    /** Pipelines requests on keep-alive connections from 127.0.0.2 and counts the answers by status. */
    private static void flood(int port, AtomicBoolean stop, AtomicLong ok, AtomicLong tooMany) {
        while (!stop.get()) {
            try (Socket sock = new Socket()) {
                sock.bind(new InetSocketAddress("127.0.0.2", 0));
                sock.connect(new InetSocketAddress("127.0.0.1", port));
                Thread reader = new Thread(() -> count(sock, ok, tooMany));
                reader.setDaemon(true);
                reader.start();
                OutputStream out = sock.getOutputStream();
                byte[] batch = new byte[REQUEST.length * 50];
                for (int i = 0; i < 50; i++) {
                    System.arraycopy(REQUEST, 0, batch, i * REQUEST.length, REQUEST.length);
                }
                while (!stop.get()) {
                    out.write(batch);
                }
            } catch (IOException e) {
                // the server may close a connection; open another
            }
        }
    }

    /** Counts {@code HTTP/1.1 200} and {@code HTTP/1.1 429} status lines in the response stream. */
    private static void count(Socket sock, AtomicLong ok, AtomicLong tooMany) {
        byte[] pattern = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
        try {
            InputStream in = new java.io.BufferedInputStream(sock.getInputStream(), 65536);
            int matched = 0;
            int c;
            while ((c = in.read()) >= 0) {
                if (matched == pattern.length) {
                    (c == '4' ? tooMany : ok).incrementAndGet();
                    matched = 0;
                } else if (c == pattern[matched]) {
                    matched++;
                } else {
                    matched = c == pattern[0] ? 1 : 0;
                }
            }
        } catch (IOException e) {
            // closed
        }
    }

    private static int status(String from, int port, String path) {
        try {
            return BoundHttp.get(from, port, path).status();
        } catch (IOException e) {
            return -1;
        }
    }

    /** An HLS client on 127.0.0.4: reloads the playlist every 300 ms and fetches each new segment. */
    private static final class HlsPoller {
        final AtomicLong newest = new AtomicLong(-1);
        final AtomicLong failures = new AtomicLong();
        final AtomicReference<String> lastFailure = new AtomicReference<>("");
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        HlsPoller(int port) {
            thread = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        BoundHttp.Response p = BoundHttp.get("127.0.0.4", port, "/hls/live/flood/index.m3u8");
                        if (p.status() != 200) {
                            fail("playlist " + p.status());
                        } else {
                            long seq = -1;
                            String[] lines = p.text().split("\n");
                            for (String l : lines) {
                                if (l.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                                    seq = Long.parseLong(l.substring(22).trim()) - 1;
                                } else if (!l.isBlank() && !l.startsWith("#")) {
                                    seq++;
                                    if (seq > newest.get()) {
                                        BoundHttp.Response seg = BoundHttp.get("127.0.0.4", port,
                                                "/hls/live/flood/" + l.trim());
                                        if (seg.status() != 200 || seg.body().length == 0) {
                                            fail("segment " + l + " " + seg.status());
                                        } else {
                                            newest.set(seq);
                                        }
                                    }
                                }
                            }
                        }
                        Thread.sleep(300);
                    } catch (IOException e) {
                        fail(e.toString());
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "hls-poller");
            thread.setDaemon(true);
            thread.start();
        }

        private void fail(String why) {
            failures.incrementAndGet();
            lastFailure.set(why);
        }

        void stop() throws InterruptedException {
            stop.set(true);
            thread.join(5000);
        }
    }

    /** Reads one gauge from /metrics. */
    static final class RequestGauge {
        static double value(InProcessServer s, String name) throws Exception {
            for (String l : s.get("/metrics").body().split("\n")) {
                if (l.startsWith(name + " ")) {
                    return Double.parseDouble(l.substring(name.length() + 1).trim());
                }
            }
            throw new AssertionError("no metric " + name);
        }
    }
}
