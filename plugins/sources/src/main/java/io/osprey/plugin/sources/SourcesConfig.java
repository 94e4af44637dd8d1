package io.osprey.plugin.sources;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code plugins.sources}: the configured streams (key → {@link SourceSpec}) and the limits every source shares.
 * Sources added through {@code POST /api/sources} live in the data folder, not here.
 */
public final class SourcesConfig implements PluginConfig {

    /** Sources running at once; starting another stops the least recently watched on-demand one. */
    public int maxActive = 200;
    /** An on-demand source stops this long after its last viewer left (or its last HLS playlist request), ms. */
    public long idleStopMs = 10_000;
    /** A (re)start that yields no media frame within this long is killed and retried, ms. */
    public long startTimeoutMs = 15_000;
    /** A running source that yields no frame for this long is restarted, ms (a source may override it). */
    public long stallMs = 10_000;
    /** First reconnect delay, ms; doubled (with up to 25% jitter) after each failure, up to {@link #maxBackoffMs}. */
    public long minBackoffMs = 500;
    public long maxBackoffMs = 30_000;
    /** A worker that ran this long before it failed starts the back-off over, ms. */
    public long backoffResetMs = 10_000;
    /** ffprobe's wall-clock budget when {@code audio: auto} asks what the audio is, ms. */
    public long probeTimeoutMs = 10_000;
    /** Network reads that stall this long end the worker ({@code -rw_timeout} for http, {@code -timeout} for rtsp), ms. */
    public long ioTimeoutMs = 10_000;
    /** AAC bit rate when audio is converted, kbit/s. */
    public int aacKbps = 128;
    /** The largest FLV tag accepted from a worker, bytes. */
    public int maxTagBytes = 8 << 20;
    /**
     * Worker failures logged per source per minute, and as many live stderr lines (the rest are counted and
     * summarised).
     */
    public int logPerMinute = 6;
    /** Stream key ({@code app/name}) → source. */
    public Map<String, SourceSpec> streams = new LinkedHashMap<>();

    @Override
    public void validate() {
        ConfigException.check(maxActive >= 1, "maxActive", "must be at least 1");
        ConfigException.check(idleStopMs >= 0, "idleStopMs", "must not be negative");
        ConfigException.check(startTimeoutMs >= 1000, "startTimeoutMs", "must be at least 1000");
        ConfigException.check(stallMs >= 1000, "stallMs", "must be at least 1000");
        ConfigException.check(minBackoffMs >= 10, "minBackoffMs", "must be at least 10");
        ConfigException.check(maxBackoffMs >= minBackoffMs, "maxBackoffMs", "must be at least minBackoffMs");
        ConfigException.check(backoffResetMs >= 0, "backoffResetMs", "must not be negative");
        ConfigException.check(probeTimeoutMs >= 1000, "probeTimeoutMs", "must be at least 1000");
        ConfigException.check(ioTimeoutMs >= 1000, "ioTimeoutMs", "must be at least 1000");
        ConfigException.check(aacKbps >= 16 && aacKbps <= 512, "aacKbps", "must be between 16 and 512");
        ConfigException.check(maxTagBytes >= 65536 && maxTagBytes <= 0xFFFFFF, "maxTagBytes",
                "must be between 65536 and 16777215 (FLV's DataSize is UI24)");
        ConfigException.check(logPerMinute >= 1, "logPerMinute", "must be at least 1");
        for (Map.Entry<String, SourceSpec> e : streams.entrySet()) {
            String where = "streams." + e.getKey();
            if (e.getValue() == null) {
                throw new ConfigException(where, "needs at least a url");
            }
            String problem = e.getValue().problem(e.getKey());
            if (problem != null) {
                throw new ConfigException(where, problem);
            }
        }
    }
}
