package io.osprey.plugin.sources;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code plugins.sources}: the configured streams (key → {@link SourceSpec}) and the limits every source shares.
 * Sources added through {@code POST /api/sources} live in the data folder, not here.
 */
public final class SourcesConfig implements PluginConfig {

    @Setting(value = "Sources running at once; starting another stops the least recently watched on-demand one.",
            min = 1)
    public int maxActive = 200;
    @Setting(value = "An on-demand source stops this long after its last viewer left (or its last HLS playlist "
            + "request), ms.", min = 0)
    public long idleStopMs = 10_000;
    @Setting(value = "A (re)start that yields no media frame within this long is killed and retried, ms.", min = 1000)
    public long startTimeoutMs = 15_000;
    @Setting(value = "A running source that yields no frame for this long is restarted, ms (a source may override "
            + "it).", min = 1000)
    public long stallMs = 10_000;
    @Setting(value = "First reconnect delay, ms; doubled (with up to 25% jitter) after each failure, up to "
            + "maxBackoffMs.", min = 10)
    public long minBackoffMs = 500;
    @Setting("Longest reconnect delay, ms (at least minBackoffMs).")
    public long maxBackoffMs = 30_000;
    @Setting(value = "A worker that ran this long before it failed starts the back-off over, ms.", min = 0)
    public long backoffResetMs = 10_000;
    @Setting(value = "ffprobe's wall-clock budget when audio: auto asks what the audio is, ms.", min = 1000)
    public long probeTimeoutMs = 10_000;
    @Setting(value = "Network reads that stall this long end the worker (-rw_timeout for http, -timeout for rtsp), "
            + "ms.", min = 1000)
    public long ioTimeoutMs = 10_000;
    @Setting(value = "AAC bit rate when audio is converted, kbit/s.", min = 16, max = 512)
    public int aacKbps = 128;
    @Setting(value = "The largest FLV tag accepted from a worker, bytes (FLV's DataSize is UI24).", min = 65536,
            max = 0xFFFFFF)
    public int maxTagBytes = 8 << 20;
    @Setting(value = "Worker failures logged per source per minute, and as many live stderr lines (the rest are "
            + "counted and summarised).", min = 1)
    public int logPerMinute = 6;
    @Setting("Stream key (app/name) to source: url, onDemand, audio, loop, realtime, stallMs, rtspTransport.")
    public Map<String, SourceSpec> streams = new LinkedHashMap<>();

    @Override
    public void validate() {
        // the ranges of single keys are their @Setting, checked by the kernel before this; here: rules across keys
        // and each source (a source from POST /api/sources is checked by SourceSpec.problem alone)
        ConfigException.check(maxBackoffMs >= minBackoffMs, "maxBackoffMs", "must be at least minBackoffMs");
        ConfigException.check(streams != null, "streams", "must be a map of stream key to source");
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
