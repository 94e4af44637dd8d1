package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 23 point 2 in both run modes (the assembled distribution's OSGi bundles, and ServiceLoader): with ffmpeg
 * publishing, an HTTP-FLV viewer connected and the HLS playlist being read, one config edit shortens the app's HLS
 * segments and switches FLV recording on, another switches it off. Both are applied in place: the viewer keeps
 * receiving, the playlist keeps its segment names, new segments follow the new length, the recording appears and
 * is finished.
 */
class LiveReconfigureIT {

    private static final String CONFIG = "plugins:\n  hls:\n    apps:\n      live: { segmentMs: 3000 }\n"
            + "  httpflv:\n    record: { enabled: %s, apps: [live] }\n";
    private static final String EDITED = "plugins:\n  hls:\n    apps:\n      live: { segmentMs: 1000 }\n"
            + "  httpflv:\n    record: { enabled: %s, apps: [live] }\n";
    private static final Pattern SEGMENT = Pattern.compile("#EXTINF:([0-9.]+),\\n(seg-[0-9a-z]+)-\\d+\\.ts");

    @Test
    void osgiBundles() throws Exception {
        try (DistributionProcess server = new DistributionProcess(CONFIG.formatted(false))) {
            server.awaitReady();
            run(server, server.home().resolve("data"));
            String log = server.log();
            assertTrue(log.contains("config change plugins.hls.apps.live.segmentMs: applied in place by plugin hls"),
                    log);
            assertTrue(log.contains("config change plugins.httpflv.record.enabled: applied in place by plugin"
                    + " httpflv"), log);
        }
    }

    @Test
    void serviceLoader() throws Exception {
        try (InProcessServer server = new InProcessServer(CONFIG.formatted(false))) {
            run(server, server.server().home().resolve("data"));
        }
    }

    private static void run(ServerUnderTest server, Path data) throws Exception {
        Path clip = TestMedia.h264Aac(10, 500);
        Process publisher = Ffmpeg.start(Files.createTempFile("ffmpeg-reconfigure", ".log"), "-re", "-stream_loop",
                "-1", "-i", clip.toString(), "-c", "copy", "-f", "flv", server.rtmp("/live/s"));
        FlvViewerClient viewer = null;
        try {
            Await.until("the stream is live", Duration.ofSeconds(20), () -> server.flvStatus("/live/s.flv") == 200);
            int[] status = new int[1];
            viewer = FlvViewerClient.open("127.0.0.1", server.httpPort(), "/live/s.flv", status);
            assertNotNull(viewer, "viewer: HTTP " + status[0]);
            Await.until("a 3 s HLS segment", Duration.ofSeconds(20), () -> newest(server) != null
                    && newest(server).seconds() > 2.5);
            String sid = newest(server).sid();

            Files.writeString(server.configFile(), EDITED.formatted(true));
            Path flv = data.resolve("flv/live/s");
            Await.until("an FLV recording", Duration.ofSeconds(20), () -> files(flv).size() == 1);
            Await.until("1 s HLS segments", Duration.ofSeconds(20), () -> newest(server) != null
                    && newest(server).seconds() < 1.5);
            assertEquals(sid, newest(server).sid(), "the same playlist: the hls plugin was not restarted");

            Files.writeString(server.configFile(), EDITED.formatted(false));
            Await.until("the recording finished", Duration.ofSeconds(20),
                    () -> body(server, "/flv/live/s/").contains("\"open\":false"));
            long bytes = viewer.bytes();
            FlvViewerClient v = viewer;
            Await.until("the viewer still receiving", Duration.ofSeconds(10), () -> v.bytes() > bytes + 50_000);
            assertTrue(viewer.alive(), "the HTTP-FLV viewer was never dropped: " + viewer.error());
            assertEquals(1, files(flv).size());
        } finally {
            if (viewer != null) {
                viewer.close();
            }
            Ffmpeg.stop(publisher);
        }
    }

    /** The playlist's newest segment: its EXTINF and its name without the sequence number; null before one. */
    private record Newest(double seconds, String sid) {
    }

    private static Newest newest(ServerUnderTest server) {
        Matcher m = SEGMENT.matcher(body(server, "/hls/live/s/index.m3u8"));
        Newest last = null;
        while (m.find()) {
            last = new Newest(Double.parseDouble(m.group(1)), m.group(2));
        }
        return last;
    }

    private static String body(ServerUnderTest server, String path) {
        try {
            return server.get(path).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
