package io.osprey.plugin.ratelimit;

import io.osprey.spi.access.Action;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionPolicy;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.metrics.Counter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The admission policy. How it reads a request (see {@link AdmissionRequest}):
 * <ul>
 * <li>a {@code REQUEST} without a stream (every HTTP request, from the kernel's router; every RTMP command) counts
 *     the client's buckets: {@code requests.perIp}, {@code perToken}, {@code total};</li>
 * <li>a {@code REQUEST} with a stream (HLS playlists, segments, parts) counts {@code requests.perStream} and keeps
 *     the client's HLS viewer session (caps, see {@link HlsViewers});</li>
 * <li>a {@code CONNECTION} with a stream (HTTP-FLV, WS-FLV, RTMP play and publish, HTTP push) counts
 *     {@code requests.perStream} and takes the viewer or publisher cap slots, held until the permit is released;</li>
 * <li>a {@code CONNECTION} without a stream (RTMP at TCP accept) counts nothing: rtmp-ingest's own connection caps
 *     are the last line of defence there.</li>
 * </ul>
 * Internal clients (no address) and {@code exempt} addresses pass untouched. A request that passes allocates
 * nothing here; a refusal is counted in {@code osprey_ratelimit_refused_total{rule,protocol}} and in the recent
 * refused clients.
 */
final class RateLimitPolicy implements AdmissionPolicy {

    /**
     * Admitted, nothing held: for requests without a stream, whose callers (the router, rtmp-ingest's command
     * handler) never release. Callers that release (HLS after each response, connections) get their own instance,
     * so no two threads ever lock the same {@link Admission}.
     */
    private static final Admission PASS = Admission.admit();

    /** The config in force and its parsed exemptions; replaced whole on reconfiguration. */
    record Settings(RateLimitConfig config, Cidr[] exempt) {
        static Settings of(RateLimitConfig c) {
            return new Settings(c, c.exempt.stream().map(Cidr::parse).toArray(Cidr[]::new));
        }

        boolean exempt(InetAddress a) {
            for (Cidr c : exempt) {
                if (c.contains(a)) {
                    return true;
                }
            }
            return false;
        }
    }

    private volatile Settings settings;
    private final RequestRates rates;
    private final Caps caps;
    private final HlsViewers hls;
    private final Refusals refusals;
    private final Counter refused;

    RateLimitPolicy(Settings settings, RequestRates rates, Caps caps, HlsViewers hls, Refusals refusals,
                    Counter refused) {
        this.settings = settings;
        this.rates = rates;
        this.caps = caps;
        this.hls = hls;
        this.refusals = refusals;
        this.refused = refused;
    }

    Settings settings() {
        return settings;
    }

    void settings(Settings s) {
        settings = s;
    }

    @Override
    public Admission admit(AdmissionRequest r) {
        InetSocketAddress remote = r.remote();
        if (remote == null || remote.getAddress() == null) {
            return Admission.admit(); // internal (a relay)
        }
        Settings s = settings;
        InetAddress ip = remote.getAddress();
        if (s.exempt.length > 0 && s.exempt(ip)) {
            return r.stream() == null && r.kind() == AdmissionRequest.Kind.REQUEST ? PASS : Admission.admit();
        }
        RateLimitConfig c = s.config();
        long now = System.nanoTime();
        if (r.stream() == null) {
            if (r.kind() == AdmissionRequest.Kind.CONNECTION) {
                return Admission.admit();
            }
            RequestRates.Over o = rates.client(c.requests, ip, r.token(), now);
            return o == null ? PASS : overRate(o, r, ip);
        }
        RequestRates.Over o = rates.stream(c.requests, r.stream(), now);
        if (o != null) {
            return overRate(o, r, ip);
        }
        if (r.kind() == AdmissionRequest.Kind.REQUEST) {
            if (r.action() == Action.PUBLISH || !c.viewers.any()) {
                return Admission.admit();
            }
            Caps.Outcome refusedBy = hls.touch(c, ip, r.token(), r.stream(), now);
            return refusedBy == null ? Admission.admit() : overCap(refusedBy, r, ip, c);
        }
        Caps.Outcome out = caps.acquire(c, r.action() == null ? Action.PLAY : r.action(), ip, r.token(), r.stream());
        if (out.held() == null) {
            return overCap(out, r, ip, c);
        }
        return out.held().admitted();
    }

    private Admission overRate(RequestRates.Over o, AdmissionRequest r, InetAddress ip) {
        count(o.rule().key, r, ip);
        // RFC 9110 10.2.3: whole seconds; round up so a client that waits that long finds a token
        long seconds = Math.max(1, (o.waitNanos() + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
        return Admission.reject(o.rule().reason, seconds);
    }

    private Admission overCap(Caps.Outcome o, AdmissionRequest r, InetAddress ip, RateLimitConfig c) {
        count(o.refused().key, r, ip);
        return Admission.reject("over " + o.refused().key + " (" + o.limit() + ")", c.capRetryAfterSeconds);
    }

    private void count(String rule, AdmissionRequest r, InetAddress ip) {
        refused.labels(rule, r.protocol()).inc();
        refusals.record(ip, rule, r.protocol(), System.currentTimeMillis());
    }
}
