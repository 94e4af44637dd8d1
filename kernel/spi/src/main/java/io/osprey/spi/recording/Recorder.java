package io.osprey.spi.recording;

import io.osprey.spi.bus.StreamKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A plugin's view of what it writes under one root folder, registered with
 * {@link RecordingRegistry#register(Recorder)}. The recorder owns its files: it says which sessions exist, which
 * of them are still being written, and how they are served; the registry only asks.
 *
 * <p>Threading: {@link #sessions} is called on admin API and cleanup threads, concurrently with recording, and
 * must be safe for that. It reads the disk, so it may take a while for thousands of sessions, but it must not
 * block on the recorder's own writers. A session that starts while it runs may or may not be listed; a session
 * that is being written must be listed as {@linkplain RecordedSession#open() open} once its first file exists.
 *
 * <p>Example (one file per session):
 * <pre>{@code
 * ctx.recordings().register(new Recorder() {
 *     public String type() { return "flv"; }
 *     public Path root() { return flvRoot; }
 *     public List<RecordedSession> sessions(Listing l) throws IOException { return scan(flvRoot, l); }
 * }).ready();
 * }</pre>
 */
@ConsumerType
public interface Recorder {

    /** What it records, as listed in {@code /api/recordings}: {@code mp4}, {@code flv}, {@code hls}... */
    String type();

    /** The folder everything it writes lies under (absolute, normalised). */
    Path root();

    /** The sessions on disk now, as {@code listing} asks; never null. */
    List<RecordedSession> sessions(Listing listing) throws IOException;

    /**
     * What a caller wants from {@link #sessions}.
     *
     * @param stream  only this stream's sessions, or null for all
     * @param details whether durations and sizes are wanted (they cost reads); without, they may be null and -1
     * @param limit   at most this many sessions (a recorder may return fewer)
     */
    record Listing(StreamKey stream, boolean details, int limit) {

        /** Everything, without details: what the cleaner asks. */
        public static final Listing ALL = new Listing(null, false, Integer.MAX_VALUE);

        public Listing {
            if (limit < 0) {
                throw new IllegalArgumentException("limit must not be negative: " + limit);
            }
        }

        /** Whether {@code key} passes the stream filter. */
        public boolean wants(StreamKey key) {
            return stream == null || stream.equals(key);
        }
    }
}
