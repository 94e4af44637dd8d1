package io.osprey.plugin.rtmp;

import io.osprey.spi.access.Action;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.bus.StreamKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * HTTP-FLV push ingest: {@code POST} or {@code PUT /{app}/{stream}} (or {@code /{app}/{stream}.flv}, the same stream)
 * with an FLV body (chunked or with a Content-Length) publishes that stream for as long as the body lasts. It passes the same connection caps, admission
 * and access hooks and busy policy as RTMP, then a {@link PushSession} reads the body. Any other method, any other
 * path shape and the {@code /api} prefix are left to the other routes ({@code handle} returns false), so the route's
 * {@code ^/[^/]+/[^/]+$} shadows nothing.
 */
final class PushHandler extends Handler.Abstract.NonBlocking {

    static final String PROTOCOL = "http-flv";

    private final Ingest ingest;
    private final Set<PushSession> sessions = ConcurrentHashMap.newKeySet();

    PushHandler(Ingest ingest) {
        this.ingest = ingest;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!HttpMethod.POST.is(method) && !HttpMethod.PUT.is(method)) {
            return false;
        }
        StreamKey key = parse(Request.getPathInContext(request));
        if (key == null) {
            return false;
        }
        InetSocketAddress remote = remote(request);
        InetAddress address = remote == null ? null : remote.getAddress();
        String refusal = ingest.caps.acquire(address);
        if (refusal != null) {
            ingest.refused.labels(refusal).inc();
            ingest.refusals.refuse(Ingest.client(address), PROTOCOL + " " + refusal, "503 for a push to " + key);
            Response.writeError(request, response, callback, 503, "too many connections");
            return true;
        }
        Map<String, String> params = params(request);
        Admission admission = ingest.ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.CONNECTION,
                PROTOCOL, remote, key, params.get("token"), Action.PUBLISH));
        if (!admission.admitted()) {
            ingest.caps.release(address);
            ingest.refusals.refuse(Ingest.client(address), PROTOCOL + " not admitted", "429 for a push to " + key
                    + ": " + admission.reason());
            if (admission.retryAfterSeconds() > 0) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, admission.retryAfterSeconds());
            }
            Response.writeError(request, response, callback, 429, admission.reason());
            return true;
        }
        PushSession session = new PushSession(ingest, request, response, callback, key, remote, () -> {
            admission.release();
            ingest.caps.release(address);
        }, sessions::remove);
        sessions.add(session);
        admission.onRevoke(reason -> session.abort("admission revoked: " + reason, 429));
        session.start(params);
        return true;
    }

    int active() {
        return sessions.size();
    }

    void closeAll(String reason) {
        for (PushSession s : sessions) {
            s.abort(reason, 503);
        }
    }

    /** {@code /app/stream} → the key; null for another shape, an invalid name or the admin API's prefix. */
    static StreamKey parse(String path) {
        if (path == null || path.length() < 4 || path.charAt(0) != '/') {
            return null;
        }
        int slash = path.indexOf('/', 1);
        if (slash < 0 || slash != path.lastIndexOf('/')) {
            return null;
        }
        String app = path.substring(1, slash);
        String name = stripFlv(path.substring(slash + 1));
        if (app.equals("api") || !StreamKey.isValidPart(app) || !StreamKey.isValidPart(name)) {
            return null;
        }
        return new StreamKey(app, name);
    }

    /**
     * {@code keep.flv} → {@code keep}: a push to {@code /live/keep.flv} publishes {@code live/keep}, the stream
     * {@code /live/keep.flv} plays (as SRS's HTTP-FLV caster does); a name that is only {@code .flv} stays invalid.
     */
    static String stripFlv(String name) {
        return name.regionMatches(true, Math.max(0, name.length() - 4), ".flv", 0, 4) && name.length() > 4
                ? name.substring(0, name.length() - 4) : name;
    }

    private static Map<String, String> params(Request request) {
        Map<String, String> out = new HashMap<>();
        try {
            for (Fields.Field f : Request.extractQueryParameters(request)) {
                if (out.size() >= 32) {
                    break;
                }
                out.put(f.getName(), f.getValue());
            }
        } catch (RuntimeException e) {
            // a malformed query carries no parameters
        }
        return out;
    }

    private static InetSocketAddress remote(Request request) {
        SocketAddress a = request.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa ? isa : null;
    }
}
