package io.osprey.plugin.ratelimit;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
import io.osprey.spi.Setting;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code plugins.ratelimit}: request rates (token buckets) and concurrent caps. Every limit is off at 0, so the
 * plugin enabled with no settings limits nothing. Example:
 * <pre>{@code
 * plugins:
 *   ratelimit:
 *     requests: { perIp: { rate: 50, burst: 100 }, total: { rate: 20000 } }
 *     viewers: { perStream: 500, perIp: 10 }
 *     publishers: { perIp: 2 }
 *     exempt: [ "10.0.0.0/8" ]
 * }</pre>
 */
public final class RateLimitConfig implements PluginConfig {

    /** One token bucket: {@code rate} requests per second on average, {@code burst} at once (0 = rate, at least 1). */
    public static final class Rate {
        @Setting(value = "Requests per second on average; 0 = off.", min = 0, max = 1_000_000_000)
        public double rate = 0;
        @Setting(value = "Requests at once (the bucket size); 0 = rate, at least 1.", min = 0, max = 1_000_000_000)
        public double burst = 0;

        boolean on() {
            return rate > 0;
        }

        /** The bucket size in effect. */
        double size() {
            return burst > 0 ? burst : Math.max(1, rate);
        }
    }

    /** {@code requests}: counted for every HTTP request and every RTMP connect/publish/play command. */
    public static final class Requests {
        public Rate perIp = new Rate();
        public Rate perToken = new Rate();
        public Rate perStream = new Rate();
        public Rate total = new Rate();
        /**
         * Share the request buckets over the cluster (one Redis round trip per request; off: each node enforces the
         * rates alone, which caps the cluster at nodes x rate).
         */
        @Setting("Share the request buckets over the cluster (one Redis round trip per request); off: each node "
                + "enforces the rates alone.")
        public boolean shared = false;
    }

    /** {@code viewers}: concurrent players over all protocols; 0 = no cap. */
    public static final class Viewers {
        @Setting(value = "Players at once from one client address; 0 = no cap.", min = 0)
        public long perIp = 0;
        @Setting(value = "Players at once with one token parameter; 0 = no cap.", min = 0)
        public long perToken = 0;
        @Setting(value = "Players at once of one stream; 0 = no cap.", min = 0)
        public long perStream = 0;
        @Setting(value = "Players at once of one app; 0 = no cap.", min = 0)
        public long perApp = 0;
        @Setting(value = "Players at once over the whole server; 0 = no cap.", min = 0)
        public long total = 0;

        boolean any() {
            return perIp > 0 || perToken > 0 || perStream > 0 || perApp > 0 || total > 0;
        }
    }

    /** {@code publishers}: concurrent publishers; 0 = no cap. */
    public static final class Publishers {
        @Setting(value = "Publishers at once from one client address; 0 = no cap.", min = 0)
        public long perIp = 0;
        @Setting(value = "Publishers at once in one app; 0 = no cap.", min = 0)
        public long perApp = 0;
        @Setting(value = "Publishers at once over the whole server; 0 = no cap.", min = 0)
        public long total = 0;
    }

    public Requests requests = new Requests();
    public Viewers viewers = new Viewers();
    public Publishers publishers = new Publishers();
    @Setting("Addresses never limited (CDN, edge nodes), as CIDRs or single addresses; internal clients always are.")
    public List<String> exempt = new ArrayList<>();
    @Setting(value = "Retry-After sent when a connection cap refuses, seconds.", min = 1, max = 86_400)
    public long capRetryAfterSeconds = 5;
    @Setting(value = "An HLS client holds its viewer slot until it has made no request for this long, ms.",
            min = 500, max = 600_000)
    public long hlsViewerIdleMs = 6000;
    @Setting(value = "Refused clients are listed in /api/ratelimit for this long, ms.", min = 1000)
    public long topRefusedWindowMs = 300_000;
    @Setting("On a live config change, close existing connections now over a lowered cap (off: only new ones are "
            + "refused).")
    public boolean enforceOnReconfigure = false;

    @Override
    public void validate() {
        // the ranges of single keys are their @Setting, checked by the kernel before this
        check("requests.perIp", requests.perIp);
        check("requests.perToken", requests.perToken);
        check("requests.perStream", requests.perStream);
        check("requests.total", requests.total);
        ConfigException.check(viewers != null, "viewers", "must be a section");
        ConfigException.check(publishers != null, "publishers", "must be a section");
        ConfigException.check(exempt != null, "exempt", "must be a list of CIDRs");
        for (int i = 0; i < exempt.size(); i++) {
            try {
                Cidr.parse(exempt.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("exempt[" + i + "]", e.getMessage());
            }
        }
    }

    private static void check(String key, Rate r) {
        ConfigException.check(r != null, key, "must be a section with rate and burst");
        // the range of each is its @Setting (checked by the kernel before this); NaN is no number any range rejects
        ConfigException.check(!Double.isNaN(r.rate), key + ".rate", "must be 0 (off) .. 1e9 requests/s, was NaN");
        ConfigException.check(!Double.isNaN(r.burst), key + ".burst", "must be 0 (= rate) .. 1e9, was NaN");
        ConfigException.check(r.burst == 0 || r.burst >= 1, key + ".burst", "must be at least 1 (or 0 for rate)");
    }
}
