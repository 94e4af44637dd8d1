package io.osprey.plugin.rtmp;

import io.osprey.plugin.rtmp.protocol.RtmpLimits;
import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;

/** {@code plugins.rtmp-ingest}: listeners (RTMP, RTMPS, HTTP-FLV push), limits and publishing policy. */
public final class RtmpConfig implements PluginConfig {

    @Setting(value = "RTMP port; 0 picks a free one.", min = 0, max = 65535)
    public int port = 1935;
    @Setting("Bind address; empty for all.")
    public String host = "";
    @Setting(value = "A connection with no traffic either way for this long is closed, ms.", min = 1000)
    public long idleTimeoutMs = 30_000;
    @Setting(value = "The handshake must complete within this, ms (HOSTILE-INPUTS A1).", min = 100)
    public long handshakeTimeoutMs = 10_000;
    /**
     * After the handshake, publish or play must start within this, ms; and after publish (RTMP or HTTP-FLV push),
     * the first audio or video frame must arrive within it (HOSTILE-INPUTS D4).
     */
    @Setting(value = "Publish or play must start this soon after the handshake, and the first frame this soon "
            + "after publish, ms.", min = 100)
    public long firstPacketTimeoutMs = 20_000;
    @Setting(value = "A publisher that sends no audio or video for this long is closed (stalled, metadata only, "
            + "trickling), ms.", min = 100)
    public long publisherIdleTimeoutMs = 10_000;
    @Setting(value = "Control and command messages (not audio, video or data) one connection may send per second "
            + "(A4).", min = 10)
    public int maxControlMessagesPerSecond = 500;
    /**
     * Data messages (AMF0 data, type 18: {@code @setDataFrame}, {@code onMetaData}, cue points, per-frame
     * timecodes) one connection may send per second; also the script tags of one HTTP-FLV push. More closes it.
     */
    @Setting(value = "Data messages (AMF0 type 18) one connection may send per second; more closes it.", min = 10)
    public int maxDataMessagesPerSecond = 300;
    @Setting(value = "Chunk size we send with (set chunk size is sent right after connect).", min = 128, max = 65536)
    public int outChunkSize = 4096;
    /**
     * RTMP play write merging, the longest window, ms (0 never merges): with many viewers each waits after a write for
     * its share of {@link #playWritesPerSecond}, so one write carries everything that arrived meanwhile. With few
     * viewers (a window under 5 ms) every frame goes out as it arrives.
     */
    @Setting(value = "RTMP play write merging, the longest window, ms (0 never merges).", min = 0, max = 1000)
    public long playMergeMs = 200;
    /**
     * How long a player waits for a stream that is not live but can be started on demand (an edge relay, a pulled
     * camera, a rendition), ms; streams nobody can start are refused at once.
     */
    @Setting(value = "How long a player waits for a stream that is not live but can be started on demand (an edge "
            + "relay, a pulled camera, a rendition), ms; streams nobody can start are refused at once.",
            min = 0, max = 60_000)
    public long playWaitMs = 10_000;
    @Setting(value = "The write budget for all RTMP viewers, write calls per second; 0 = 6,250 per core.", min = 0)
    public long playWritesPerSecond = 0;
    /**
     * The default budget per core. RTMP players (ffplay, VLC, OBS, relays) buffer a second or more, so a window of
     * tens of ms costs them nothing: 1,000 viewers on 2 cores wait 80 ms, and cost 0.64x nginx-rtmp's CPU instead of
     * 1.6x (measured with bench/run.sh fanout-rtmp --viewers 1000 --peer nginx); under 63 viewers per core none wait.
     */
    static final long PLAY_WRITES_PER_CORE = 6_250;
    @Setting(value = "Smallest chunk size a peer may set (B1).", min = 1)
    public int minChunkSize = 128;
    @Setting(value = "Largest chunk size a peer may set (B1).", max = 16 << 20)
    public int maxChunkSize = 16 << 20;
    @Setting(value = "Largest message accepted, checked before allocating (B5).", min = 65536, max = 64 << 20)
    public int maxMessageSize = 1 << 20;
    @Setting(value = "Chunk streams one connection may use (B4).", min = 4, max = 65599)
    public int maxChunkStreams = 64;
    @Setting(value = "Connections at once, all clients.", min = 1)
    public int maxConnections = 2000;
    @Setting(value = "Connections at once from one address.", min = 1)
    public int maxConnectionsPerIp = 200;
    @Setting(value = "What happens when a second publisher asks for a live key: reject or takeover.",
            allowed = {"reject", "takeover"})
    public String busyPolicy = "reject";
    @Setting(value = "Window acknowledgement size we announce.", min = 4096)
    public int windowAckSize = 2_500_000;
    @Setting("HTTP-FLV push ingest: POST or PUT /{app/{stream}} with an FLV body.")
    public boolean httpPush = true;
    @Setting("RTMPS: RTMP over TLS on its own port.")
    public Tls tls = new Tls();

    /** {@code plugins.rtmp-ingest.tls}. */
    public static final class Tls {
        @Setting(value = "RTMPS port; 0 turns RTMPS off.", min = 0, max = 65535)
        public int port = 0;
        @Setting("PKCS12 (or JKS) key store with the server's certificate and key; relative to the working directory.")
        public String keyStore = "";
        @Setting("The key store's password.")
        public String keyStorePassword = "";

        /** Whether RTMPS is on. */
        public boolean enabled() {
            return port > 0;
        }
    }

    @Override
    public void validate() {
        // each key's own range and allowed values are its @Setting, checked before this
        ConfigException.check(minChunkSize >= 1 && minChunkSize <= maxChunkSize, "minChunkSize",
                "must be 1..maxChunkSize");
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
