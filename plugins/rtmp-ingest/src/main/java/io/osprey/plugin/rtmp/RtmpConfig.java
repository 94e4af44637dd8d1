package io.osprey.plugin.rtmp;

import io.osprey.plugin.rtmp.protocol.RtmpLimits;
import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;

/** {@code plugins.rtmp-ingest}: listener, limits and publishing policy. */
public final class RtmpConfig implements PluginConfig {

    /** RTMP port; 0 picks a free one. */
    public int port = 1935;
    /** Bind address; empty for all. */
    public String host = "";
    /** A connection with no traffic either way for this long is closed, ms. */
    public long idleTimeoutMs = 30_000;
    /** The handshake must complete within this, ms (HOSTILE-INPUTS A1). */
    public long handshakeTimeoutMs = 10_000;
    /** After the handshake, publish or play must start within this, ms. */
    public long firstPacketTimeoutMs = 20_000;
    /** Chunk size we send with (set chunk size is sent right after connect). */
    public int outChunkSize = 4096;
    /** Smallest chunk size a peer may set (B1). */
    public int minChunkSize = 128;
    /** Largest chunk size a peer may set (B1). */
    public int maxChunkSize = 16 << 20;
    /** Largest message accepted, checked before allocating (B5). */
    public int maxMessageSize = 1 << 20;
    /** Chunk streams one connection may use (B4). */
    public int maxChunkStreams = 64;
    /** Connections at once, all clients. */
    public int maxConnections = 2000;
    /** Connections at once from one address. */
    public int maxConnectionsPerIp = 200;
    /** What happens when a second publisher asks for a live key: {@code reject} or {@code takeover}. */
    public String busyPolicy = "reject";
    /** Window acknowledgement size we announce. */
    public int windowAckSize = 2_500_000;

    @Override
    public void validate() {
        ConfigException.check(port >= 0 && port <= 65535, "port", "must be 0..65535, was " + port);
        ConfigException.check(idleTimeoutMs >= 1000, "idleTimeoutMs", "must be at least 1000");
        ConfigException.check(handshakeTimeoutMs >= 100, "handshakeTimeoutMs", "must be at least 100");
        ConfigException.check(firstPacketTimeoutMs >= 100, "firstPacketTimeoutMs", "must be at least 100");
        ConfigException.check(outChunkSize >= 128 && outChunkSize <= 65536, "outChunkSize", "must be 128..65536");
        ConfigException.check(minChunkSize >= 1 && minChunkSize <= maxChunkSize, "minChunkSize",
                "must be 1..maxChunkSize");
        ConfigException.check(maxChunkSize <= 16 << 20, "maxChunkSize", "must be at most 16777216");
        ConfigException.check(maxMessageSize >= 65536 && maxMessageSize <= 64 << 20, "maxMessageSize",
                "must be 65536..67108864");
        ConfigException.check(maxChunkStreams >= 4 && maxChunkStreams <= 65599, "maxChunkStreams", "must be 4..65599");
        ConfigException.check(maxConnections >= 1, "maxConnections", "must be positive");
        ConfigException.check(maxConnectionsPerIp >= 1, "maxConnectionsPerIp", "must be positive");
        ConfigException.check(busyPolicy.equals("reject") || busyPolicy.equals("takeover"), "busyPolicy",
                "must be reject or takeover, was '" + busyPolicy + "'");
        ConfigException.check(windowAckSize >= 4096, "windowAckSize", "must be at least 4096");
    }

    RtmpLimits limits() {
        return new RtmpLimits(minChunkSize, maxChunkSize, maxMessageSize, maxChunkStreams, RtmpLimits.DEFAULT.maxCsid());
    }
}
