package io.osprey.plugin.recorder;

import io.osprey.spi.bus.StreamKey;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * One recording session's folder: {@code mp4/{app}/{stream}/{yyyyMMdd_HHmmss}} (UTC start; {@code _2}, {@code _3}...
 * when two sessions start in the same second), so sessions of one stream key never mix. Whoever writes a session
 * (the live recording, then the merge) holds {@code session.lock}; a crash releases it with the process.
 */
record SessionDir(Path dir, StreamKey key, String name) {

    static final String MERGE_DIR = "output_merge";
    static final String SEPARATE_DIR = "output_separate";
    static final String FULL = "stream_full.mp4";
    static final String INDEX = "index.json";
    static final String LOCK = "session.lock";
    static final String MERGE_FAILED = "merge-failed.txt";
    /** Written (once) in a session the finisher will not touch: a set folder or file is a symbolic link. */
    static final String NOT_FOLLOWED = "not-finished-symlink.txt";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")
            .withZone(ZoneOffset.UTC);

    /** Creates a new, empty session folder for {@code key} starting at {@code start}. */
    static SessionDir create(Path mp4Root, StreamKey key, Instant start) throws IOException {
        Path parent = mp4Root.resolve(key.app()).resolve(key.name());
        Files.createDirectories(parent);
        String base = NAME.format(start);
        for (int i = 1; i < 1000; i++) {
            String name = i == 1 ? base : base + "_" + i;
            try {
                Path dir = Files.createDirectory(parent.resolve(name));
                return new SessionDir(dir, key, name);
            } catch (FileAlreadyExistsException taken) {
                // another session started in the same second
            }
        }
        throw new IOException("no free session folder under " + parent);
    }

    /** The session at {@code mp4/{app}/{stream}/{name}}, or null if the names are not ours. */
    static SessionDir of(Path dir) {
        Path stream = dir.getParent();
        Path app = stream == null ? null : stream.getParent();
        if (app == null || !StreamKey.isValidPart(app.getFileName().toString())
                || !StreamKey.isValidPart(stream.getFileName().toString()) || started(dir.getFileName().toString()) == null) {
            return null;
        }
        return new SessionDir(dir, new StreamKey(app.getFileName().toString(), stream.getFileName().toString()),
                dir.getFileName().toString());
    }

    /** The start encoded in a session name, or null if it is not one. */
    static Instant started(String name) {
        String ts = name.length() > 15 && name.charAt(15) == '_' ? name.substring(0, 15) : name;
        try {
            return LocalDateTime.parse(ts, DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    Instant started() {
        return started(name);
    }

    Path mergeDir() {
        return dir.resolve(MERGE_DIR);
    }

    Path separateDir() {
        return dir.resolve(SEPARATE_DIR);
    }

    Path full() {
        return dir.resolve(FULL);
    }

    /**
     * Removes a session folder the recording created and wrote no media to (a write error right at its start), so
     * retries on a full disk leave no empty sessions behind. Only regular files and folders are removed, no links
     * are followed; what cannot be removed stays.
     */
    void deleteIfNoMedia() {
        try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
            List<Path> paths = all.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                if (p.getFileName().toString().contains(".m4s") || Files.isSymbolicLink(p)) {
                    return; // media after all, or not ours: keep the folder
                }
            }
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | RuntimeException ignored) {
            // the next start's recovery sees what is left
        }
    }

    /** The session's lock, or null if another writer (in this or another process) holds it. */
    SessionLock lock() throws IOException {
        FileChannel ch = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = ch.tryLock();
            if (lock != null) {
                return new SessionLock(dir.resolve(LOCK), ch, lock);
            }
        } catch (OverlappingFileLockException held) {
            // held by this JVM
        }
        ch.close();
        return null;
    }

    /**
     * A held session lock; closing removes the lock file and releases it, so a finished session keeps no empty
     * {@code session.lock}. Removed while held: a writer that opened the file before sees it locked; one that
     * comes later creates a new one. The plugin never has two writers of one session at once (the recording
     * releases before it hands the session to the merge), so this only tidies.
     */
    record SessionLock(Path file, FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover empty file; the next finish removes it
            }
            try {
                lock.release();
            } catch (IOException ignored) {
                // the channel closes below anyway
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    @Override
    public String toString() {
        return key + "/" + name;
    }
}
