package io.osprey.plugin.sources;

import io.osprey.media.json.Json;
import io.osprey.spi.bus.StreamKey;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin API (the kernel checks the admin token):
 * <ul>
 * <li>{@code GET /api/sources}: every source with its state, since, restarts, last error, viewers, bit rate in;</li>
 * <li>{@code POST /api/sources} with {@code {"key": "cams/door", "url": "rtsp://...", "onDemand": true, ...}}:
 *     adds a source (201), kept in the data folder; 409 if the key is taken, 400 with the reason if invalid;</li>
 * <li>{@code DELETE /api/sources/{app}/{name}}: stops and removes a source added through the API (409 for one
 *     configured in osprey.yaml);</li>
 * <li>{@code POST /api/sources/{app}/{name}/start|stop}: starts or stops a source now (the console's buttons).</li>
 * </ul>
 */
final class SourcesApi extends Handler.Abstract {

    private static final System.Logger LOG = System.getLogger(SourcesApi.class.getName());
    static final String ROOT = "/api/sources";
    private static final int MAX_BODY = 64 * 1024;

    private final SourceManager manager;
    private final SourceStore store;

    SourcesApi(SourceManager manager, SourceStore store) {
        this.manager = manager;
        this.store = store;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (path.equals(ROOT) || path.equals(ROOT + "/")) {
            if (HttpMethod.GET.is(method)) {
                write(response, callback, 200, Map.of("sources", list()));
            } else if (HttpMethod.POST.is(method)) {
                add(request, response, callback);
            } else {
                write(response, callback, 405, Map.of("error", "use GET or POST"));
            }
            return true;
        }
        String rest = path.startsWith(ROOT + "/") ? path.substring(ROOT.length() + 1) : "";
        String action = null;
        if (rest.endsWith("/start") || rest.endsWith("/stop")) {
            action = rest.substring(rest.lastIndexOf('/') + 1);
            rest = rest.substring(0, rest.lastIndexOf('/'));
        }
        StreamKey key;
        try {
            key = StreamKey.parse(rest);
        } catch (IllegalArgumentException e) {
            write(response, callback, 404, Map.of("error", "no such source"));
            return true;
        }
        Source s = manager.get(key);
        if (s == null) {
            write(response, callback, 404, Map.of("error", "no source " + key));
        } else if (action != null) {
            if (!HttpMethod.POST.is(method)) {
                write(response, callback, 405, Map.of("error", "use POST"));
            } else if (action.equals("start")) {
                manager.start(s, "started through the API");
                write(response, callback, 202, Map.of("key", key.toString(), "state", lower(s.state())));
            } else {
                s.stop("stopped through the API");
                write(response, callback, 200, Map.of("key", key.toString(), "state", lower(s.state())));
            }
        } else if (HttpMethod.DELETE.is(method)) {
            remove(s, response, callback);
        } else if (HttpMethod.GET.is(method)) {
            write(response, callback, 200, json(s.status(), manager.viewers()));
        } else {
            write(response, callback, 405, Map.of("error", "use GET or DELETE"));
        }
        return true;
    }

    private void add(Request request, Response response, Callback callback) {
        long length = request.getLength();
        if (length > MAX_BODY) {
            write(response, callback, 413, Map.of("error", "body over " + MAX_BODY + " bytes"));
            return;
        }
        Content.Source.asStringAsync(request, StandardCharsets.UTF_8).whenComplete((text, t) -> {
            if (t != null) {
                write(response, callback, 400, Map.of("error", "cannot read the body"));
                return;
            }
            if (text.length() > MAX_BODY) {
                write(response, callback, 413, Map.of("error", "body over " + MAX_BODY + " bytes"));
                return;
            }
            StreamKey key;
            SourceSpec spec;
            try {
                if (!(Json.parse(text) instanceof Map<?, ?> body)) {
                    throw new IllegalArgumentException("the body must be a JSON object");
                }
                if (!(body.get("key") instanceof String k)) {
                    throw new IllegalArgumentException("key (app/name) is missing");
                }
                spec = SourceSpec.fromJson(body);
                String problem = spec.problem(k);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
                key = StreamKey.parse(k);
            } catch (RuntimeException e) {
                write(response, callback, 400, Map.of("error", String.valueOf(e.getMessage())));
                return;
            }
            if (manager.get(key) != null) {
                write(response, callback, 409, Map.of("error", "source " + key + " exists"));
                return;
            }
            try {
                store.put(key, spec);
            } catch (IOException e) {
                LOG.log(Level.ERROR, "sources: cannot save " + key + ": " + e.getMessage());
                write(response, callback, 500, Map.of("error", "cannot save the source: " + e.getMessage()));
                return;
            }
            if (!manager.add(key, spec, false, true)) {
                write(response, callback, 409, Map.of("error", "source " + key + " exists"));
                return;
            }
            LOG.log(Level.INFO, "source {0}: added through the API ({1})", key, spec.redactedUrl());
            write(response, callback, 201, json(manager.get(key).status(), Map.of()));
        });
    }

    private void remove(Source s, Response response, Callback callback) {
        if (s.configured()) {
            write(response, callback, 409, Map.of("error", "source " + s.key()
                    + " is configured in plugins.sources.streams; remove it there"));
            return;
        }
        try {
            store.remove(s.key());
        } catch (IOException e) {
            write(response, callback, 500, Map.of("error", "cannot save the change: " + e.getMessage()));
            return;
        }
        manager.remove(s.key(), "removed through the API");
        LOG.log(Level.INFO, "source {0}: removed through the API", s.key());
        response.setStatus(204);
        callback.succeeded();
    }

    private List<Map<String, Object>> list() {
        Map<StreamKey, Integer> viewers = manager.viewers();
        List<Map<String, Object>> out = new ArrayList<>();
        manager.all().stream().sorted(Comparator.comparing(s -> s.key().toString()))
                .forEach(s -> out.add(json(s.status(), viewers)));
        return out;
    }

    private Map<String, Object> json(SourceStatus st, Map<StreamKey, Integer> viewers) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", st.key().toString());
        m.put("url", st.spec().redactedUrl());
        m.put("onDemand", st.spec().onDemand);
        m.put("audio", st.spec().audio);
        m.put("origin", st.configured() ? "config" : "api");
        m.put("state", lower(st.state()));
        m.put("since", java.time.Instant.ofEpochMilli(st.sinceMillis()).toString());
        m.put("restarts", st.restarts());
        m.put("lastError", st.lastError());
        m.put("viewers", viewers.getOrDefault(st.key(), 0));
        m.put("bitrateIn", manager.bus().stream(st.key()).map(v -> v.stats().bitrateIn()).orElse(0L));
        m.put("sourceAudio", st.audio());
        m.put("pid", st.pid());
        return m;
    }

    private static String lower(Source.State s) {
        return s.name().toLowerCase(java.util.Locale.ROOT);
    }

    private static void write(Response response, Callback callback, int status, Object body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(Json.pretty(body).getBytes(StandardCharsets.UTF_8)), callback);
    }
}
