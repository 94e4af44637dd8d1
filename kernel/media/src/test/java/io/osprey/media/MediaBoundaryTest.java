package io.osprey.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The library's format packages are what their package-info says: no bus publishing, no threads or schedulers, no
 * files or sockets opened, nothing of the live runtime ({@code io.osprey.media.live}). Reads the sources as text.
 */
class MediaBoundaryTest {

    private static final Path ROOT = Path.of("src/main/java/io/osprey/media");
    private static final List<String> FORMATS = List.of("amf0", "codec", "flv", "mp4", "ts", "json");
    /** What a format must not name, and why. */
    private static final Map<String, String> FORBIDDEN = Map.ofEntries(
            Map.entry("io.osprey.media.live", "the live runtime"),
            Map.entry("spi.bus.Publisher", "publishing into the bus"),
            Map.entry("spi.bus.MediaBus", "the bus"),
            Map.entry("spi.bus.Subscription", "the bus"),
            Map.entry("spi.Scheduler", "a scheduler"),
            Map.entry("java.util.concurrent", "threads"),
            Map.entry("Thread", "threads"),
            Map.entry("java.net", "sockets"),
            Map.entry("java.nio.file", "opening files"),
            Map.entry("FileInputStream", "opening files"),
            Map.entry("FileOutputStream", "opening files"),
            Map.entry("DirectPool.shared()", "the JVM-wide pool (take a pool as a parameter)"));
    /**
     * Named exceptions: the deprecated alias that forwards to the live bridge (kept for code compiled against its
     * old name), and the segment writer's convenience constructor that takes the shared pool.
     */
    private static final Map<String, String> ALLOWED = Map.of(
            "flv/FlvToBus.java", "*",
            "ts/TsSegmentWriter.java", "DirectPool.shared()");

    @Test
    void formatPackagesUseNoRuntime() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        for (String pkg : FORMATS) {
            try (Stream<Path> all = Files.list(ROOT.resolve(pkg))) {
                for (Path f : (Iterable<Path>) all.filter(p -> p.toString().endsWith(".java"))::iterator) {
                    files++;
                    String name = pkg + "/" + f.getFileName();
                    String allowed = ALLOWED.getOrDefault(name, "");
                    String code = withoutComments(Files.readString(f));
                    FORBIDDEN.forEach((what, why) -> {
                        if (code.contains(what) && !allowed.equals("*") && !allowed.equals(what)) {
                            found.add(name + " names " + what + " (" + why + ")");
                        }
                    });
                }
            }
        }
        assertTrue(files > 50, "read the format sources: " + files);
        assertEquals(List.of(), found, "format packages that use the live runtime");
    }

    private static String withoutComments(String java) {
        return java.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\n]*", "");
    }
}
