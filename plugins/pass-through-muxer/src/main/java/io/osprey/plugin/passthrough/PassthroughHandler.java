package io.osprey.plugin.passthrough;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/passthrough/info|download|status}. Nothing here blocks: DNS, redirects, the hooks and the workers
 * all complete later on other threads.
 */
final class PassthroughHandler extends Handler.Abstract.NonBlocking {

    static final String PREFIX = "/api/passthrough/";

    private final PassthroughService service;
    private final PassthroughConfig config;

    PassthroughHandler(PassthroughService service, PassthroughConfig config) {
        this.service = service;
        this.config = config;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if (path == null || !path.startsWith(PREFIX)) {
            return false;
        }
        String what = path.substring(PREFIX.length());
        if (!config.corsOrigin.isEmpty()) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, config.corsOrigin);
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Content-Disposition, Retry-After");
        }
        if (!HttpMethod.GET.is(request.getMethod())) {
            Answers.error(response, callback, new Refusal(405, "only GET"));
            return true;
        }
        Map<String, String> params = params(request);
        switch (what) {
            case "info" -> service.info(remote(request), params, forwarded(request), response, callback);
            case "download" -> service.download(remote(request), params, forwarded(request), response, callback,
                    gone -> request.addFailureListener(failure -> gone.run()));
            case "status" -> Answers.json(response, callback, 200, service.status());
            default -> Answers.error(response, callback, new Refusal(404, "no such endpoint: " + PREFIX
                    + (what.length() > 32 ? what.substring(0, 32) : what)));
        }
        return true;
    }

    /** The client headers {@code forwardHeaders} lets through to the source. */
    private Map<String, String> forwarded(Request request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : config.forwardHeaders) {
            String v = request.getHeaders().get(name);
            if (v != null && v.length() <= 8192 && v.chars().noneMatch(c -> c == '\r' || c == '\n')) {
                out.put(name, v);
            }
        }
        return out;
    }

    private static Map<String, String> params(Request request) {
        Map<String, String> out = new HashMap<>();
        for (Fields.Field f : Request.extractQueryParameters(request)) {
            if (out.size() >= 32) {
                break;
            }
            out.put(f.getName(), f.getValue());
        }
        return out;
    }

    private static InetSocketAddress remote(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa ? isa : null;
    }
}
