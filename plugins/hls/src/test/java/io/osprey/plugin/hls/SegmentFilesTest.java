package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.buffer.DirectPool;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segments moved into unlinked files: same bytes, pooled memory given back, the file closed at the last release. */
class SegmentFilesTest {

    @TempDir
    Path dir;

    private static Served pooled(DirectPool pool, int n) {
        ByteBuffer b = ByteBuffer.allocate(n);
        for (int i = 0; i < n; i++) {
            b.put((byte) (i * 7));
        }
        return Served.pooled(b.flip(), pool);
    }

    @Test
    void aSegmentMovesIntoAnUnlinkedFileAndItsMemoryGoesBack() throws Exception {
        DirectPool pool = new DirectPool(1 << 20);
        SegmentFiles files = SegmentFiles.in(dir.toString());
        assertNotNull(files);
        Served mem = pooled(pool, 100_000);
        ByteBuffer expected = ByteBuffer.allocate(100_000).put(mem.bytes().duplicate()).flip();
        int before = SegmentFiles.open();

        Served f = files.keep(mem);
        assertNotNull(f.file());
        assertEquals(expected, f.bytes().duplicate(), "the mapped bytes are the segment's");
        assertEquals(100_000, f.file().size());
        ByteBuffer viaFile = ByteBuffer.allocate(100_000);
        f.file().read(viaFile, 0);
        assertEquals(expected, viaFile.flip(), "and so are the file's, for sendfile");
        assertFalse(mem.tryRetain(), "the pooled copy was released");
        assertEquals(1, pool.idleBytes() > 0 ? 1 : 0, "its buffer is back in the pool");
        try (var names = Files.list(dir)) {
            assertEquals(0, names.count(), "unlinked at once");
        }
        assertEquals(before + 1, SegmentFiles.open());
        assertSame(f, files.keep(f), "a segment in a file stays where it is");

        assertTrue(f.tryRetain()); // a reader
        f.release(); // the window lets go: the reader still reads
        assertTrue(f.file().isOpen());
        assertEquals(expected, f.bytes().duplicate());
        f.release(); // the reader is done: closed
        assertFalse(f.file().isOpen());
        assertEquals(before, SegmentFiles.open());
    }

    @Test
    void aFolderThatCannotBeUsedKeepsSegmentsInMemory() throws Exception {
        assertNull(SegmentFiles.in(""));
        assertNull(SegmentFiles.in(dir.resolve("missing").toString()));
        Path gone = Files.createDirectory(dir.resolve("gone"));
        SegmentFiles files = SegmentFiles.in(gone.toString());
        assertNotNull(files);
        Files.delete(gone); // the folder vanished after start (an unmounted tmpfs, say)
        DirectPool pool = new DirectPool(1 << 20);
        Served mem = pooled(pool, 1000);
        int before = SegmentFiles.open();
        assertSame(mem, files.keep(mem), "kept in memory, with one warning");
        assertTrue(mem.tryRetain(), "and still readable");
        mem.release();
        assertEquals(before, SegmentFiles.open());
        Files.createDirectory(gone);
        assertSame(mem, files.keep(mem), "not retried for a minute");
    }
}
