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
        submit(() -> write(name, init.bytes()));
    }

    @Override
    public void onSegment(String name, Segment segment) {
        submit(() -> write(name, segment.body().bytes()));
    }

    @Override
    public void onRemoved(String name) {
        submit(() -> removable.add(name));
    }

    @Override
    public void onPlaylist(Snapshot snapshot) {
        if (snapshot.lastMsn() == lastPlaylistMsn) {
            return; // only parts changed: the mirrored playlist lists segments only
        }
        lastPlaylistMsn = snapshot.lastMsn();
        submit(() -> {
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
                if (!closed) {
                    task.run();
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "hls mirror " + dir + " failed", e);
            }
        }
    }

    private void write(String name, ByteBuffer bytes) {
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
