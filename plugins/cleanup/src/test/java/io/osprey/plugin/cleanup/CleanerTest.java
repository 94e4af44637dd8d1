package io.osprey.plugin.cleanup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import io.osprey.spi.recording.RecordingRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole run on real files under a temporary folder, with a recorder that reports what the test says: sessions
 * go whole, open ones stay, links are removed as links and their targets stay, emptied folders go up to the root,
 * a dry run removes nothing and reports the same list, a stopped plugin removes nothing more.
 */
class CleanerTest {

    static final long NOW = System.currentTimeMillis();
    static final long HOUR = 3_600_000;

    @TempDir
    Path tmp;
    Path root;
    Path outside;
    final List<RecordedSession> listed = new ArrayList<>();
    final Set<Path> open = new java.util.HashSet<>();
    boolean ready = true;
    int fileSize = 1000;

    final Recorder recorder = new Recorder() {
        @Override
        public String type() {
            return "mp4";
        }

        @Override
        public Path root() {
            return root;
        }

        @Override
        public List<RecordedSession> sessions(Listing l) {
            List<RecordedSession> out = new ArrayList<>();
            for (RecordedSession s : listed) {
                if (l.wants(s.stream()) && Files.exists(s.path(), LinkOption.NOFOLLOW_LINKS)) {
                    boolean o = open.contains(s.path());
                    out.add(new RecordedSession(s.type(), s.stream(), s.id(), s.path(), o, o ? "recording" : "merged",
                            null, null, -1, Map.of(), s.primary()));
                }
            }
            return out;
        }
    };

    @BeforeEach
    void layout() throws IOException {
        root = Files.createDirectories(tmp.resolve("data/mp4"));
        outside = Files.writeString(tmp.resolve("precious.txt"), "not yours");
    }

    private Path session(String stream, String name, long ageMs, boolean isOpen, String... files) throws IOException {
        StreamKey key = StreamKey.parse(stream);
        Path dir = Files.createDirectories(root.resolve(key.app()).resolve(key.name()).resolve(name));
        for (String f : files) {
            Path p = dir.resolve(f);
            Files.createDirectories(p.getParent());
            Files.write(p, new byte[fileSize]);
            Files.setLastModifiedTime(p, FileTime.fromMillis(NOW - ageMs));
        }
        Path full = dir.resolve("stream_full.mp4");
        listed.add(new RecordedSession("mp4", key, name, dir, isOpen, "x", null, null, -1, Map.of(),
                Files.exists(full) ? full : null));
        if (isOpen) {
            open.add(dir);
        }
        return dir;
    }

    private Cleaner cleaner(CleanupConfig c, AtomicBoolean stopped) {
        return new Cleaner(() -> List.of(new RecordingRegistry.Entry("test", recorder, ready)), c, () -> NOW,
                stopped::get, (r, f, b) -> { });
    }

    private static List<String> paths(Cleaner.Report r) {
        return r.removed.stream().map(m -> m.get("path") + " " + m.get("reason")).toList();
    }

    @Test
    void oldFinishedSessionsGoWholeOpenAndYoungOnesStayAndFoldersAreTidied() throws IOException {
        Path old = session("live/a", "20250101_000000", 3 * HOUR, false, "output_merge/init.mp4",
                "output_merge/seg-00001.m4s", "stream_full.mp4", "index.json");
        Path live = session("live/a", "20250101_050000", 3 * HOUR, true, "output_merge/seg-00001.m4s.part");
        Path young = session("live/b", "20250101_060000", HOUR / 2, false, "stream_full.mp4");
        Path lonely = session("other/c", "20250101_000000", 3 * HOUR, false, "stream_full.mp4");
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 60;
        Cleaner.Report r = cleaner(c, new AtomicBoolean()).run(false, "test");
        assertEquals(List.of("live/a/20250101_000000 age", "other/c/20250101_000000 age"), paths(r));
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(live.resolve("output_merge/seg-00001.m4s.part")), "open sessions are never touched");
        assertTrue(Files.exists(young.resolve("stream_full.mp4")));
        assertFalse(Files.exists(lonely.getParent().getParent()), "emptied folders go, up to the root");
        assertTrue(Files.isDirectory(root), "the root stays");
        assertEquals(4 + 1, r.files);
    }

    @Test
    void symlinksAreRemovedAsLinksAndTheirTargetsStay() throws IOException {
        Path s = session("live/a", "20250101_000000", 3 * HOUR, false, "stream_full.mp4");
        Files.createSymbolicLink(s.resolve("evil.mp4"), outside);
        Files.createSymbolicLink(s.resolve("evildir"), tmp);
        Path orphanLink = Files.createSymbolicLink(root.resolve("live/a/planted.flv"), outside);
        Files.setLastModifiedTime(root.resolve("live/a"), FileTime.fromMillis(NOW - 3 * HOUR));
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 60;
        c.orphanAgeMinutes = 1;
        Cleaner.Report r = cleaner(c, new AtomicBoolean()).run(false, "test");
        assertFalse(Files.exists(s, LinkOption.NOFOLLOW_LINKS));
        assertEquals("not yours", Files.readString(outside), "a link's target is never touched");
        assertTrue(Files.exists(tmp.resolve("precious.txt")));
        assertTrue(Files.isDirectory(tmp.resolve("data")), "a linked folder is not walked");
        // the planted link is an orphan (no session claims it); its own mtime is now, so it is young and stays
        assertTrue(Files.isSymbolicLink(orphanLink), r.removed.toString());
    }

    @Test
    void orphansGoAfterTheirAgeAndFreshOnesStay() throws IOException {
        session("live/a", "20250101_000000", 0, true, "output_merge/seg-00002.m4s.part");
        Path dead = Files.createDirectories(root.resolve("live/a/20240101_000000/output_merge"));
        Path part = Files.write(dead.resolve("seg-00007.m4s.part"), new byte[10]);
        Files.setLastModifiedTime(part, FileTime.fromMillis(NOW - 2 * HOUR));
        Path fresh = Files.write(root.resolve("live/a/new.tmp"), new byte[10]);
        CleanupConfig c = new CleanupConfig();
        c.orphanAgeMinutes = 60;
        Cleaner.Report r = cleaner(c, new AtomicBoolean()).run(false, "test");
        assertEquals(List.of("live/a/20240101_000000/output_merge/seg-00007.m4s.part orphan"), paths(r));
        assertFalse(Files.exists(dead.getParent()), "its emptied session folder went too");
        assertTrue(Files.exists(fresh));
    }

    @Test
    void aDryRunRemovesNothingAndReportsWhatTheRealRunThenRemoves() throws IOException {
        fileSize = 300_000;
        session("live/a", "20250101_000000", 5 * HOUR, false, "stream_full.mp4", "index.json");
        session("live/b", "20250101_010000", 4 * HOUR, false, "stream_full.mp4");
        session("live/a", "20250101_020000", 3 * HOUR, false, "stream_full.mp4");
        session("live/a", "20250101_030000", 0, true, "output_merge/seg-00001.m4s");
        CleanupConfig c = new CleanupConfig();
        c.quotaMB = 1; // 1.5 MB: the oldest finished session (600 kB) brings it under
        List<Path> before = tree();
        Cleaner.Report dry = cleaner(c, new AtomicBoolean()).run(true, "test");
        assertEquals(before, tree(), "a dry run removes nothing");
        assertTrue(dry.dryRun);
        Cleaner.Report real = cleaner(c, new AtomicBoolean()).run(false, "test");
        assertEquals(paths(dry), paths(real));
        assertEquals(dry.bytes, real.bytes);
        assertEquals(List.of("live/a/20250101_000000 quota"), paths(real));
        assertTrue(real.notes.stream().noneMatch(n -> n.contains("quota")), real.notes.toString());
    }

    @Test
    void overQuotaTheOldestFinishedGoUntilUnderAndTheLiveOneStaysEvenIfAloneOver() throws IOException {
        fileSize = 300_000;
        session("live/a", "20250101_000000", 5 * HOUR, false, "stream_full.mp4");
        session("live/a", "20250101_010000", 4 * HOUR, false, "stream_full.mp4");
        session("live/a", "20250101_020000", 3 * HOUR, false, "stream_full.mp4");
        fileSize = 2_000_000;
        Path live = session("live/a", "20250101_030000", 0, true, "output_merge/seg-00001.m4s");
        CleanupConfig c = new CleanupConfig();
        c.quotaMB = 1;
        Cleaner.Report r = cleaner(c, new AtomicBoolean()).run(false, "test");
        assertEquals(List.of("live/a/20250101_000000 quota", "live/a/20250101_010000 quota",
                "live/a/20250101_020000 quota"), paths(r));
        assertTrue(Files.exists(live.resolve("output_merge/seg-00001.m4s")));
        assertTrue(r.notes.stream().anyMatch(n -> n.contains("over the quota")), r.notes.toString());
    }

    @Test
    void keepMergedLeavesTheMergedFileAlone() throws IOException {
        Path s = session("live/a", "20250101_000000", 5 * HOUR, false, "stream_full.mp4", "index.json",
                "output_merge/seg-00001.m4s");
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 60;
        c.keepMerged = true;
        cleaner(c, new AtomicBoolean()).run(false, "test");
        assertEquals(List.of(s.resolve("stream_full.mp4")), tree());
    }

    @Test
    void aStoppedPluginRemovesNothingMoreAndAnUnreadyRecorderIsLeftAlone() throws IOException {
        session("live/a", "20250101_000000", 5 * HOUR, false, "stream_full.mp4");
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 1;
        List<Path> before = tree();
        cleaner(c, new AtomicBoolean(true)).run(false, "test");
        assertEquals(before, tree());
        ready = false;
        Cleaner.Report r = cleaner(c, new AtomicBoolean()).run(false, "test");
        assertEquals(before, tree());
        assertTrue(r.notes.stream().anyMatch(n -> n.contains("not ready")), r.notes.toString());
    }

    @Test
    void twoRecordersOnOneFolderNeverMakeOrphansOfEachOthersFiles() throws IOException {
        Path mine = session("live/a", "20250101_000000", 5 * HOUR, true, "stream_full.mp4");
        Path theirs = Files.write(root.resolve("live/a/20250101_000000.flv"), new byte[100]);
        Files.setLastModifiedTime(theirs, FileTime.fromMillis(NOW - 5 * HOUR));
        Recorder flv = new Recorder() {
            @Override
            public String type() {
                return "flv";
            }

            @Override
            public Path root() {
                return root;
            }

            @Override
            public List<RecordedSession> sessions(Listing l) {
                return List.of(new RecordedSession("flv", StreamKey.parse("live/a"), "20250101_000000", theirs, true,
                        "recording", null, null, -1, Map.of(), null));
            }
        };
        CleanupConfig c = new CleanupConfig();
        c.orphanAgeMinutes = 1;
        Cleaner.Report r = new Cleaner(() -> List.of(new RecordingRegistry.Entry("a", recorder, true),
                new RecordingRegistry.Entry("b", flv, true)), c, () -> NOW, () -> false, (x, y, z) -> { })
                .run(false, "test");
        assertEquals(List.of(), paths(r));
        assertTrue(Files.exists(theirs) && Files.exists(mine.resolve("stream_full.mp4")));
        assertEquals(0, r.orphans);
    }

    @Test
    void disablingMidRunStopsBeforeTheNextRemoval() throws IOException {
        Path first = session("live/a", "20250101_000000", 5 * HOUR, false, "stream_full.mp4", "index.json");
        Path second = session("live/a", "20250101_010000", 4 * HOUR, false, "stream_full.mp4");
        Path third = session("live/a", "20250101_020000", 3 * HOUR, false, "stream_full.mp4");
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 60;
        AtomicBoolean stopped = new AtomicBoolean();
        Cleaner.Report r = new Cleaner(() -> List.of(new RecordingRegistry.Entry("test", recorder, true)), c,
                () -> NOW, stopped::get, (reason, files, bytes) -> stopped.set(true)).run(false, "test");
        assertFalse(Files.exists(first));
        assertTrue(Files.exists(second.resolve("stream_full.mp4")) && Files.exists(third.resolve("stream_full.mp4")));
        assertTrue(r.notes.stream().anyMatch(n -> n.contains("disabled")), r.notes.toString());
    }

    @Test
    void aSessionThatIsOpenAgainAtRemovalTimeStays() throws IOException {
        Path s = session("live/a", "20250101_000000", 5 * HOUR, false, "stream_full.mp4");
        CleanupConfig c = new CleanupConfig();
        c.maxAgeMinutes = 1;
        Recorder flipping = new Recorder() {
            int calls;

            @Override
            public String type() {
                return "mp4";
            }

            @Override
            public Path root() {
                return root;
            }

            @Override
            public List<RecordedSession> sessions(Listing l) {
                boolean isOpen = calls++ > 0; // closed at the scan, open when asked again
                return List.of(new RecordedSession("mp4", StreamKey.parse("live/a"), "20250101_000000", s, isOpen,
                        "x", null, null, -1, Map.of(), null));
            }
        };
        Cleaner.Report r = new Cleaner(() -> List.of(new RecordingRegistry.Entry("t", flipping, true)), c, () -> NOW,
                () -> false, (x, y, z) -> { }).run(false, "test");
        assertTrue(Files.exists(s.resolve("stream_full.mp4")));
        assertTrue(r.notes.stream().anyMatch(n -> n.contains("open again")), r.notes.toString());
    }

    private List<Path> tree() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).sorted().toList();
        }
    }
}
