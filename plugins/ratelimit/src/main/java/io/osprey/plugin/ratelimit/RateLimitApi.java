package io.osprey.plugin.ratelimit;

import io.osprey.spi.cluster.SharedCounters;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /api/ratelimit} (admin token, checked by the kernel): the limits in force, whether counts are shared
 * over the cluster, the slots this node holds per cap, and the clients refused most in the last
 * {@code topRefusedWindowMs}.
 */
final class RateLimitApi extends Handler.Abstract.NonBlocking {

    private static final int TOP = 20;

    private final Supplier<RateLimitPolicy.Settings> settings;
    private final Caps caps;
    private final HlsViewers hls;
    private final RequestRates rates;
    private final Refusals refusals;
    private final SharedCounters counters;

    RateLimitApi(Supplier<RateLimitPolicy.Settings> settings, Caps caps, HlsViewers hls, RequestRates rates,
                 Refusals refusals, SharedCounters counters) {
        this.settings = settings;
        this.caps = caps;
        this.hls = hls;
        this.rates = rates;
        this.refusals = refusals;
        this.counters = counters;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod())) {
            response.setStatus(405);
            response.getHeaders().put(HttpHeader.ALLOW, "GET");
            callback.succeeded();
            return true;
        }
        RateLimitConfig c = settings.get().config();
        StringBuilder b = new StringBuilder(1024).append('{');
        b.append("\"limits\":{\"requests\":{");
        rate(b, "perIp", c.requests.perIp).append(',');
        rate(b, "perToken", c.requests.perToken).append(',');
        rate(b, "perStream", c.requests.perStream).append(',');
        rate(b, "total", c.requests.total).append(",\"shared\":").append(c.requests.shared).append("},");
        b.append("\"viewers\":{\"perIp\":").append(c.viewers.perIp).append(",\"perToken\":").append(c.viewers.perToken)
                .append(",\"perStream\":").append(c.viewers.perStream).append(",\"perApp\":").append(c.viewers.perApp)
                .append(",\"total\":").append(c.viewers.total).append("},");
        b.append("\"publishers\":{\"perIp\":").append(c.publishers.perIp).append(",\"perApp\":")
                .append(c.publishers.perApp).append(",\"total\":").append(c.publishers.total).append("},");
        b.append("\"exempt\":[");
        for (int i = 0; i < c.exempt.size(); i++) {
            str(b.append(i == 0 ? "" : ","), c.exempt.get(i));
        }
        b.append("]},\"shared\":").append(counters.shared());
        b.append(",\"connections\":{");
        Caps.Rule[] rules = Caps.Rule.values();
        for (int i = 0; i < rules.length; i++) {
            str(b.append(i == 0 ? "" : ","), rules[i].key).append(':').append(caps.held(rules[i]));
        }
        b.append("},\"viewersTotalCluster\":").append(caps.clusterHeld(Caps.Rule.VIEWERS_TOTAL, ""));
        b.append(",\"hlsViewers\":").append(hls.size()).append(",\"buckets\":").append(rates.buckets());
        b.append(",\"refusedWindowMs\":").append(c.topRefusedWindowMs).append(",\"topRefused\":[");
        List<Refusals.Client> top = refusals.top(TOP);
        for (int i = 0; i < top.size(); i++) {
            Refusals.Client r = top.get(i);
            b.append(i == 0 ? "{" : ",{").append("\"client\":");
            str(b, r.address.getHostAddress()).append(",\"refused\":").append(r.count.get()).append(",\"rule\":");
            str(b, r.rule).append(",\"protocol\":");
            str(b, r.protocol).append(",\"lastMillis\":").append(r.lastMillis).append('}');
        }
        b.append("],\"untrackedRefusals\":").append(refusals.untracked()).append('}');
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }

    private static StringBuilder rate(StringBuilder b, String name, RateLimitConfig.Rate r) {
        return b.append('"').append(name).append("\":{\"rate\":").append(r.rate).append(",\"burst\":")
                .append(r.on() ? r.size() : 0).append('}');
    }

    /** A JSON string (RFC 8259 7). */
    static StringBuilder str(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04x", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"');
    }

    /** One line for the log: the limits that are on. */
    static String describe(RateLimitConfig c) {
        StringBuilder b = new StringBuilder();
        on(b, "requests.perIp", c.requests.perIp);
        on(b, "requests.perToken", c.requests.perToken);
        on(b, "requests.perStream", c.requests.perStream);
        on(b, "requests.total", c.requests.total);
        cap(b, "viewers.perIp", c.viewers.perIp);
        cap(b, "viewers.perToken", c.viewers.perToken);
        cap(b, "viewers.perStream", c.viewers.perStream);
        cap(b, "viewers.perApp", c.viewers.perApp);
        cap(b, "viewers.total", c.viewers.total);
        cap(b, "publishers.perIp", c.publishers.perIp);
        cap(b, "publishers.perApp", c.publishers.perApp);
        cap(b, "publishers.total", c.publishers.total);
        if (!c.exempt.isEmpty()) {
            b.append(" exempt=").append(c.exempt);
        }
        return b.length() == 0 ? "no limits set" : b.toString().trim();
    }

    private static void on(StringBuilder b, String k, RateLimitConfig.Rate r) {
        if (r.on()) {
            b.append(' ').append(k).append('=').append(r.rate).append("/s burst ").append(r.size());
        }
    }

    private static void cap(StringBuilder b, String k, long v) {
        if (v > 0) {
            b.append(' ').append(k).append('=').append(v);
        }
    }
}
