package io.osprey.spi.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FastResponseTest {

    @Test
    void theHeadIsStatusAndFieldsWithoutTheBlankLine() {
        ByteBuffer h = FastResponse.head(200, "OK", "Content-Type", "video/mp2t", "Content-Length", "3");
        assertEquals("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\nContent-Length: 3\r\n",
                StandardCharsets.ISO_8859_1.decode(h).toString());
        assertThrows(IllegalArgumentException.class, () -> FastResponse.head(200, "OK", "X"));
        assertThrows(IllegalArgumentException.class, () -> FastResponse.head(200, "OK", "X", "a\r\nEvil: 1"));
        assertThrows(IllegalArgumentException.class, () -> FastResponse.head(200, "O\nK"));
    }

    @Test
    void aFileBodyMayCarryTheSameBytesInMemoryAndNothingElse(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("f"), new byte[100]);
        try (FileChannel ch = FileChannel.open(f)) {
            ByteBuffer head = FastResponse.head(200, "OK");
            FastResponse plain = FastResponse.ofFile(head, ch, 10, 80, null);
            assertFalse(plain.body().hasRemaining());
            assertEquals(new FastResponse.FileRegion(ch, 10, 80), plain.file());
            FastResponse both = FastResponse.ofFile(head, ch, 10, 80, ByteBuffer.allocate(80), null);
            assertEquals(80, both.body().remaining());
            assertThrows(IllegalArgumentException.class,
                    () -> FastResponse.ofFile(head, ch, 10, 80, ByteBuffer.allocate(79), null));
            assertThrows(IllegalArgumentException.class, () -> FastResponse.ofFile(head, ch, -1, 80, null));
            assertTrue(new FastResponse(head, ByteBuffer.allocate(5), null).file() == null);
        }
    }
}
