package io.osprey.plugin.hls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * Mirrors one stream's window to {@code <dir>/} for an external web server (HOSTILE-INPUTS F5, data promise 3.4):
 * each file is written under a {@code .tmp} name and renamed into place when complete, the playlist last, so a
 * reader never sees a partial segment or playlist. A segment that leaves the window is deleted once the playlist
 * that no longer lists it is in place; everything is removed when the stream ends. File work runs in order on the
 * given executor, never on the bus thread. Only files this mirror wrote are ever deleted.
 *
 * <p>Segment memory: a segment or init section to write is retained when the window announces it (on the bus
 * thread, while the window still holds it) and released on the executor once its file is written, or skipped
 * because the mirror was closed. If the executor refuses the work (shutting down) the reference is never
 * released and the collector frees the memory.
 */
final class DiskMirror implements MediaWindow.Listener {
    private static final System.Logger LOG = System.getLogger(DiskMirror.class.getName());
    static final String PLAYLIST = "index.m3u8";

    private final Path dir;
    private final Executor executor;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Set<String> written = new LinkedHashSet<>();
    private final List<String> removable = new ArrayList<>();
    private boolean running;
    private boolean closed;
    private long lastPlaylistMsn = Long.MIN_VALUE;
    private int errors;

    DiskMirror(Path dir, Executor executor) {
        this.dir = dir;
        this.executor = executor;
    }

    Path dir() {
        return dir;
    }

    @Override
    public void onInit(String name, Served init) {
        writeLater(name, init);
    }

    @Override
    public void onSegment(String name, Segment segment) {
        writeLater(name, segment.body());
    }

    private void writeLater(String name, Served body) {
        if (!body.tryRetain()) {
            return; // already recycled: cannot happen while the window announces it, but never read it then
        }
        submit(() -> {
            try {
                write(name, body.bytes());
            } finally {
                body.release();
            }
        });
    }

    @Override
    public void onRemoved(String name) {
        submit(() -> {
            if (!closed) {
                removable.add(name);
            }
        });
    }

    @Override
    public void onPlaylist(Snapshot snapshot) {
        if (snapshot.lastMsn() == lastPlaylistMsn) {
            return; // only parts changed: the mirrored playlist lists segments only
        }
        lastPlaylistMsn = snapshot.lastMsn();
        submit(() -> {
            if (closed) {
                return;
            }
            write(PLAYLIST, ByteBuffer.wrap(snapshot.plainPlaylist()));
            for (String name : removable) {
                delete(name);
            }
            removable.clear();
        });
    }

    /** Deletes every file of the mirror and its folder; later events are ignored. */
    void removeAll() {
        submit(() -> {
            if (closed) {
                return;
            }
            closed = true;
            for (String name : new ArrayList<>(written)) {
                delete(name);
            }
            try {
                Files.deleteIfExists(dir);
                Files.deleteIfExists(dir.getParent()); // the app folder, if no other stream uses it
            } catch (DirectoryNotEmptyException inUse) {
                // another stream's or someone else's files: left alone
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "hls mirror: cannot remove " + dir + ": " + e);
            }
        });
    }

    private void submit(Runnable task) {
        synchronized (queue) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        executor.execute(this::drain);
    }

    private void drain() {
        while (true) {
            Runnable task;
            synchronized (queue) {
                task = queue.poll();
                if (task == null) {
                    running = false;
                    return;
                }
            }
            try {
                task.run(); // each task checks closed itself: a skipped write must still release its segment
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "hls mirror " + dir + " failed", e);
            }
        }
    }

    private void write(String name, ByteBuffer bytes) {
        if (closed) {
            return;
        }
        Path target = dir.resolve(name);
        Path tmp = dir.resolve(name + ".tmp");
        try {
            Files.createDirectories(dir);
            written.add(name);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = bytes.duplicate();
                while (b.hasRemaining()) {
                    ch.write(b);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (errors++ < 5) {
                LOG.log(System.Logger.Level.WARNING, "hls mirror: cannot write " + target + ": " + e);
            }
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    private void delete(String name) {
        try {
            Files.deleteIfExists(dir.resolve(name + ".tmp"));
            Files.delete(dir.resolve(name));
        } catch (NoSuchFileException gone) {
            // already gone
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "hls mirror: cannot delete " + name + ": " + e);
        }
        written.remove(name);
    }
}
