package io.osprey.kernel.http;

import io.osprey.spi.net.RefusalLog;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The admin API's bearer-token check (RFC 6750 2.1), shared by the kernel's {@code /api} and the admin routes
 * plugins add: a constant-time comparison, and a JSON {@code 401} with {@code WWW-Authenticate} otherwise.
 */
public final class AdminAuth {

    /** The {@code 401} body, as the admin API renders its errors (indented JSON). */
    private static final byte[] REFUSED = "{\n  \"error\" : \"missing or wrong bearer token (server.admin.token)\"\n}"
            .getBytes(StandardCharsets.UTF_8);

    private final byte[] token;
    private final RefusalLog refusals;

    public AdminAuth(String token) {
        this(token, new RefusalLog(System.getLogger("io.osprey.kernel.refused"), RefusalLog.DEFAULT_INTERVAL_MILLIS));
    }

    /** @param refusals where refused requests are logged (once per client per interval) */
    public AdminAuth(String token, RefusalLog refusals) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.refusals = refusals;
    }

    /** Whether {@code request} carries {@code Authorization: Bearer <token>}. */
    public boolean authorized(Request request) {
        String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(h.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
    }

    /** Logs the refusal (rate-limited, with the client's address) and answers {@code 401}. */
    public void refuse(Request request, Response response, Callback callback) {
        String h = request.getHeaders().get(HttpHeader.AUTHORIZATION);
        refusals.refuse(JettyHost.clientAddress(request), "admin token",
                (h == null ? "no Authorization header" : "wrong bearer token") + " for " + request.getMethod() + " "
                        + Request.getPathInContext(request));
        refuse(response, callback);
    }

    /** Answers {@code 401} as the admin API does. */
    public void refuse(Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"osprey\"");
        response.setStatus(401);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(REFUSED), callback);
    }

    /** {@code handler} behind the token check. */
    public Handler guard(Handler handler) {
        return new Handler.Wrapper(handler) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                if (!authorized(request)) {
                    refuse(request, response, callback);
                    return true;
                }
                return super.handle(request, response, callback);
            }
        };
    }
}
