package io.osprey.plugin.httpflv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.ClipPublisher;
import io.osprey.testkit.Probe;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Edge relay between real servers: an origin, an edge pulling from it, and an edge of the edge. The origin's
 * publisher dies and comes back after the origin's stream has ended; the edge reconnects within its own grace
 * period, so its viewer never notices.
 */
class RelayTest {

    static String upstream(TestServer origin) {
        return "plugins.httpflv.relay.upstreams=[{app: live, url: 'http://127.0.0.1:" + origin.httpPort()
                + "/{app}/{stream}.flv'}]";
    }

    @Test
    void edgesPullOnDemandCascadeSurviveAnOriginRestartAndStopWhenIdle() throws Exception {
        StreamKey key = new StreamKey("live", "relay");
        Path clip = TestMedia.h264Aac(10, 1000);
        try (TestServer origin = TestServer.start("bus.reconnectGraceMs=300")) {
            ClipPublisher publisher = ClipPublisher.start(origin.kernel().bus(), key, clip);
            try (TestServer edge = TestServer.start(upstream(origin), "bus.reconnectGraceMs=20000",
                    "plugins.httpflv.relay.idleStopMs=1000", "plugins.httpflv.relay.minBackoffMs=100",
                    "plugins.httpflv.relay.maxBackoffMs=400");
                 TestServer edge2 = TestServer.start(upstream(edge), "plugins.httpflv.relay.idleStopMs=1000")) {
                Thread.sleep(1000);
                // not live on the edge: the first request starts the pull and waits for it
                try (FlvClient viewer = new FlvClient(edge.httpPort(), "/live/relay.flv")) {
                    Await.until("video through the edge", Duration.ofSeconds(10), () -> viewer.videoTags > 10);
                    assertEquals(200, viewer.status);
                    assertEquals(Boolean.TRUE, viewer.firstVideoKey);
                    String streams = edge.get("/api/streams/live/relay").body();
                    assertTrue(streams.contains("\"relay\""), streams);

                    Probe.Result r = Probe.probe(edge.http("/live/relay.flv"));
                    assertEquals("h264", r.video().codec(), r.raw());
                    assertEquals(640, r.video().width());
                    assertEquals("aac", r.audio().codec());
                    Probe.Result r2 = Probe.probe(edge2.http("/live/relay.flv"));
                    assertEquals("h264", r2.video().codec(), "an edge of the edge: " + r2.raw());
                    assertEquals("aac", r2.audio().codec());

                    // the origin's publisher dies; the origin's stream ends (300 ms grace); it comes back 2 s later
                    publisher.crash();
                    Await.until("the origin stream to end", Duration.ofSeconds(5),
                            () -> origin.kernel().bus().stream(key).isEmpty());
                    int before = viewer.videoTags;
                    Thread.sleep(2000);
                    publisher = ClipPublisher.start(origin.kernel().bus(), key, clip);
                    int atRestart = viewer.videoTags;
                    Await.until("video again on the same edge connection", Duration.ofSeconds(15),
                            () -> viewer.videoTags > atRestart + 50);
                    assertFalse(viewer.ended, "the edge viewer stayed connected: " + viewer.failure);
                    assertTrue(before > 10);
                    String after = edge.get("/api/streams/live/relay").body();
                    assertTrue(after.contains("\"publishes\" : 2"), "the relay re-published the same stream: " + after);
                }
                // last viewer gone: the pull stops after idleStopMs and the edge stream ends
                Await.until("the edge pull to stop", Duration.ofSeconds(10),
                        () -> edge.kernel().bus().stream(key).isEmpty());
            } finally {
                publisher.close();
            }
        }
    }

    @Test
    void aStreamTheOriginDoesNotHaveIs404AndIsRememberedBriefly() throws Exception {
        try (TestServer origin = TestServer.start();
             TestServer edge = TestServer.start(upstream(origin))) {
            HttpClient http = HttpClient.newHttpClient();
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(edge.http("/live/missing.flv")))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, r.statusCode());
            assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
            for (int i = 0; i < 20; i++) {
                assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(edge.http("/live/missing.flv")))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode());
            }
            String metrics = edge.get("/metrics").body();
            assertTrue(metrics.contains("osprey_httpflv_relay_pulls_started_total 1.0")
                    || metrics.contains("osprey_httpflv_relay_pulls_started_total 1 "), "one origin request for 21 "
                    + "viewer requests: " + metrics.lines().filter(l -> l.contains("relay")).toList());
            // an app without an upstream is a plain 404
            assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(edge.http("/other/missing.flv"))).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }
}
