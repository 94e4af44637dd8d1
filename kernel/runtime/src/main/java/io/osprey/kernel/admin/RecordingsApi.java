package io.osprey.kernel.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.osprey.kernel.recording.KernelRecordings;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.recording.RecordedSession;
import io.osprey.spi.recording.Recorder;
import io.osprey.spi.recording.RecordingRegistry;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /api/recordings[?stream=app/name]} (admin token, checked by the caller's guard): the union of every
 * registered recorder's sessions with type, stream, session, start, state, duration, size and URLs, newest first,
 * at most {@value #MAX_ENTRIES} entries ({@code truncated} says when more exist). A recorder whose listing fails
 * is named in {@code errors}; the others are still listed.
 */
public final class RecordingsApi extends Handler.Abstract {

    private static final System.Logger LOG = System.getLogger(RecordingsApi.class.getName());
    static final int MAX_ENTRIES = 5000;

    private final KernelRecordings registry;

    public RecordingsApi(KernelRecordings registry) {
        this.registry = registry;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        if (!HttpMethod.GET.is(request.getMethod())) {
            Json.write(response, 405, Map.of("error", "use GET"), callback);
            return true;
        }
        Fields q = Request.extractQueryParameters(request);
        String filter = q.getValue("stream");
        StreamKey key = null;
        if (filter != null) {
            try {
                key = StreamKey.parse(filter);
            } catch (IllegalArgumentException e) {
                Json.write(response, 400, Map.of("error", "stream must be app/name"), callback);
                return true;
            }
        }
        Recorder.Listing listing = new Recorder.Listing(key, true, MAX_ENTRIES + 1);
        List<RecordedSession> all = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (RecordingRegistry.Entry e : registry.recorders()) {
            try {
                all.addAll(e.recorder().sessions(listing));
            } catch (Exception | LinkageError ex) {
                LOG.log(Level.WARNING, "recordings of " + e.pluginId() + " (" + e.recorder().type()
                        + ") could not be listed: " + ex);
                errors.add(e.pluginId() + " " + e.recorder().type() + ": " + ex.getMessage());
            }
        }
        all.sort(Comparator.comparing((RecordedSession s) -> String.valueOf(s.start())).reversed());
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < all.size() && i < MAX_ENTRIES; i++) {
            out.add(json(all.get(i)));
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("recordings", out);
        root.put("truncated", all.size() > MAX_ENTRIES);
        if (!errors.isEmpty()) {
            root.put("errors", errors);
        }
        byte[] body;
        try {
            body = WRITER.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            Json.write(response, 500, Map.of("error", "cannot render the listing"), callback);
            return true;
        }
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    /** {@code "key": value}, as the listing has always been written (clients and scripts match on it). */
    private static final ObjectWriter WRITER = Json.MAPPER.writer(
            new DefaultPrettyPrinter().withSeparators(
                    Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private static Map<String, Object> json(RecordedSession s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", s.type());
        m.put("stream", s.stream().toString());
        m.put("session", s.id());
        m.put("start", s.start() == null ? null : s.start().toString());
        m.put("state", s.state());
        m.put("open", s.open());
        m.put("duration", s.duration());
        m.put("size", s.size() < 0 ? null : s.size());
        m.put("urls", s.urls());
        return m;
    }
}
