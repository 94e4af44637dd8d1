package io.osprey.plugin.passthrough;

import io.osprey.media.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** JSON answers: {@code {"error": reason}} with the status (and Retry-After), or a value. */
final class Answers {

    private Answers() {
    }

    static void json(Response response, Callback callback, int status, Object value) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, StandardCharsets.UTF_8.encode(Json.write(value) + "\n"), callback);
    }

    static void error(Response response, Callback callback, Refusal r) {
        if (response.isCommitted()) {
            callback.failed(r);
            return;
        }
        boolean close = response.getHeaders().contains(HttpHeader.CONNECTION, "close");
        response.reset();
        if (close) { // set by a download's disconnect watch, which must not outlive this response's connection
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        if (r.retryAfterSeconds() > 0) {
            response.getHeaders().put(HttpHeader.RETRY_AFTER, r.retryAfterSeconds());
        }
        json(response, callback, r.status(), Map.of("error", r.getMessage(), "status", (double) r.status()));
    }
}
