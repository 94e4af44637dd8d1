package io.osprey.plugin.hls;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.buffer.SegmentMemory;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Keeps finished segments in files of a tmpfs folder ({@code plugins.hls.zeroCopyDir}, {@code /dev/shm} by default)
 * instead of pooled memory, so that fast GETs send them with {@code sendfile(2)}.
 *
 * <p>Why: a segment written from memory is copied into the socket for every response, and a client on the same
 * machine (a cache, a proxy, a benchmark) then reads a fresh copy made on another core: at 300 KB a response, that
 * made wrk spend ~20 % more CPU per byte on Osprey's segments than on nginx's, which sends them from tmpfs with
 * {@code sendfile}; the hls-serve bench is bound by the load generator, so that was 0.83x nginx's requests/s.
 *
 * <p>Each segment is one file, unlinked right after it is opened (nothing is left behind, even after
 * {@code kill -9}), written once, mapped read-only for whoever reads it as a buffer (the regular GET path, the
 * disk mirror) and closed and unmapped when its last reference is released: the memory moves from the pool to the
 * page cache, it is not doubled. One file descriptor per segment in a window (about 7 per stream), at most an
 * eighth of the process's descriptor limit in all (2,500 of 20,000: some 350 streams), so that sockets keep theirs;
 * segments beyond that stay in memory. A folder that is missing, not writable or full makes segments stay in memory,
 * with one warning, and is tried again after a minute.
 *
 * <p>Thread-safety: {@link #keep} may be called from any thread.
 */
final class SegmentFiles {

    private static final System.Logger LOG = System.getLogger(SegmentFiles.class.getName());
    private static final long RETRY_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** Segment files open in this process, across streams and plugin restarts. */
    private static final java.util.concurrent.atomic.AtomicInteger OPEN = new java.util.concurrent.atomic.AtomicInteger();

    private final Path dir;
    private final int maxOpen;
    private volatile long failedAt;
    private volatile boolean failing;

    private SegmentFiles(Path dir, int maxOpen) {
        this.dir = dir;
        this.maxOpen = maxOpen;
    }

    /** An eighth of the descriptor limit (at least 64), or 1,024 if the JVM does not say. */
    private static int defaultMaxOpen() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return (int) Math.max(64, Math.min(Integer.MAX_VALUE, unix.getMaxFileDescriptorCount() / 8));
        }
        return 1024;
    }

    /** Segment files open now in this process. */
    static int open() {
        return OPEN.get();
    }

    /** Files in {@code dir}, or null (in memory) for an empty setting or a folder that cannot be used. */
    static SegmentFiles in(String dir) {
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Path p = Path.of(dir);
        if (!Files.isDirectory(p) || !Files.isWritable(p)) {
            LOG.log(System.Logger.Level.INFO, "plugins.hls.zeroCopyDir " + dir + " is not a writable folder: "
                    + "segments are kept in memory and copied to each client");
            return null;
        }
        return new SegmentFiles(p, defaultMaxOpen());
    }

    Path dir() {
        return dir;
    }

    /**
     * {@code bytes} moved into a file (taking over its reference and giving it up), or {@code bytes} itself if the
     * folder cannot take it now.
     */
    Served keep(Served bytes) {
        if (bytes.file() != null || bytes.size() == 0) {
            return bytes;
        }
        if (failing && System.nanoTime() - failedAt < RETRY_NANOS) {
            return bytes;
        }
        if (OPEN.incrementAndGet() > maxOpen) {
            OPEN.decrementAndGet();
            return bytes; // descriptors are for sockets first
        }
        FileChannel channel = null;
        Served filed;
        try {
            Path p = Files.createTempFile(dir, "osprey-hls-", ".seg");
            try {
                channel = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE);
            } finally {
                Files.deleteIfExists(p); // unlinked: the open channel keeps the pages, nothing outlives it
            }
            ByteBuffer b = bytes.bytes().duplicate();
            while (b.hasRemaining()) {
                channel.write(b);
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes.size());
            FileChannel c = channel;
            filed = Served.file(mapped, c, SegmentMemory.whenReleased(() -> {
                DirectPool.freeNow(mapped);
                close(c);
                OPEN.decrementAndGet();
            }));
        } catch (IOException | RuntimeException e) {
            close(channel);
            OPEN.decrementAndGet();
            failedAt = System.nanoTime();
            if (!failing) {
                failing = true;
                LOG.log(System.Logger.Level.WARNING, "cannot keep a segment in " + dir + " (" + e
                        + "): segments stay in memory for a minute, then it is tried again");
            }
            return bytes;
        }
        bytes.release(); // its pooled memory goes back: the bytes are in the file now
        if (failing) {
            failing = false;
            LOG.log(System.Logger.Level.INFO, "segments go to " + dir + " again");
        }
        return filed;
    }

    private static void close(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing was written through it since
            }
        }
    }
}
