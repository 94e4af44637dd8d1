package io.osprey.plugin.hls;

import io.osprey.spi.access.Admission;
import io.osprey.spi.http.FastResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes responses from prebuilt bytes and pre-encoded header fields: one {@code response.write} of a
 * {@code duplicate()} of a shared buffer, no copy and no header formatting per request.
 *
 * <p>A body in pooled memory is retained before the write and released in the write's callback (succeeded or
 * failed, on whichever thread Jetty completes it), so it is not recycled while Jetty may still read it.
 */
final class Responses {
    static final HttpField PLAYLIST_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE,
            "application/vnd.apple.mpegurl");
    static final HttpField MP4_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "video/mp4");
    static final HttpField TEXT_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
    /** Segments, parts and init sections never change under their name. */
    static final HttpField IMMUTABLE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL,
            "public, max-age=31536000, immutable");
    static final HttpField NO_CACHE = new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "no-cache");
    static final HttpField ALLOW = new PreEncodedHttpField(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");

    private final HttpField cors;
    private final HttpField corsMethods = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS,
            "GET, HEAD, OPTIONS");
    private final HttpField corsHeaders = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "*");
    private final HttpField corsMaxAge = new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_MAX_AGE, "86400");

    Responses(String corsOrigin) {
        cors = corsOrigin == null || corsOrigin.isEmpty() ? null
                : new PreEncodedHttpField(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
    }

    /** {@code Cache-Control} for playlists: a fraction of the target duration (a CDN reloads at least that often). */
    static HttpField playlistCache(int targetSeconds) {
        return new PreEncodedHttpField(HttpHeader.CACHE_CONTROL, "public, max-age=" + Math.max(1, targetSeconds / 2));
    }

    /**
     * Writes {@code body} with the given fields; the admission permit and the body's reference are released when
     * the write completes. Returns false, touching nothing, if the body was already recycled (it left the window
     * between the snapshot read and now): the caller answers as for anything no longer in the window.
     */
    boolean send(Response rs, Callback cb, int status, HttpField type, HttpField cache, Served body, HttpField etag,
                 boolean head, Admission admission) {
        if (!body.tryRetain()) {
            return false;
        }
        rs.setStatus(status);
        HttpFields.Mutable h = rs.getHeaders();
        if (cors != null) {
            h.add(cors);
        }
        h.add(type);
        h.add(cache);
        if (etag != null) {
            h.add(etag);
        }
        h.add(body.contentLength());
        ByteBuffer bytes = head ? null : body.bytes().duplicate();
        if (body.memory() == null) {
            rs.write(true, bytes, admission == null ? cb : Callback.from(cb, admission::release));
            return true;
        }
        Runnable done = new Done(body, admission);
        try {
            rs.write(true, bytes, Callback.from(cb, done));
        } catch (RuntimeException e) {
            done.run(); // once only: a callback completed anyway does not release twice
            throw e;
        }
        return true;
    }

    /** Releases a response's body reference and admission permit, once, whoever calls first. */
    private static final class Done extends AtomicBoolean implements Runnable {
        private final Served body;
        private final Admission admission;

        Done(Served body, Admission admission) {
            this.body = body;
            this.admission = admission;
        }

        @Override
        public void run() {
            if (compareAndSet(false, true)) {
                body.release();
                if (admission != null) {
                    admission.release();
                }
            }
        }
    }

    /**
     * The head of a fast GET response ({@link FastResponse#head}) with the same fields {@link #send} writes: CORS,
     * type, cache, ETag and length.
     */
    ByteBuffer fastHead(HttpField type, HttpField cache, HttpField etag, Served body) {
        java.util.List<String> f = fastFields();
        for (HttpField h : new HttpField[] {type, cache, etag, body.contentLength()}) {
            if (h != null) {
                f.add(h.getName());
                f.add(h.getValue());
            }
        }
        return FastResponse.head(200, "OK", f.toArray(new String[0]));
    }

    /** A fast head's field list, starting with the CORS field every response of {@link #send} carries. */
    private java.util.List<String> fastFields() {
        java.util.List<String> f = new java.util.ArrayList<>(12);
        if (cors != null) {
            f.add(cors.getName());
            f.add(cors.getValue());
        }
        return f;
    }

    /** 429 with {@code Retry-After}, as the regular path answers a refused admission. */
    FastResponse fastTooMany(Admission admission) {
        byte[] body = (admission.reason() + "\n").getBytes(StandardCharsets.UTF_8);
        java.util.List<String> f = fastFields();
        if (admission.retryAfterSeconds() > 0) {
            f.add("Retry-After");
            f.add(String.valueOf(admission.retryAfterSeconds()));
        }
        java.util.Collections.addAll(f, TEXT_TYPE.getName(), TEXT_TYPE.getValue(), NO_CACHE.getName(),
                NO_CACHE.getValue(), "Content-Length", String.valueOf(body.length));
        return new FastResponse(FastResponse.head(429, "Too Many Requests", f.toArray(new String[0])),
                ByteBuffer.wrap(body), null);
    }

    /** A short text error, no caching. */
    void error(Response rs, Callback cb, int status, String message, Admission admission) {
        send(rs, cb, status, TEXT_TYPE, NO_CACHE, Served.of(ByteBuffer.wrap((message + "\n")
                .getBytes(StandardCharsets.UTF_8)), false), null, false, admission);
    }

    /** 304 Not Modified for a matching {@code If-None-Match}. */
    void notModified(Response rs, Callback cb, HttpField cache, HttpField etag, Admission admission) {
        rs.setStatus(304);
        HttpFields.Mutable h = rs.getHeaders();
        if (cors != null) {
            h.add(cors);
        }
        h.add(cache);
        h.add(etag);
        rs.write(true, null, admission == null ? cb : Callback.from(cb, admission::release));
    }

    /** CORS preflight. */
    void preflight(Response rs, Callback cb) {
        rs.setStatus(204);
        HttpFields.Mutable h = rs.getHeaders();
        if (cors != null) {
            h.add(cors);
            h.add(corsMethods);
            h.add(corsHeaders);
            h.add(corsMaxAge);
        }
        h.add(ALLOW);
        rs.write(true, null, cb);
    }
}
