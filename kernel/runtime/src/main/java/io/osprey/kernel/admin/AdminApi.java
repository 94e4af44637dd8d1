package io.osprey.kernel.admin;

import io.osprey.kernel.http.AdminAuth;
import io.osprey.kernel.metrics.HealthRegistry;
import io.osprey.kernel.bus.SessionViewers;
import io.osprey.kernel.plugin.PluginManager;
import io.osprey.kernel.plugin.PluginState;
import io.osprey.kernel.plugin.PluginStatus;
import io.osprey.spi.Health;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamStats;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.TrackInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code /api}: plugins, streams and health as JSON. Everything but {@code GET /api/health} needs
 * {@code Authorization: Bearer <server.admin.token>}; no CORS headers are sent, so browsers on other origins cannot
 * call it.
 */
public final class AdminApi extends Handler.Abstract {

    private final PluginManager plugins;
    private final MediaBus bus;
    private final HealthRegistry health;
    private final Supplier<Map<String, String>> bundleErrors;
    private final AdminAuth auth;
    private final java.util.function.BooleanSupplier ready;

    public AdminApi(PluginManager plugins, MediaBus bus, HealthRegistry health,
                    Supplier<Map<String, String>> bundleErrors, AdminAuth auth, java.util.function.BooleanSupplier ready) {
        this.ready = ready;
        this.plugins = plugins;
        this.bus = bus;
        this.health = health;
        this.bundleErrors = bundleErrors;
        this.auth = auth;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (path.equals("/api/health") && HttpMethod.GET.is(method)) {
            Map<String, Object> h = health();
            int code = "unhealthy".equals(h.get("status")) ? 503 : 200;
            if (!auth.authorized(request)) {
                // reasons name files, plugins and errors: the public answer is the verdict and the checks only
                h.remove("reasons");
                h.put("details", "send the admin token (Authorization: Bearer) for the reasons");
            }
            Json.write(response, code, h, callback);
            return true;
        }
        if (!auth.authorized(request)) {
            auth.refuse(request, response, callback);
            return true;
        }
        String[] seg = path.substring(1).split("/");
        if (seg.length == 2 && seg[1].equals("plugins") && HttpMethod.GET.is(method)) {
            Json.write(response, 200, pluginsJson(), callback);
        } else if (seg.length == 3 && seg[1].equals("plugins") && HttpMethod.GET.is(method)) {
            plugins.status(seg[2]).ifPresentOrElse(s -> Json.write(response, 200, pluginJson(s), callback),
                    () -> Json.write(response, 404, Map.of("error", "no plugin " + seg[2]), callback));
        } else if (seg.length == 4 && seg[1].equals("plugins") && HttpMethod.POST.is(method)
                && (seg[3].equals("start") || seg[3].equals("stop"))) {
            boolean known = seg[3].equals("start") ? plugins.start(seg[2]) : plugins.stop(seg[2]);
            if (known) {
                Json.write(response, 200, pluginJson(plugins.status(seg[2]).orElseThrow()), callback);
            } else {
                Json.write(response, 404, Map.of("error", "no plugin " + seg[2]), callback);
            }
        } else if (seg.length == 2 && seg[1].equals("streams") && HttpMethod.GET.is(method)) {
            List<Map<String, Object>> out = new ArrayList<>();
            bus.streams().stream().sorted(Comparator.comparing(s -> s.key().toString()))
                    .forEach(s -> out.add(streamJson(s, SessionViewers.of(bus))));
            Json.write(response, 200, out, callback);
        } else if (seg.length == 4 && seg[1].equals("streams") && StreamKey.isValidPart(seg[2])
                && StreamKey.isValidPart(seg[3])) {
            StreamKey key = new StreamKey(seg[2], seg[3]);
            if (HttpMethod.GET.is(method)) {
                bus.stream(key).ifPresentOrElse(s -> Json.write(response, 200, streamJson(s,
                        SessionViewers.of(bus)), callback),
                        () -> Json.write(response, 404, Map.of("error", "no live stream " + key), callback));
            } else if (HttpMethod.DELETE.is(method)) {
                boolean kicked = bus.kick(key, "kicked through the admin API");
                Json.write(response, kicked ? 200 : 404, Map.of("kicked", kicked), callback);
            } else {
                Json.write(response, 405, Map.of("error", "use GET or DELETE"), callback);
            }
        } else {
            Json.write(response, 404, Map.of("error", "no such API: " + method + " " + path), callback);
        }
        return true;
    }

    /**
     * The combined verdict: failed plugins and bundles degrade, and so does a plugin the config enables that is
     * stopped (switched off in the console: an rtmp-ingest stopped so takes no publisher); checks may say more.
     */
    public Map<String, Object> health() {
        Health.Status status = Health.Status.HEALTHY;
        List<String> reasons = new ArrayList<>();
        if (!ready.getAsBoolean()) {
            status = Health.Status.UNHEALTHY;
            reasons.add("starting");
        }
        for (PluginStatus p : plugins.list()) {
            if (p.state() == PluginState.FAILED) {
                status = worst(status, Health.Status.DEGRADED);
                reasons.add("plugin " + p.id() + " failed: " + p.reason());
            } else if (p.state() == PluginState.STOPPED && p.enabled()) {
                status = worst(status, Health.Status.DEGRADED);
                reasons.add("plugin " + p.id() + " is stopped although the config enables it (stopped through the"
                        + " admin API or console): what it serves is unavailable until it is started again");
            }
        }
        Map<String, String> bundles = bundleErrors.get();
        bundles.forEach((jar, why) -> reasons.add("bundle " + jar + ": " + why));
        if (!bundles.isEmpty()) {
            status = worst(status, Health.Status.DEGRADED);
        }
        Map<String, Object> checks = new LinkedHashMap<>();
        for (Map.Entry<String, Health> e : health.run().entrySet()) {
            Health h = e.getValue();
            status = worst(status, h.status());
            if (h.status() != Health.Status.HEALTHY) {
                reasons.add(e.getKey() + ": " + h.reason());
            }
            checks.put(e.getKey(), h.status().label());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("status", status.label());
        out.put("reasons", reasons);
        out.put("checks", checks);
        return out;
    }

    private static Health.Status worst(Health.Status a, Health.Status b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private List<Map<String, Object>> pluginsJson() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (PluginStatus s : plugins.list()) {
            out.add(pluginJson(s));
        }
        return out;
    }

    private static Map<String, Object> pluginJson(PluginStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("version", s.version());
        m.put("state", s.state().label());
        m.put("reason", s.reason());
        m.put("enabled", s.enabled());
        m.put("origin", s.origin());
        m.put("since", s.since().toString());
        m.put("routes", s.routes());
        return m;
    }

    static Map<String, Object> streamJson(StreamView s, SessionViewers sessions) {
        StreamStats st = sessions.stats(s);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("app", s.key().app());
        m.put("name", s.key().name());
        m.put("live", s.hasPublisher());
        m.put("publisher", s.publisherProtocol());
        m.put("startedAt", s.startedAt().toString());
        m.put("uptimeSeconds", Duration.between(s.startedAt(), Instant.now()).toSeconds());
        List<Map<String, Object>> tracks = new ArrayList<>();
        for (TrackInfo t : s.tracks()) {
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("kind", t.kind().name().toLowerCase(java.util.Locale.ROOT));
            tm.put("id", t.id());
            tm.put("codec", t.codec().name().toLowerCase(java.util.Locale.ROOT));
            if (t.kind() == MediaKind.VIDEO) {
                tm.put("width", t.width());
                tm.put("height", t.height());
                tm.put("fps", t.frameRate() > 0 ? t.frameRate() : Math.round(st.videoFps() * 100) / 100.0);
            } else if (t.kind() == MediaKind.AUDIO) {
                tm.put("sampleRate", t.sampleRate());
                tm.put("channels", t.channels());
            }
            tracks.add(tm);
        }
        m.put("tracks", tracks);
        m.put("bitrateIn", st.bitrateIn());
        m.put("fps", Math.round(st.videoFps() * 100) / 100.0);
        m.put("viewers", st.viewers());
        m.put("viewersTotal", st.totalViewers());
        m.put("subscribers", st.subscribers());
        m.put("bytesIn", st.bytesIn());
        m.put("bytesOut", st.bytesOut());
        m.put("framesIn", st.framesIn());
        m.put("framesDropped", st.framesDropped());
        m.put("publishes", st.publishes());
        return m;
    }
}
