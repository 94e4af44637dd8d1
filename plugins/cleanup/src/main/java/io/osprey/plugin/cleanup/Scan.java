package io.osprey.plugin.cleanup;

import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import io.osprey.spi.recording.RecordingRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One pass over every ready recorder's root: the recorder's own session list, then a walk of the root that never
 * follows a symlink ({@link Files#walkFileTree} without {@code FOLLOW_LINKS}; a link is seen as the link itself)
 * and sums each session's files (bytes, last write, the merged file's bytes). Files no session claims are
 * orphans; special files (sockets, pipes) are skipped. Other registered roots nested inside a root are left to
 * their own recorder. Memory grows with the number of sessions and orphans, not with the files in sessions.
 */
final class Scan {

    private static final System.Logger LOG = System.getLogger(Scan.class.getName());

    /** A recorder's root as scanned: {@code real} is where the walk and every removal happen. */
    record Root(RecordingRegistry.Entry entry, Path real, String store) {
    }

    /** A session with what the walk found in it. */
    static final class Found {
        final Root root;
        final RecordedSession session;
        final Path path;
        final Path primary;
        long bytes;
        long primaryBytes;
        long lastModified;
        int files;

        Found(Root root, RecordedSession session, Path path, Path primary) {
            this.root = root;
            this.session = session;
            this.path = path;
            this.primary = primary;
        }
    }

    /** A file no session claims. */
    record Orphan(Root root, Path path, long bytes, long lastModified) {
    }

    final List<Found> sessions = new ArrayList<>();
    final List<Orphan> orphans = new ArrayList<>();
    final Map<String, Policy.Disk> disks = new LinkedHashMap<>();
    final Map<Path, Long> used = new LinkedHashMap<>();
    final List<String> skipped = new ArrayList<>();
    long files;

    /**
     * Scans every ready recorder: first every recorder's session list (so a file is claimed whichever recorder
     * claims it, even two recorders configured onto one folder), then each distinct root once. A root that a
     * recorder still recovering shares is not walked; a recorder that fails to list is skipped (and said).
     */
    static Scan of(List<RecordingRegistry.Entry> entries) {
        Scan scan = new Scan();
        Set<Path> allRoots = new java.util.HashSet<>();
        Set<Path> recovering = new java.util.HashSet<>();
        for (RecordingRegistry.Entry e : entries) {
            try {
                Path real = e.recorder().root().toRealPath();
                allRoots.add(real);
                if (!e.ready()) {
                    recovering.add(real);
                }
            } catch (IOException | RuntimeException missing) {
                // not created yet
            }
        }
        Map<Path, Found> claims = new HashMap<>();
        Map<Path, Root> walk = new LinkedHashMap<>();
        for (RecordingRegistry.Entry e : entries) {
            Recorder r = e.recorder();
            if (!e.ready()) {
                scan.skipped.add(e.pluginId() + " " + r.type() + ": not ready (recovering)");
                continue;
            }
            try {
                Root root = scan.list(e, claims);
                if (root != null && !recovering.contains(root.real())) {
                    walk.putIfAbsent(root.real(), root);
                }
            } catch (IOException | RuntimeException ex) {
                LOG.log(Level.WARNING, "cleanup: cannot scan " + r.root() + " of " + e.pluginId() + ": " + ex);
                scan.skipped.add(e.pluginId() + " " + r.type() + ": " + ex);
            }
        }
        for (Root root : walk.values()) {
            try {
                scan.walk(root, claims, allRoots);
            } catch (IOException | RuntimeException ex) {
                LOG.log(Level.WARNING, "cleanup: cannot walk " + root.real() + ": " + ex);
                scan.skipped.add(root.real() + ": " + ex);
            }
        }
        return scan;
    }

    /** The recorder's sessions into {@code claims}; its root, or null if it has none on disk yet. */
    private Root list(RecordingRegistry.Entry e, Map<Path, Found> claims) throws IOException {
        Path root = e.recorder().root().toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            return null; // nothing written yet
        }
        Path real = root.toRealPath();
        FileStore fs = Files.getFileStore(real);
        Root r = new Root(e, real, fs.toString());
        disks.putIfAbsent(r.store(), new Policy.Disk(fs.getUsableSpace(), fs.getTotalSpace()));
        for (RecordedSession s : e.recorder().sessions(Recorder.Listing.ALL)) {
            Path p = s.path().toAbsolutePath().normalize();
            if (!p.startsWith(root) || p.equals(root)) {
                LOG.log(Level.WARNING, "cleanup: {0} reported {1} outside its root {2}; ignored", e.pluginId(), p,
                        root);
                continue;
            }
            Path inReal = real.resolve(root.relativize(p));
            Path primary = s.primary() == null ? null : real.resolve(root.relativize(s.primary().normalize()));
            Found f = new Found(r, s, inReal, primary);
            if (claims.putIfAbsent(inReal, f) == null) {
                sessions.add(f);
            }
        }
        return r;
    }

    /** Walks {@code r}'s root once, adding each file to the session that claims it, else to the orphans. */
    private void walk(Root r, Map<Path, Found> byPath, Set<Path> allRoots) throws IOException {
        Path real = r.real();
        long[] bytes = new long[1];
        Files.walkFileTree(real, new SimpleFileVisitor<>() {
            private Found current;

            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(real) && allRoots.contains(dir)) {
                    return FileVisitResult.SKIP_SUBTREE; // another recorder's root
                }
                if (current == null) {
                    current = byPath.get(dir);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes a) {
                files++;
                if (!a.isRegularFile() && !a.isSymbolicLink()) {
                    return FileVisitResult.CONTINUE; // sockets, pipes, devices: never ours
                }
                long size = a.isSymbolicLink() ? 0 : a.size();
                long mtime = a.lastModifiedTime().toMillis();
                bytes[0] += size;
                Found f = current != null ? current : byPath.get(file);
                if (f == null) {
                    orphans.add(new Orphan(r, file, size, mtime));
                    return FileVisitResult.CONTINUE;
                }
                f.files++;
                f.bytes += size;
                if (a.isRegularFile()) { // a link planted in a session does not keep it young
                    f.lastModified = Math.max(f.lastModified, mtime);
                }
                if (file.equals(f.primary) && a.isRegularFile()) {
                    f.primaryBytes = size;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                LOG.log(Level.DEBUG, "cleanup: cannot read {0}: {1}", file, exc.toString());
                return FileVisitResult.CONTINUE; // gone meanwhile, or unreadable: not ours to judge
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) {
                if (current != null && current.path.equals(dir)) {
                    current = null;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        used.merge(real, bytes[0], Long::sum);
    }
}
