package io.osprey.plugin.httpflv;

import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.Subscription;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /{app}/{stream}.flv}: access and admission checks (and a bounded wait for a relayed stream), then a
 * chunked response fed by a {@link FlvViewer}. {@code OPTIONS} answers CORS preflights.
 */
final class FlvHandler extends Handler.Abstract.NonBlocking {

    private static final System.Logger LOG = System.getLogger(FlvHandler.class.getName());

    private final FlvOutputs outputs;
    private final HttpFlvConfig config;

    FlvHandler(FlvOutputs outputs, HttpFlvConfig config) {
        this.outputs = outputs;
        this.config = config;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        StreamKey key = parse(Request.getPathInContext(request));
        if (key == null) {
            return false;
        }
        String method = request.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (HttpMethod.OPTIONS.is(method) && !config.corsOrigin.isEmpty()) {
            cors(response);
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS");
            String asked = request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_HEADERS);
            if (asked != null && asked.length() < 512) {
                response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, asked);
            }
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, 86400);
            response.setStatus(204);
            callback.succeeded();
            return true;
        }
        if (!HttpMethod.GET.is(method) && !head) {
            return false; // POST/PUT are push ingest, another plugin's business
        }
        cors(response);
        Map<String, String> params = params(request);
        boolean video = !"0".equals(params.get("video"));
        boolean audio = !"0".equals(params.get("audio"));
        if (!video && !audio) {
            Response.writeError(request, response, callback, 400, "video=0 and audio=0 leave nothing to play");
            return true;
        }
        outputs.authorize(key, FlvOutputs.HTTP, remote(request), params).whenComplete((d, t) -> {
            try {
                if (t != null) {
                    Response.writeError(request, response, callback, 500, "play check failed");
                } else if (!d.allowed()) {
                    if (d.retryAfterSeconds() > 0) {
                        response.getHeaders().put(HttpHeader.RETRY_AFTER, d.retryAfterSeconds());
                    }
                    Response.writeError(request, response, callback, d.status(), d.reason());
                } else {
                    start(request, response, callback, key, d, video, audio, head);
                }
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "httpflv " + key + ": cannot start the response", e);
                if (d != null && d.admission() != null) {
                    d.admission().release();
                }
                callback.failed(e);
            }
        });
        return true;
    }

    private void start(Request request, Response response, Callback callback, StreamKey key,
                       FlvOutputs.Decision d, boolean video, boolean audio, boolean head) {
        if (head) {
            d.admission().release();
            if (!outputs.isLive(key)) {
                Response.writeError(request, response, callback, 404, "no live stream " + key);
                return;
            }
            headers(response);
            response.write(true, null, callback);
            return;
        }
        FlvViewer viewer = new FlvViewer(outputs, new HttpSink(response, callback, FlvOutputs.client(remote(request))),
                d.admission(), FlvOutputs.HTTP, video, audio, remote(request));
        Subscription sub;
        try {
            sub = outputs.subscribe(key, viewer, video, audio);
        } catch (StreamNotFoundException e) {
            d.admission().release();
            Response.writeError(request, response, callback, 404, "no live stream " + key);
            return;
        } catch (IllegalStateException e) {
            d.admission().release();
            Response.writeError(request, response, callback, 503, "not available");
            return;
        }
        headers(response);
        outputs.tuneSocket(request);
        viewer.begin(sub);
    }

    private static void headers(Response response) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "video/x-flv");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-store");
    }

    private void cors(Response response) {
        if (!config.corsOrigin.isEmpty()) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, config.corsOrigin);
            if (!"*".equals(config.corsOrigin)) {
                response.getHeaders().add(HttpHeader.VARY, "Origin");
            }
        }
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

    static Map<String, String> params(Request request) {
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

    static InetSocketAddress remote(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa ? isa : null;
    }

    /** A chunked HTTP response: each write is one chunk; the end is the last chunk. */
    private static final class HttpSink implements FlvSink {
        private final Response response;
        private final Callback done;
        private final String client;

        HttpSink(Response response, Callback done, String client) {
            this.client = client;
            // media writes skip the handler wrappers (the context's per-write callback scoping): nothing runs in
            // the viewer's callback that needs the context, and this is the path of every write to every viewer
            this.response = Response.getOriginalResponse(response);
            this.done = done;
        }

        @Override
        public void write(ByteBuffer bytes, Callback callback) {
            response.write(false, bytes, callback);
        }

        @Override
        public void end() {
            response.write(true, null, done);
        }

        @Override
        public void abort(String reason, Throwable cause) {
            done.failed(cause != null ? cause : new EofException(reason));
        }

        @Override
        public String client() {
            return client;
        }
    }
}
