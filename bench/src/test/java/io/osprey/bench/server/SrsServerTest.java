package io.osprey.bench.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The peer's checks that need no SRS: which build it is. */
class SrsServerTest {

    @TempDir
    Path dir;

    /** SRS's configure makes an AddressSanitizer build unless told --sanitizer=off; the report must say which. */
    @Test
    void tellsAnAddressSanitizerBuildFromARelease() throws Exception {
        Path asan = Files.write(dir.resolve("srs-asan"), ("\u007fELF...___asan_init\0__asan_init_v5\0main")
                .getBytes(StandardCharsets.ISO_8859_1));
        Path release = Files.write(dir.resolve("srs"), "\u007fELF...__asan_ini\0main\0_ZN10SrsServer"
                .getBytes(StandardCharsets.ISO_8859_1));
        assertTrue(SrsServer.asan(asan));
        assertFalse(SrsServer.asan(release));
        assertFalse(SrsServer.asan(dir.resolve("missing")), "an unreadable binary is not called a sanitizer build");
    }
}
