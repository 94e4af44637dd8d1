package io.osprey.plugin.httpflv;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.bus.StreamKey;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code plugins.httpflv}: viewer bounds (how far a viewer may fall behind before it is moved to the newest key
 * frame, and when it is disconnected), CORS, FLV recording and edge relay upstreams.
 */
public final class HttpFlvConfig implements PluginConfig {

    /** Unsent frames a viewer may have queued. */
    public int maxLagFrames = 1024;
    /** Unsent bytes a viewer may have queued. */
    public long maxLagBytes = 8L << 20;
    /** Stream time a viewer may be behind, ms. */
    public long maxLagMs = 5_000;
    /**
     * How long one write to a viewer may stay pending before the viewer is disconnected, ms: catches a reader that
     * stopped reading (the bus's lag bounds apply only when the viewer asks for more).
     */
    public long stallMs = 10_000;
    /** Moves to the newest key frame tolerated before a viewer is disconnected. */
    public int maxDrops = 3;
    /** {@code Access-Control-Allow-Origin} for players on other origins; empty for none. */
    public String corsOrigin = "*";
    /**
     * Kernel send buffer per viewer socket (SO_SNDBUF), bytes; 0 leaves the OS's auto-tuning. A fixed size bounds
     * kernel memory per viewer and lets a stalled viewer be noticed in seconds rather than after megabytes.
     */
    public int sendBufferBytes = 256 * 1024;
    /**
     * Write merging, the longest window, ms; 0 never merges. Most of the CPU a viewer costs is the kernel's cost per
     * write call, so when viewers are many, each one waits after a write until its share of {@link #writesPerSecond}
     * comes round, and everything that arrived meanwhile goes out in one write: the window is
     * {@code viewers / writesPerSecond}, at most this long. With few viewers (a window under 5 ms) every frame is
     * written as soon as it arrives. SRS does the same with a fixed 350 ms ({@code mw_latency}).
     */
    public long mergeMs = 200;
    /** The write budget that sets the merge window, write calls per second for all viewers; 0 = 25,000 per core. */
    public long writesPerSecond = 0;
    /**
     * The default budget per core: 250 viewers per core write every frame as it arrives; 2,000 viewers on 2 cores
     * wait 40 ms, 8,000 wait 160 ms (measured: 0.012 % of a core per viewer at a 100 ms window, vs ~0.05 % with
     * one write per frame).
     */
    static final long WRITES_PER_CORE = 25_000;
    /** WebSocket-FLV on the same {@code /{app}/{stream}.flv} paths. */
    public boolean webSocket = true;

    /** FLV recording. */
    public Record record = new Record();
    /** Edge relay. */
    public Relay relay = new Relay();

    /** {@code plugins.httpflv.record}. */
    public static final class Record {
        /** Record streams to {@code <dataDir>/<dir>/{app}/{stream}/{yyyyMMdd_HHmmss}.flv}, served as {@code /flv/...}. */
        public boolean enabled = false;
        /** Apps to record; empty means every app. */
        public List<String> apps = new ArrayList<>();
        /** Folder under the data folder. */
        public String dir = "flv";

        boolean records(String app) {
            return enabled && (apps.isEmpty() || apps.contains(app));
        }
    }

    /** {@code plugins.httpflv.relay}. */
    public static final class Relay {
        /** Where to pull streams of an app from when they are not live here. */
        public List<Upstream> upstreams = new ArrayList<>();
        /** How long a viewer waits for a relayed stream to appear, ms. */
        public long waitMs = 5_000;
        /** A pull stops this long after its last viewer left, ms. */
        public long idleStopMs = 10_000;
        /** First reconnect delay after the origin drops, ms; doubles up to {@link #maxBackoffMs}. */
        public long minBackoffMs = 250;
        public long maxBackoffMs = 5_000;
        /** Connect and response-header timeout, ms. */
        public long connectTimeoutMs = 5_000;
        /** After an origin answered 404, further requests for that stream get 404 at once for this long, ms. */
        public long negativeCacheMs = 2_000;
        /** Pulls running at once, at most. */
        public int maxPulls = 64;
        /** Largest FLV tag accepted from an origin. */
        public int maxTagBytes = 8 << 20;
        /**
         * In a cluster ({@code cluster.redisUrl}): a stream of an app without an upstream is pulled from the node
         * that owns it in the registry, at that node's {@code cluster.advertiseUrl}.
         */
        public boolean cluster = true;

        public Upstream upstream(String app) {
            for (Upstream u : upstreams) {
                if (u.app.equals(app) || u.app.equals("*")) {
                    return u;
                }
            }
            return null;
        }
    }

    /** One upstream: {@code app} (or {@code *}) and a URL template with {@code {app}} and {@code {stream}}. */
    public static final class Upstream {
        public String app = "";
        public String url = "";

        public String url(StreamKey key) {
            return url.replace("{app}", key.app()).replace("{stream}", key.name());
        }
    }

    @Override
    public void validate() {
        ConfigException.check(maxLagFrames >= 16, "maxLagFrames", "must be at least 16");
        ConfigException.check(maxLagBytes >= 65536, "maxLagBytes", "must be at least 65536");
        ConfigException.check(maxLagMs >= 500, "maxLagMs", "must be at least 500");
        ConfigException.check(stallMs >= 1000, "stallMs", "must be at least 1000");
        ConfigException.check(maxDrops >= 0, "maxDrops", "must not be negative");
        ConfigException.check(mergeMs >= 0 && mergeMs <= 1000, "mergeMs", "must be 0..1000");
        ConfigException.check(writesPerSecond >= 0, "writesPerSecond", "must not be negative");
        ConfigException.check(corsOrigin != null, "corsOrigin", "must be a string");
        ConfigException.check(sendBufferBytes == 0 || sendBufferBytes >= 16384, "sendBufferBytes",
                "must be 0 (OS default) or at least 16384");
        ConfigException.check(record != null, "record", "must be a section");
        ConfigException.check(record.apps != null && record.apps.stream().allMatch(StreamKey::isValidPart),
                "record.apps", "must be a list of app names");
        ConfigException.check(record.dir != null && !record.dir.isEmpty() && !record.dir.contains("..")
                && !record.dir.startsWith("/"), "record.dir", "must be a relative folder without '..'");
        ConfigException.check(relay != null, "relay", "must be a section");
        ConfigException.check(relay.waitMs >= 0 && relay.waitMs <= 60_000, "relay.waitMs", "must be 0..60000");
        ConfigException.check(relay.idleStopMs >= 0, "relay.idleStopMs", "must not be negative");
        ConfigException.check(relay.minBackoffMs >= 10 && relay.maxBackoffMs >= relay.minBackoffMs,
                "relay.minBackoffMs", "must be at least 10 and not above relay.maxBackoffMs");
        ConfigException.check(relay.connectTimeoutMs >= 100, "relay.connectTimeoutMs", "must be at least 100");
        ConfigException.check(relay.negativeCacheMs >= 0, "relay.negativeCacheMs", "must not be negative");
        ConfigException.check(relay.maxPulls >= 1, "relay.maxPulls", "must be at least 1");
        ConfigException.check(relay.maxTagBytes >= 65536 && relay.maxTagBytes <= 0xFFFFFF, "relay.maxTagBytes",
                "must be 65536..16777215");
        ConfigException.check(relay.upstreams != null, "relay.upstreams", "must be a list");
        for (int i = 0; i < relay.upstreams.size(); i++) {
            Upstream u = relay.upstreams.get(i);
            String k = "relay.upstreams[" + i + "]";
            ConfigException.check(u != null && u.app != null && (u.app.equals("*") || StreamKey.isValidPart(u.app)),
                    k + ".app", "must be an app name or *");
            ConfigException.check(u.url != null && (u.url.startsWith("http://") || u.url.startsWith("https://"))
                    && u.url.contains("{stream}"), k + ".url",
                    "must be an http(s) URL containing {stream}, e.g. http://origin:8080/{app}/{stream}.flv");
        }
    }
}
