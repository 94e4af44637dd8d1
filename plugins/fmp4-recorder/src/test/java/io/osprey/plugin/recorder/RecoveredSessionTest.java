package io.osprey.plugin.recorder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.testkit.Await;
import io.osprey.testkit.Clip;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Sessions finished at the next start (issue 13, point 7): one cut by a crash gets its sets' MIME types with codecs
 * back in {@code index.json} (they were {@code null}); one whose {@code output_merge} is a symbolic link is never
 * followed, is marked and logged once, and is not queued again at the following start.
 */
class RecoveredSessionTest {

    /** The recorder's log lines. */
    static final class Lines extends Handler {
        final List<String> lines = new CopyOnWriteArrayList<>();

        @Override
        public void publish(LogRecord r) {
            Object[] p = r.getParameters();
            lines.add(p == null ? r.getMessage() : java.text.MessageFormat.format(r.getMessage().replace("'", "''"), p));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }

        long count(String part) {
            return lines.stream().filter(l -> l.contains(part)).count();
        }
    }

    @Test
    void aCrashedSessionGetsItsCodecsBackAndALinkedOneIsMarkedOnce() throws Exception {
        Path home = Files.createTempDirectory("osprey-recovered");
        Path streamDir = home.resolve("data/mp4/live/rec");
        try (TestServer first = TestServer.start(home, null, "plugins.fmp4-recorder.mode=merged",
                "plugins.fmp4-recorder.keepSegments=true")) {
            Clip.read(TestMedia.h264Aac(5, 500)).publish(first.kernel().bus(), new StreamKey("live", "rec"), 1e9).close();
            Await.until("the first session merged", Duration.ofSeconds(30),
                    () -> read(only(streamDir).resolve("index.json")).contains("\"state\": \"merged\""));
        }
        Path done = only(streamDir);
        // a session cut by a crash: no index, no merge, the last segment still open
        Path cut = copy(done, streamDir.resolve(done.getFileName() + "_2"));
        Files.delete(cut.resolve("index.json"));
        Files.delete(cut.resolve("stream_full.mp4"));
        Path seg2 = cut.resolve("output_merge/seg-00002.m4s");
        Files.move(seg2, seg2.resolveSibling("seg-00002.m4s.part"));
        // a session whose output_merge is a link to a folder elsewhere
        Path linked = copy(done, streamDir.resolve(done.getFileName() + "_3"));
        Files.delete(linked.resolve("index.json"));
        Files.delete(linked.resolve("stream_full.mp4"));
        Path elsewhere = home.resolve("elsewhere");
        Files.move(linked.resolve("output_merge"), elsewhere);
        Files.createSymbolicLink(linked.resolve("output_merge"), elsewhere);
        List<String> before = list(elsewhere);

        Logger recorder = Logger.getLogger("io.osprey.plugin.recorder");
        Lines log = new Lines();
        log.setLevel(Level.ALL);
        recorder.addHandler(log);
        try {
            try (TestServer second = TestServer.start(home, null, "plugins.fmp4-recorder.mode=merged",
                "plugins.fmp4-recorder.keepSegments=true")) {
                Await.until("the cut session merged", Duration.ofSeconds(30),
                        () -> read(cut.resolve("index.json")).contains("\"state\": \"merged\""));
                Await.until("the linked session marked", Duration.ofSeconds(10),
                        () -> Files.exists(linked.resolve(SessionDir.NOT_FOLLOWED)));
            }
            String index = read(cut.resolve("index.json"));
            assertFalse(index.contains("\"mime\": null"), index);
            assertTrue(index.contains("\"mime\": \"video/mp4; codecs=\\\"avc1.42c01e,mp4a.40.2\\\"\""), index);
            assertFalse(Files.exists(linked.resolve("stream_full.mp4")), "the linked session is not merged");
            assertEquals(before, list(elsewhere), "nothing written through the link");
            assertEquals(1, log.count("is a symbolic link"), log.lines.toString());

            try (TestServer third = TestServer.start(home, null, "plugins.fmp4-recorder.mode=merged",
                "plugins.fmp4-recorder.keepSegments=true")) {
                assertEquals(1, log.lines.stream().filter(l -> l.contains(linked.getFileName().toString())
                        && l.contains("was not finished")).count(), "queued at one start only: " + log.lines);
                assertEquals(1, log.count("is a symbolic link"), "logged once: " + log.lines);
            }
        } finally {
            recorder.removeHandler(log);
        }
    }

    private static Path only(Path streamDir) {
        try (Stream<Path> s = Files.list(streamDir)) {
            return s.findFirst().orElseThrow();
        } catch (IOException | RuntimeException e) {
            return streamDir.resolve("none");
        }
    }

    private static Path copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (!p.getFileName().toString().equals(SessionDir.LOCK)) {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return to;
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }
}
