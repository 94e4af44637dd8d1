package io.osprey.plugin.rtmp;

import io.osprey.plugin.rtmp.protocol.RtmpLimits;
import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;

/** {@code plugins.rtmp-ingest}: listeners (RTMP, RTMPS, HTTP-FLV push), limits and publishing policy. */
public final class RtmpConfig implements PluginConfig {

    /** RTMP port; 0 picks a free one. */
    public int port = 1935;
    /** Bind address; empty for all. */
    public String host = "";
    /** A connection with no traffic either way for this long is closed, ms. */
    public long idleTimeoutMs = 30_000;
    /** The handshake must complete within this, ms (HOSTILE-INPUTS A1). */
    public long handshakeTimeoutMs = 10_000;
    /**
     * After the handshake, publish or play must start within this, ms; and after publish (RTMP or HTTP-FLV push),
     * the first audio or video frame must arrive within it (HOSTILE-INPUTS D4).
     */
    public long firstPacketTimeoutMs = 20_000;
    /** A publisher that sends no audio or video for this long is closed (stalled, metadata only, trickling), ms. */
    public long publisherIdleTimeoutMs = 10_000;
    /** Control and command messages (not audio, video or data) one connection may send per second (A4). */
    public int maxControlMessagesPerSecond = 500;
    /**
     * Data messages (AMF0 data, type 18: {@code @setDataFrame}, {@code onMetaData}, cue points, per-frame
     * timecodes) one connection may send per second; also the script tags of one HTTP-FLV push. More closes it.
     */
    public int maxDataMessagesPerSecond = 300;
    /** Chunk size we send with (set chunk size is sent right after connect). */
    public int outChunkSize = 4096;
    /**
     * RTMP play write merging, the longest window, ms (0 never merges): with many viewers each waits after a write for
     * its share of {@link #playWritesPerSecond}, so one write carries everything that arrived meanwhile. With few
     * viewers (a window under 5 ms) every frame goes out as it arrives.
     */
    public long playMergeMs = 200;
    /**
     * How long a player waits for a stream that is not live but can be started on demand (an edge relay, a pulled
     * camera, a rendition), ms; streams nobody can start are refused at once.
     */
    public long playWaitMs = 10_000;
    /** The write budget for all RTMP viewers, write calls per second; 0 = 6,250 per core. */
    public long playWritesPerSecond = 0;
    /**
     * The default budget per core. RTMP players (ffplay, VLC, OBS, relays) buffer a second or more, so a window of
     * tens of ms costs them nothing: 1,000 viewers on 2 cores wait 80 ms, and cost 0.64x nginx-rtmp's CPU instead of
     * 1.6x (measured with bench/run.sh fanout-rtmp --viewers 1000 --peer nginx); under 63 viewers per core none wait.
     */
    static final long PLAY_WRITES_PER_CORE = 6_250;
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
    /** HTTP-FLV push ingest: {@code POST} or {@code PUT /{app}/{stream}} with an FLV body. */
    public boolean httpPush = true;
    /** RTMPS: RTMP over TLS on its own port. */
    public Tls tls = new Tls();

    /** {@code plugins.rtmp-ingest.tls}. */
    public static final class Tls {
        /** RTMPS port; 0 turns RTMPS off. */
        public int port = 0;
        /** PKCS12 (or JKS) key store with the server's certificate and key; relative to the working directory. */
        public String keyStore = "";
        /** The key store's password. */
        public String keyStorePassword = "";

        /** Whether RTMPS is on. */
        public boolean enabled() {
            return port > 0;
        }
    }

    @Override
    public void validate() {
        ConfigException.check(port >= 0 && port <= 65535, "port", "must be 0..65535, was " + port);
        ConfigException.check(idleTimeoutMs >= 1000, "idleTimeoutMs", "must be at least 1000");
        ConfigException.check(handshakeTimeoutMs >= 100, "handshakeTimeoutMs", "must be at least 100");
        ConfigException.check(firstPacketTimeoutMs >= 100, "firstPacketTimeoutMs", "must be at least 100");
        ConfigException.check(outChunkSize >= 128 && outChunkSize <= 65536, "outChunkSize", "must be 128..65536");
        ConfigException.check(playMergeMs >= 0 && playMergeMs <= 1000, "playMergeMs", "must be 0..1000");
        ConfigException.check(playWaitMs >= 0 && playWaitMs <= 60_000, "playWaitMs", "must be 0..60000");
        ConfigException.check(playWritesPerSecond >= 0, "playWritesPerSecond", "must not be negative");
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
        ConfigException.check(publisherIdleTimeoutMs >= 100, "publisherIdleTimeoutMs", "must be at least 100");
        ConfigException.check(maxControlMessagesPerSecond >= 10, "maxControlMessagesPerSecond",
                "must be at least 10");
        ConfigException.check(maxDataMessagesPerSecond >= 10, "maxDataMessagesPerSecond", "must be at least 10");
        ConfigException.check(tls != null, "tls", "must be a section");
        ConfigException.check(tls.port >= 0 && tls.port <= 65535, "tls.port", "must be 0..65535 (0 = off)");
        if (tls.enabled()) {
            ConfigException.check(tls.keyStore != null && !tls.keyStore.isBlank(), "tls.keyStore",
                    "is required when tls.port is set");
            ConfigException.check(java.nio.file.Files.isReadable(java.nio.file.Path.of(tls.keyStore)), "tls.keyStore",
                    "cannot read " + tls.keyStore);
            ConfigException.check(tls.keyStorePassword != null, "tls.keyStorePassword", "is required");
        }
    }

    /**
     * Keys a running plugin cannot change in place: the RTMPS key store (its port is held by the listener that would
     * have to be replaced on the same port), the play write merger and the chunk size played streams are cut at. Everything else is applied by
     * {@link RtmpIngestPlugin#reconfigure}.
     */
    boolean needsRestartFrom(RtmpConfig old) {
        return playMergeMs != old.playMergeMs || playWritesPerSecond != old.playWritesPerSecond
                || outChunkSize != old.outChunkSize // played streams' shared chunk logs are cut at this size
                || tls.enabled() && old.tls.enabled() && tls.port == old.tls.port
                && (!tls.keyStore.equals(old.tls.keyStore) || !tls.keyStorePassword.equals(old.tls.keyStorePassword));
    }

    RtmpLimits limits() {
        return new RtmpLimits(minChunkSize, maxChunkSize, maxMessageSize, maxChunkStreams,
                RtmpLimits.DEFAULT.maxCsid());
    }
}
