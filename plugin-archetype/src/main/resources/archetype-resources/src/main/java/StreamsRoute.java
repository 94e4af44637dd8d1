package ${package};

import io.osprey.media.json.Json;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /${pluginId}/streams}: every counted stream with its frame counts and latest key frame size, e.g.
 * {@code {"live/cam":{"videoFrames":250,"audioFrames":431,"dataFrames":1,"lastKeyFrameBytes":18234,...}}}.
 * Runs on a Jetty thread and does not block: the snapshot is built from atomics and written asynchronously.
 */
final class StreamsRoute extends Handler.Abstract {

    private final StreamCounts counts;
    private final boolean pretty;

    StreamsRoute(StreamCounts counts, boolean pretty) {
        this.counts = counts;
        this.pretty = pretty;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod()) && !HttpMethod.HEAD.is(request.getMethod())) {
            return write(response, callback, 405, Map.of("error", "use GET"));
        }
        return write(response, callback, 200, counts.snapshot());
    }

    private boolean write(Response response, Callback callback, int status, Object body) {
        String text = pretty ? Json.pretty(body) : Json.write(body);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.write(true, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}
