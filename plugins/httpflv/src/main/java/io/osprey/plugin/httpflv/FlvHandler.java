package io.osprey.plugin.httpflv;

import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/** {@code GET /{app}/{stream}.flv}: access and admission checks, then a {@link FlvViewer} on the bus. */
final class FlvHandler extends Handler.Abstract.NonBlocking {

    private final PluginContext ctx;
    private final HttpFlvConfig config;
    private final Set<FlvViewer> viewers;

    FlvHandler(PluginContext ctx, HttpFlvConfig config, Set<FlvViewer> viewers) {
        this.ctx = ctx;
        this.config = config;
        this.viewers = viewers;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        StreamKey key = parse(path);
        if (key == null) {
            return false;
        }
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            return false; // POST/PUT are push ingest, another plugin's business
        }
        if (!config.corsOrigin.isEmpty()) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, config.corsOrigin);
        }
        Map<String, String> params = params(request);
        InetSocketAddress remote = remote(request);
        ctx.access().check(new AccessRequest(Action.PLAY, key, "httpflv", remote, params)).whenComplete((d, t) -> {
            if (t != null || !d.allowed()) {
                int status = t != null ? 500 : d.status();
                Response.writeError(request, response, callback, status, t != null ? "access check failed" : d.reason());
                return;
            }
            Admission admission = ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.CONNECTION, "httpflv",
                    remote, key, params.get("token")));
            if (!admission.admitted()) {
                if (admission.retryAfterSeconds() > 0) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, admission.retryAfterSeconds());
                }
                Response.writeError(request, response, callback, 429, admission.reason());
                return;
            }
            start(request, response, callback, key, params, admission);
        });
        return true;
    }

    private void start(Request request, Response response, Callback callback, StreamKey key,
                       Map<String, String> params, Admission admission) {
        boolean video = !"0".equals(params.get("video"));
        boolean audio = !"0".equals(params.get("audio"));
        SubscribeOptions opts = SubscribeOptions.viewer("httpflv").withTracks(video, audio)
                .withLag(config.maxLagFrames, config.maxLagBytes, config.maxLagMs, config.maxDrops);
        FlvViewer viewer = new FlvViewer(response, callback, admission, viewers::remove, video, audio);
        Subscription sub;
        try {
            sub = ctx.bus().subscribe(key, opts, viewer);
        } catch (StreamNotFoundException e) {
            admission.release();
            Response.writeError(request, response, callback, 404, "no live stream " + key);
            return;
        } catch (IllegalStateException e) {
            admission.release();
            Response.writeError(request, response, callback, 503, "not available");
            return;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "video/x-flv");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-store");
        if (HttpMethod.HEAD.is(request.getMethod())) {
            sub.close();
            admission.release();
            response.write(true, null, callback);
            return;
        }
        viewers.add(viewer);
        viewer.begin(sub);
    }

    /** {@code /app/stream.flv} → the key, or null if the path has another shape. */
    static StreamKey parse(String path) {
        if (path == null || !path.endsWith(".flv") || path.length() < 7 || path.charAt(0) != '/') {
            return null;
        }
        String inner = path.substring(1, path.length() - 4);
        int slash = inner.indexOf('/');
        if (slash <= 0 || slash != inner.lastIndexOf('/')) {
            return null;
        }
        String app = inner.substring(0, slash);
        String name = inner.substring(slash + 1);
        return StreamKey.isValidPart(app) && StreamKey.isValidPart(name) ? new StreamKey(app, name) : null;
    }

    private static Map<String, String> params(Request request) {
        Map<String, String> out = new HashMap<>();
        Fields f = Request.extractQueryParameters(request);
        for (Fields.Field field : f) {
            if (out.size() >= 32) {
                break;
            }
            out.put(field.getName(), field.getValue());
        }
        return out;
    }

    private static InetSocketAddress remote(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa ? isa : null;
    }
}
