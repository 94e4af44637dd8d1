package io.osprey.plugin.ratelimit;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;
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
        public double rate = 0;
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
        public boolean shared = false;
    }

    /** {@code viewers}: concurrent players over all protocols; 0 = no cap. */
    public static final class Viewers {
        public long perIp = 0;
        public long perToken = 0;
        public long perStream = 0;
        public long perApp = 0;
        public long total = 0;

        boolean any() {
            return perIp > 0 || perToken > 0 || perStream > 0 || perApp > 0 || total > 0;
        }
    }

    /** {@code publishers}: concurrent publishers; 0 = no cap. */
    public static final class Publishers {
        public long perIp = 0;
        public long perApp = 0;
        public long total = 0;
    }

    public Requests requests = new Requests();
    public Viewers viewers = new Viewers();
    public Publishers publishers = new Publishers();
    /** Addresses never limited (CDN, edge nodes), as CIDRs or single addresses; internal clients always are. */
    public List<String> exempt = new ArrayList<>();
    /** {@code Retry-After} sent when a connection cap refuses, seconds. */
    public long capRetryAfterSeconds = 5;
    /** An HLS client holds its viewer slot until it has made no request for this long, ms. */
    public long hlsViewerIdleMs = 6000;
    /** Refused clients are listed in {@code /api/ratelimit} for this long, ms. */
    public long topRefusedWindowMs = 300_000;
    /** On a live config change, close existing connections now over a lowered cap (off: only new ones are refused). */
    public boolean enforceOnReconfigure = false;

    @Override
    public void validate() {
        check("requests.perIp", requests.perIp);
        check("requests.perToken", requests.perToken);
        check("requests.perStream", requests.perStream);
        check("requests.total", requests.total);
        cap("viewers.perIp", viewers.perIp);
        cap("viewers.perToken", viewers.perToken);
        cap("viewers.perStream", viewers.perStream);
        cap("viewers.perApp", viewers.perApp);
        cap("viewers.total", viewers.total);
        cap("publishers.perIp", publishers.perIp);
        cap("publishers.perApp", publishers.perApp);
        cap("publishers.total", publishers.total);
        ConfigException.check(exempt != null, "exempt", "must be a list of CIDRs");
        for (int i = 0; i < exempt.size(); i++) {
            try {
                Cidr.parse(exempt.get(i));
            } catch (IllegalArgumentException e) {
                throw new ConfigException("exempt[" + i + "]", e.getMessage());
            }
        }
        ConfigException.check(capRetryAfterSeconds >= 1 && capRetryAfterSeconds <= 86_400, "capRetryAfterSeconds",
                "must be 1..86400");
        ConfigException.check(hlsViewerIdleMs >= 500 && hlsViewerIdleMs <= 600_000, "hlsViewerIdleMs",
                "must be 500..600000");
        ConfigException.check(topRefusedWindowMs >= 1000, "topRefusedWindowMs", "must be at least 1000");
    }

    private static void check(String key, Rate r) {
        ConfigException.check(r != null, key, "must be a section with rate and burst");
        ConfigException.check(Double.isFinite(r.rate) && r.rate >= 0 && r.rate <= 1e9, key + ".rate",
                "must be 0 (off) .. 1e9 requests/s, was " + r.rate);
        ConfigException.check(Double.isFinite(r.burst) && r.burst >= 0 && r.burst <= 1e9, key + ".burst",
                "must be 0 (= rate) .. 1e9, was " + r.burst);
        ConfigException.check(r.burst == 0 || r.burst >= 1, key + ".burst", "must be at least 1 (or 0 for rate)");
    }

    private static void cap(String key, long v) {
        ConfigException.check(v >= 0, key, "must be 0 (no cap) or more, was " + v);
    }
}
