package io.osprey.plugin.transcode;

import io.osprey.media.json.Json;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/** {@code GET /api/transcode} (admin): the encoder, the configured ladders, and every running ladder's figures. */
final class TranscodeHandler extends Handler.Abstract.NonBlocking {

    static final String PATH = "/api/transcode";

    private final Ladders ladders;

    TranscodeHandler(Ladders ladders) {
        this.ladders = ladders;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!PATH.equals(Request.getPathInContext(request))) {
            return false;
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (!"GET".equals(request.getMethod())) {
            response.setStatus(405);
            response.write(true, StandardCharsets.UTF_8.encode("{\"error\":\"only GET\"}\n"), callback);
            return true;
        }
        response.setStatus(200);
        response.write(true, StandardCharsets.UTF_8.encode(Json.write(ladders.json()) + "\n"), callback);
        return true;
    }
}
