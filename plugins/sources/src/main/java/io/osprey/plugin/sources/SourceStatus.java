package io.osprey.plugin.sources;

import io.osprey.spi.bus.StreamKey;

/**
 * A snapshot of one source for {@code GET /api/sources}.
 *
 * @param pid   the running worker's process id, or -1
 * @param audio the audio codec ffprobe found ({@code audio: auto}), or {@code null} before the first probe
 */
record SourceStatus(StreamKey key, SourceSpec spec, boolean configured, Source.State state, long sinceMillis,
                    long restarts, String lastError, long pid, String audio) {
}
