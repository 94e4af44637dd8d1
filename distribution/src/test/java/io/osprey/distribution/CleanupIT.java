package io.osprey.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.osprey.testkit.Await;
import io.osprey.testkit.Ffmpeg;
import io.osprey.testkit.TestMedia;
import io.osprey.testkit.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The cleanup plugin on real recordings: ffmpeg publishes over RTMP, fmp4-recorder and httpflv's FLV recorder
 * write, the cleaner removes what its policies say through the recordings registry. Old sessions are made old by
 * setting their files' mtimes.
 */
class CleanupIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Process> publishers = new ArrayList<>();
    private TestServer server;
    private Path home;

    @AfterEach
    void stop() throws Exception {
        for (Process p : publishers) {
            Ffmpeg.stop(p);
        }
        if (server != null) {
            server.close();
        }
    }

    private TestServer start(Path homeDir, String yaml) throws Exception {
        home = homeDir;
        Path config = Files.writeString(home.resolve("osprey.yaml"), yaml);
        server = TestServer.start(home, config);
        return server;
    }

    private static final String BASE = """
            bus:
              reconnectGraceMs: 300
            plugins:
              httpflv:
                record: { enabled: true }
            """;

    /** Publishes {@code clip} to each stream for {@code seconds} (one ffmpeg), and waits until it has ended. */
    private void publishFor(Path clip, int seconds, String... streams) throws Exception {
        List<String> args = new ArrayList<>(List.of("-re", "-i", clip.toString(), "-t", String.valueOf(seconds)));
        for (String s : streams) {
            args.addAll(List.of("-map", "0", "-c", "copy", "-f", "flv", server.rtmp("/" + s)));
        }
        Process p = Ffmpeg.start(home.resolve("publish-" + streams[0].replace('/', '_') + ".log"),
                args.toArray(String[]::new));
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "ffmpeg finished publishing");
        for (String s : streams) {
            Await.until(s + " merged and its FLV closed", Duration.ofSeconds(30), () -> {
                String l = listing(s);
                return l.contains("\"state\": \"merged\"") && l.contains("\"state\": \"file\"");
            });
        }
    }

    /** Publishes {@code clip} in a loop to {@code stream} until the test ends; returns once both recorders write. */
    private Process publishLive(Path clip, String stream) throws Exception {
        Process p = Ffmpeg.start(home.resolve("publish-live.log"), "-re", "-stream_loop", "-1", "-i", clip.toString(),
                "-c", "copy", "-f", "flv", server.rtmp("/" + stream));
        publishers.add(p);
        Await.until(stream + " recorded by both recorders", Duration.ofSeconds(20), () -> {
            String l = listing(stream);
            return l.split("\"open\": true", -1).length == 3;
        });
        return p;
    }

    private String listing(String stream) {
        try {
            return server.get("/api/recordings?stream=" + stream).body();
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private JsonNode run(boolean dry) throws Exception {
        var r = server.post("/api/cleanup/run" + (dry ? "?dryRun=true" : ""));
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static List<String> removed(JsonNode report) {
        List<String> out = new ArrayList<>();
        report.path("removed").forEach(m -> out.add(m.path("root").asText() + "/" + m.path("path").asText() + " "
                + m.path("reason").asText()));
        return out;
    }

    /** Sets every regular file under {@code dir} (links left alone: setting theirs would touch the target). */
    private static void age(Path dir, Duration ago) throws IOException {
        FileTime t = FileTime.fromMillis(System.currentTimeMillis() - ago.toMillis());
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.setLastModifiedTime(p, t);
                }
            }
        }
    }

    /** Files a recording keeps once written (not the segment being written or a temp file renamed meanwhile). */
    private static List<Path> stable(List<Path> files) {
        return files.stream().filter(p -> !p.toString().endsWith(".part") && !p.toString().endsWith(".tmp")).toList();
    }

    /** Every file but those of the stream being recorded (which change as it records). */
    private static List<Path> finished(Path data) throws IOException {
        return files(data).stream().filter(p -> !p.toString().contains("/live/now/")).toList();
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }

    private static long usable(Path p) {
        try {
            long u = Files.getFileStore(p).getUsableSpace();
            System.out.println("CleanupIT: " + u + " bytes usable on " + Files.getFileStore(p));
            return u;
        } catch (IOException e) {
            return -1;
        }
    }

    private String health() {
        try {
            return JSON.readTree(server.get("/api/health").body()).path("status").asText();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Runs a command; null if it succeeded, else what it said. */
    private static String sh(String... cmd) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out.trim();
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void oldSessionsGoWholeLiveOnesStayOrphansGoLinksAreNotFollowedAndDryRunMatches() throws Exception {
        start(Files.createTempDirectory("osprey-cleanup"), BASE + """
              cleanup:
                maxAgeMinutes: 60
                orphanAgeMinutes: 60
                intervalSeconds: 0
            """);
        Path data = home.resolve("data");
        Path clip = TestMedia.h264Aac(10, 1000);
        publishFor(clip, 3, "live/old");
        publishLive(clip, "live/now");

        age(data.resolve("mp4/live/old"), Duration.ofHours(2));
        age(data.resolve("flv/live/old"), Duration.ofHours(2));
        age(data.resolve("mp4/live/now"), Duration.ofHours(2)); // open: its age does not matter
        age(data.resolve("flv/live/now"), Duration.ofHours(2));
        Path part = Files.write(data.resolve("flv/live/old/20200101_000000.flv.part"), new byte[4096]);
        Files.setLastModifiedTime(part, FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
        Path fresh = Files.write(data.resolve("flv/live/now/20200101_000001.flv.part"), new byte[10]);
        Path precious = Files.writeString(home.resolve("precious.txt"), "outside the data folder");
        Path mp4Session = files(data.resolve("mp4/live/old")).get(0).getParent();
        Files.createSymbolicLink(mp4Session.resolve("planted.mp4"), precious);
        Files.createSymbolicLink(data.resolve("mp4/live/old/planted-dir"), home);
        List<Path> liveBefore = files(data.resolve("mp4/live/now"));

        List<Path> before = finished(data);
        JsonNode dry = run(true);
        assertTrue(dry.path("dryRun").asBoolean());
        assertEquals(before, finished(data), "a dry run removes nothing");
        JsonNode real = run(false);
        assertEquals(removed(dry), removed(real), "the dry run reported what the run removed");
        List<String> got = removed(real);
        assertEquals(3, got.size(), got.toString());
        assertTrue(got.stream().anyMatch(r -> r.matches(".*/mp4/live/old/\\d{8}_\\d{6} age")), got.toString());
        assertTrue(got.stream().anyMatch(r -> r.matches(".*/flv/live/old/\\d{8}_\\d{6}\\.flv age")), got.toString());
        assertTrue(got.stream().anyMatch(r -> r.endsWith("20200101_000000.flv.part orphan")), got.toString());

        assertFalse(Files.exists(mp4Session, LinkOption.NOFOLLOW_LINKS), "the old session went whole");
        assertEquals(List.of(), files(data.resolve("flv/live/old")), "the old FLV and the orphan went");
        assertEquals("outside the data folder", Files.readString(precious), "a link's target is never touched");
        assertTrue(Files.isSymbolicLink(data.resolve("mp4/live/old/planted-dir")), "a young link stays");
        assertTrue(Files.exists(home.resolve("osprey.yaml")), "a linked folder is never walked");
        assertTrue(Files.exists(fresh), "a young orphan stays");
        List<Path> liveAfter = files(data.resolve("mp4/live/now"));
        assertTrue(liveAfter.containsAll(stable(liveBefore)),
                "the live session is untouched: " + liveBefore + " -> " + liveAfter);
        assertTrue(publishers.get(0).isAlive(), "the live publisher goes on");
        assertEquals(200, server.status("/api/streams/live/now") == -1 ? -1 : server.get("/api/streams/live/now")
                .statusCode());

        String metrics = server.get("/metrics").body();
        assertTrue(metrics.contains("osprey_cleanup_deleted_bytes_total{reason=\"age\"}"), metrics);
        assertTrue(metrics.contains("osprey_disk_used_bytes{root="), metrics);

        // hot swap: a stopped cleaner removes nothing; started while recording, it leaves the open sessions alone
        assertEquals(200, server.post("/api/plugins/cleanup/stop").statusCode());
        assertEquals(404, server.post("/api/cleanup/run").statusCode());
        age(data.resolve("mp4/live/now"), Duration.ofHours(3));
        age(data.resolve("flv/live/now"), Duration.ofHours(3));
        List<Path> open = files(data.resolve("mp4/live/now"));
        assertEquals(200, server.post("/api/plugins/cleanup/start").statusCode());
        Await.until("the start run", Duration.ofSeconds(10), () -> {
            try {
                return !JSON.readTree(server.get("/api/cleanup").body()).path("last").isNull();
            } catch (Exception e) {
                return false;
            }
        });
        JsonNode status = JSON.readTree(server.get("/api/cleanup").body());
        assertEquals("start", status.path("last").path("trigger").asText(), status.toString());
        assertTrue(files(data.resolve("mp4/live/now")).containsAll(stable(open)), "the open session is untouched");
        assertEquals(1, files(data.resolve("flv/live/now")).stream().filter(p -> p.toString().endsWith(".flv"))
                .count(), "the FLV being written is untouched");
        assertTrue(status.path("roots").size() >= 2, status.toString());
    }

    @Test
    void overQuotaTheOldestFinishedGoAndTheLiveOneStays() throws Exception {
        start(Files.createTempDirectory("osprey-cleanup"), BASE + """
              cleanup:
                quotaMB: 1
                intervalSeconds: 0
            """);
        Path data = home.resolve("data");
        Path clip = TestMedia.h264Aac(10, 1000);
        publishFor(clip, 3, "live/q1", "live/q2", "live/q3");
        publishLive(clip, "live/now");
        age(data.resolve("mp4/live/q1"), Duration.ofHours(3));
        age(data.resolve("flv/live/q1"), Duration.ofHours(3));
        age(data.resolve("mp4/live/q2"), Duration.ofHours(2));
        age(data.resolve("flv/live/q2"), Duration.ofHours(2));
        age(data.resolve("mp4/live/q3"), Duration.ofHours(1));
        age(data.resolve("flv/live/q3"), Duration.ofHours(1));
        Await.until("the live recordings alone over the quota", Duration.ofSeconds(20), () -> {
            try {
                long bytes = 0;
                for (Path p : files(data.resolve("mp4/live/now"))) {
                    bytes += Files.size(p);
                }
                for (Path p : files(data.resolve("flv/live/now"))) {
                    bytes += Files.size(p);
                }
                return bytes > (5 << 20) / 4;
            } catch (IOException e) {
                return false;
            }
        });
        List<Path> live = files(data.resolve("mp4/live/now"));

        JsonNode r = run(false);
        List<String> got = removed(r);
        assertFalse(got.isEmpty(), r.toString());
        List<String> order = got.stream().map(s -> s.replaceAll(".*/live/(q\\d)/.*", "$1")).toList();
        assertEquals(order.stream().sorted().toList(), order, "oldest first: " + got);
        assertTrue(got.stream().allMatch(s -> s.endsWith(" quota") && !s.contains("/live/now/")), got.toString());
        assertTrue(files(data.resolve("mp4/live/now")).containsAll(stable(live)), "the live session stays");
        assertTrue(publishers.get(0).isAlive());
        // the live recordings alone are over 1 MiB: every finished session goes, and the report says so
        assertEquals(6, got.size(), got.toString());
        assertTrue(r.path("notes").toString().contains("over the quota"), r.toString());
    }

    @Test
    void underTheFreeSpaceFloorOldSessionsGoWhileTheLiveStreamRecords() throws Exception {
        Path dir = Files.createTempDirectory("osprey-cleanup-tmpfs");
        Path data = Files.createDirectories(dir.resolve("data"));
        String why = sh("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", data.toString());
        if (why != null) {
            System.out.println("CleanupIT: the free-space floor test is skipped: cannot mount a tmpfs: " + why);
            Assumptions.abort("cannot mount a tmpfs: " + why);
        }
        try {
            start(dir, BASE + """
                  cleanup:
                    minFreeMB: 24
                    intervalSeconds: 0
                    floorCheckSeconds: 1
                """);
            Path clip = TestMedia.h264Aac(10, 1000);
            publishFor(clip, 2, "live/old");
            publishLive(clip, "live/now");
            age(data.resolve("mp4/live/old"), Duration.ofHours(1));
            age(data.resolve("flv/live/old"), Duration.ofHours(1));
            // an old finished FLV recording that fills the disk past the floor
            Path filler = Files.createDirectories(data.resolve("flv/live/big")).resolve("20200101_000000.flv");
            Files.write(filler, new byte[45 << 20]);
            Files.setLastModifiedTime(filler, FileTime.fromMillis(System.currentTimeMillis() - 86_400_000L));
            Await.until("the floor run to remove the oldest", Duration.ofSeconds(15), () -> !Files.exists(filler));
            Await.until("free space back over the floor", Duration.ofSeconds(5), () -> usable(data) >= 24 << 20);
            assertTrue(files(data.resolve("mp4/live/old")).size() > 0, "only as much as the floor needs goes");
            long size = Files.size(files(data.resolve("flv/live/now")).get(0));
            Await.until("the live FLV to keep growing", Duration.ofSeconds(10), () -> {
                try {
                    return Files.size(files(data.resolve("flv/live/now")).get(0)) > size;
                } catch (IOException e) {
                    return false;
                }
            });
            assertTrue(publishers.get(0).isAlive(), "the live stream never stops");
            assertEquals("healthy", health());

            // a young file no one claims fills the disk again: nothing removable is left, health says so
            assertFalse(Files.exists(data.resolve("flv/live/big")), "its emptied folder went with it");
            Path young = Files.write(Files.createDirectories(data.resolve("flv/live/big2")).resolve("young.bin"),
                    new byte[45 << 20]);
            Await.until("health degraded under the floor", Duration.ofSeconds(15), () -> "degraded".equals(health()));
            assertTrue(Files.exists(young), "a file written seconds ago is never removed");
            assertTrue(publishers.get(0).isAlive(), "the live stream never stops");
            Files.delete(young);
            Await.until("healthy again", Duration.ofSeconds(15), () -> "healthy".equals(health()));
        } finally {
            for (Process p : publishers) {
                Ffmpeg.stop(p);
            }
            publishers.clear();
            if (server != null) {
                server.close();
                server = null;
            }
            String failed = sh("umount", data.toString());
            if (failed != null) {
                System.out.println("CleanupIT: umount " + data + ": " + failed);
            }
        }
    }
}
