package io.osprey.media.mp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.osprey.media.codec.Hex;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Mp4BoxReaderTest {
    static final String BOXES = """
            00000010 66726565 0102030405060708  // 'free', 16 bytes
            00000001 6d646174 0000000000000012 aabb  // 'mdat' with largesize 18
            00000018 75756964 000102030405060708090a0b0c0d0e0f  // 'uuid' with usertype, no content
            00000000 736b6970 ccdd  // 'skip' with size 0: to the end
            """;

    @Test
    void headersOfEverySizeForm() throws Exception {
        Mp4BoxReader r = Mp4BoxReader.of(Hex.buf(BOXES));
        Mp4BoxReader.Header free = r.next();
        assertEquals("free", free.type());
        assertEquals(16, free.size());
        assertEquals("0102030405060708", Hex.of(r.content(free, 100)));
        Mp4BoxReader.Header mdat = r.next();
        assertEquals(16, mdat.headerSize());
        assertEquals(18, mdat.size());
        assertEquals("aabb", Hex.of(r.content(mdat, 100)));
        Mp4BoxReader.Header uuid = r.next();
        assertEquals(24, uuid.headerSize());
        assertArrayEquals(Hex.bytes("000102030405060708090a0b0c0d0e0f"), uuid.userType());
        Mp4BoxReader.Header skip = r.next();
        assertEquals(10, skip.size());
        assertEquals(68, skip.end()); // 16 + 18 + 24 + 10
        assertNull(r.next());
    }

    @Test
    void declaredSizesAreNeverTrusted() {
        // more than present, less than its own header, truncated largesize / usertype, trailing bytes
        assertFormat("00000100 6d646174 00", 0);
        assertFormat("00000004 66726565", 0);
        assertFormat("00000001 6d646174 00000000", 0);
        assertFormat("00000001 6d646174 0000000000000008", 0); // largesize smaller than the 16-byte header
        assertFormat("00000001 6d646174 7fffffffffffffff", 0);
        assertFormat("00000018 75756964 0001", 0);
        assertFormat("00000008 66726565 000000", 8);
        assertThrows(Mp4FormatException.class, () -> {
            Mp4BoxReader r = Mp4BoxReader.of(Hex.buf("00000010 66726565 0102030405060708"));
            r.content(r.next(), 4); // content larger than the caller's budget
        });
    }

    @Test
    void childrenStayInsideTheirParent() throws Exception {
        // a 'moov' of 24 bytes whose child claims 32: the child's size is checked against the parent, not the file
        ByteBuffer b = Hex.buf("00000018 6d6f6f76 00000020 6d766864 00000000 00000000 00000000 00000000");
        Mp4BoxReader r = Mp4BoxReader.of(b);
        Mp4BoxReader.Header moov = r.next();
        Mp4FormatException e = assertThrows(Mp4FormatException.class, () -> r.children(moov).next());
        assertEquals(8, e.offset());
    }

    @Test
    void readsFromAFileChannel(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("a.mp4");
        Files.write(file, Hex.bytes(BOXES));
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            Mp4BoxReader r = Mp4BoxReader.of(ch);
            assertEquals("free", r.next().type());
            Mp4BoxReader.Header mdat = r.next();
            assertEquals("aabb", Hex.of(r.content(mdat, 10)));
            assertEquals("uuid", r.next().type());
            assertEquals("skip", r.next().type());
            assertNull(r.next());
            Mp4BoxReader tail = Mp4BoxReader.of(ch, 16, 58);
            assertEquals("mdat", tail.next().type());
            assertEquals("uuid", tail.next().type());
        }
        Files.write(file, Hex.bytes("00000020 6d646174 0102")); // a fragment cut off by a crash
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            assertEquals(0, assertThrows(Mp4FormatException.class, () -> Mp4BoxReader.of(ch).next()).offset());
        }
    }

    private static void assertFormat(String hex, long offset) {
        Mp4FormatException e = assertThrows(Mp4FormatException.class, () -> {
            Mp4BoxReader r = Mp4BoxReader.of(Hex.buf(hex));
            while (r.next() != null) {
                // walk to the error
            }
        });
        assertEquals(offset, e.offset(), hex);
    }
}
