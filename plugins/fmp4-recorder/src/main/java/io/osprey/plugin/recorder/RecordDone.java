package io.osprey.plugin.recorder;

import io.osprey.spi.access.AccessControl;
import io.osprey.spi.access.SessionEnd;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reports a finished recording session to the access hook's session listeners ({@link SessionEnd.Kind#RECORD}):
 * the merged file if there is one, else the session's index, with its size, duration and URL. Runs on the merge
 * thread.
 */
final class RecordDone {

    private static final System.Logger LOG = System.getLogger(RecordDone.class.getName());

    private RecordDone() {
    }

    static void report(AccessControl access, Path dataDir, SessionDir s, String outcome, boolean served) {
        try {
            boolean full = Files.isRegularFile(s.full(), LinkOption.NOFOLLOW_LINKS);
            Path file = full ? s.full() : s.dir().resolve(SessionDir.INDEX);
            long size;
            if (full) {
                size = Files.size(file);
            } else {
                try (Stream<Path> files = Files.walk(s.dir())) {
                    size = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                }
            }
            Double seconds = full ? Mp4Sessions.mvhdDuration(file) : null;
            String rel = dataDir.toAbsolutePath().normalize().relativize(file.toAbsolutePath().normalize()).toString()
                    .replace('\\', '/');
            Map<String, String> details = new LinkedHashMap<>();
            details.put("path", rel);
            details.put("session", s.name());
            if (served) {
                details.put("url", "/mp4/" + s.key().app() + "/" + s.key().name() + "/" + s.name() + "/"
                        + file.getFileName());
            }
            access.ended(new SessionEnd(SessionEnd.Kind.RECORD, s.key(), "mp4", null,
                    seconds == null ? 0 : Math.round(seconds * 1000), size, outcome, details));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "recorder: could not report the end of " + s + ": " + e);
        }
    }
}
