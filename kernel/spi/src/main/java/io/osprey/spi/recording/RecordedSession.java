package io.osprey.spi.recording;

import io.osprey.spi.bus.StreamKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One recording session as its recorder reports it: a folder or a single file under the recorder's root. The
 * session is removed whole (everything under {@link #path()}), or down to its {@link #primary()} file when the
 * cleaner is told to keep merged files.
 *
 * @param type     the recorder's type ({@code mp4}, {@code flv}...)
 * @param stream   the stream it recorded
 * @param id       its name among the stream's sessions (e.g. {@code 20250101_120000})
 * @param path     the session's folder or file, under the recorder's root
 * @param open     whether it is still being written (recording, or being merged): never removed while open
 * @param state    the recorder's word for it ({@code recording}, {@code merged}, {@code unfinished}, {@code file}...)
 * @param start    when it started, or null if unknown
 * @param duration media seconds, or null if unknown or not asked for
 * @param size     bytes on disk, or -1 if unknown or not asked for
 * @param urls     where it is served (server paths such as {@code /mp4/...}), by role; may be empty
 * @param primary  the file to keep when only one form is kept (the merged MP4), or null
 */
public record RecordedSession(String type, StreamKey stream, String id, Path path, boolean open, String state,
                              Instant start, Double duration, long size, Map<String, String> urls, Path primary) {

    public RecordedSession {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(state, "state");
        urls = urls == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(urls));
        if (primary != null && !primary.startsWith(path)) {
            throw new IllegalArgumentException("primary " + primary + " is not inside " + path);
        }
    }
}
