package io.osprey.plugin.httpflv;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;
import io.osprey.spi.bus.StreamKey;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code plugins.httpflv}: viewer bounds (how far a viewer may fall behind before it is moved to the newest key
 * frame, and when it is disconnected), CORS, FLV recording and edge relay upstreams.
 */
public final class HttpFlvConfig implements PluginConfig {

    @Setting(value = "Unsent frames a viewer may have queued.", min = 16)
    public int maxLagFrames = 1024;
    @Setting(value = "Unsent bytes a viewer may have queued.", min = 65536)
    public long maxLagBytes = 8L << 20;
    @Setting(value = "Stream time a viewer may be behind, ms.", min = 500)
    public long maxLagMs = 5_000;
    /**
     * How long one write to a viewer may stay pending before the viewer is disconnected, ms: catches a reader that
     * stopped reading (the bus's lag bounds apply only when the viewer asks for more).
     */
    @Setting(value = "How long one write to a viewer may stay pending before the viewer is disconnected, ms.",
            min = 1000)
    public long stallMs = 10_000;
    @Setting(value = "Moves to the newest key frame tolerated before a viewer is disconnected.", min = 0)
    public int maxDrops = 3;
    @Setting("Access-Control-Allow-Origin for players on other origins; empty for none.")
    public String corsOrigin = "*";
    /**
     * Kernel send buffer per viewer socket (SO_SNDBUF), bytes; 0 leaves the OS's auto-tuning. A fixed size bounds
     * kernel memory per viewer and lets a stalled viewer be noticed in seconds rather than after megabytes.
     */
    @Setting("Kernel send buffer per viewer socket (SO_SNDBUF), bytes; 0 leaves the OS's auto-tuning.")
    public int sendBufferBytes = 256 * 1024;
    /**
     * Write merging, the longest window, ms; 0 never merges. Most of the CPU a viewer costs is the kernel's cost per
     * write call, so when viewers are many, each one waits after a write until its share of {@link #writesPerSecond}
     * comes round, and everything that arrived meanwhile goes out in one write: the window is
     * {@code viewers / writesPerSecond}, at most this long. With few viewers (a window under 5 ms) every frame is
     * written as soon as it arrives. SRS does the same with a fixed 350 ms ({@code mw_latency}).
     */
    @Setting(value = "Write merging, the longest window, ms; 0 never merges.", min = 0, max = 1000)
    public long mergeMs = 200;
    @Setting(value = "The write budget that sets the merge window, write calls per second for all viewers; 0 = "
            + "25,000 per core.", min = 0)
    public long writesPerSecond = 0;
    /**
     * The default budget per core: 250 viewers per core write every frame as it arrives; 2,000 viewers on 2 cores
     * wait 40 ms, 8,000 wait 160 ms (measured: 0.012 % of a core per viewer at a 100 ms window, vs ~0.05 % with
     * one write per frame).
     */
    static final long WRITES_PER_CORE = 25_000;
    @Setting("WebSocket-FLV on the same /{app}/{stream}.flv paths.")
    public boolean webSocket = true;

    @Setting("FLV recording.")
    public Record record = new Record();
    @Setting("Edge relay.")
    public Relay relay = new Relay();

    /** {@code plugins.httpflv.record}. */
    public static final class Record {
        @Setting("Record streams to <dataDir>/<dir>/{app}/{stream}/{yyyyMMdd_HHmmss}.flv, served as /flv/...")
        public boolean enabled = false;
        @Setting("Apps to record; empty means every app.")
        public List<String> apps = new ArrayList<>();
        @Setting("Folder under the data folder.")
        public String dir = "flv";

        boolean records(String app) {
            return enabled && (apps.isEmpty() || apps.contains(app));
        }
    }

    /** {@code plugins.httpflv.relay}. */
    public static final class Relay {
        @Setting("Where to pull streams of an app from when they are not live here.")
        public List<Upstream> upstreams = new ArrayList<>();
        @Setting(value = "How long a viewer waits for a relayed stream to appear, ms.", min = 0, max = 60_000)
        public long waitMs = 5_000;
        @Setting(value = "A pull stops this long after its last viewer left, ms.", min = 0)
        public long idleStopMs = 10_000;
        @Setting(value = "First reconnect delay after the origin drops, ms; doubles up to maxBackoffMs.", min = 10)
        public long minBackoffMs = 250;
        @Setting("Longest reconnect delay, ms.")
        public long maxBackoffMs = 5_000;
        @Setting(value = "Connect and response-header timeout, ms.", min = 100)
        public long connectTimeoutMs = 5_000;
        @Setting(value = "After an origin answered 404, further requests for that stream get 404 at once for this "
                + "long, ms.", min = 0)
        public long negativeCacheMs = 2_000;
        @Setting(value = "Pulls running at once, at most.", min = 1)
        public int maxPulls = 64;
        @Setting(value = "Largest FLV tag accepted from an origin.", min = 65536, max = 0xFFFFFF)
        public int maxTagBytes = 8 << 20;
        /**
         * In a cluster ({@code cluster.redisUrl}): a stream of an app without an upstream is pulled from the node
         * that owns it in the registry, at that node's {@code cluster.advertiseUrl}.
         */
        @Setting("In a cluster, pull a stream of an app without an upstream from the node that owns it.")
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
        @Setting("App name, or * for every app without its own upstream.")
        public String app = "";
        @Setting("URL template with {app} and {stream}, e.g. http://origin:8080/{app}/{stream}.flv.")
        public String url = "";

        public String url(StreamKey key) {
            return url.replace("{app}", key.app()).replace("{stream}", key.name());
        }
    }

    @Override
    public void validate() {
        // each key's own range and allowed values are its @Setting, checked before this
        ConfigException.check(corsOrigin != null, "corsOrigin", "must be a string");
        ConfigException.check(sendBufferBytes == 0 || sendBufferBytes >= 16384, "sendBufferBytes",
                "must be 0 (OS default) or at least 16384");
        ConfigException.check(record != null, "record", "must be a section");
        ConfigException.check(record.apps != null && record.apps.stream().allMatch(StreamKey::isValidPart),
                "record.apps", "must be a list of app names");
        ConfigException.check(record.dir != null && !record.dir.isEmpty() && !record.dir.contains("..")
                && !record.dir.startsWith("/"), "record.dir", "must be a relative folder without '..'");
        ConfigException.check(relay != null, "relay", "must be a section");
        ConfigException.check(relay.minBackoffMs >= 10 && relay.maxBackoffMs >= relay.minBackoffMs,
                "relay.minBackoffMs", "must be at least 10 and not above relay.maxBackoffMs");
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
