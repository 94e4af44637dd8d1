package io.osprey.plugin.httpflv.record;

import io.osprey.spi.access.AccessControl;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.recording.Recorder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Serves the FLV recordings, {@code GET|HEAD /flv/{app}/{stream}/{file}.flv}, from the recorder's folder with one
 * HTTP byte range (RFC 9110 14.2: a request for several ranges is answered with the whole file, which a server may
 * do). Every path part must be a plain name (no {@code ..}, no separators), and the real path must lie inside the
 * real root, so a symlink planted in the folder is never followed out of it (HOSTILE-INPUTS F1, F3, F4). Before a
 * file is served the access hook is asked for a {@code PLAY} of its {@code {app}/{stream}} with protocol {@code flv}
 * and the request's query, so a stream protected for live play is protected in its recordings alike. The same
 * check guards {@code GET /flv/{app}/{stream}/}, the stream's recordings as JSON (see {@link io.osprey.spi.recording.SessionListing}).
 */
public final class FlvFiles extends Handler.Abstract {

    private static final System.Logger LOG = System.getLogger(FlvFiles.class.getName());
    static final String PREFIX = "/flv/";

    private final Path root;
    private final String corsOrigin;
    private final AccessControl access;
    private final Recorder listed;

    public FlvFiles(Path root, String corsOrigin, AccessControl access, Recorder listed) {
        this.root = root.toAbsolutePath().normalize();
        this.corsOrigin = corsOrigin;
        this.access = access;
        this.listed = listed;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        StreamKey key = streamOf(Request.getPathInContext(request));
        if (key == null || access == null) {
            serveSafely(request, response, callback); // a path that names no stream is a 404 (or 405) anyway
            return true;
        }
        Map<String, String> params = new HashMap<>();
        for (Fields.Field f : Request.extractQueryParameters(request)) {
            if (params.size() < 32) {
                params.put(f.getName(), f.getValue());
            }
        }
        InetSocketAddress remote = request.getConnectionMetaData().getRemoteSocketAddress()
                instanceof InetSocketAddress a ? a : null;
        access.check(new AccessRequest(Action.PLAY, key, "flv", remote, params)).whenComplete((d, t) -> {
            if (t != null || !d.allowed()) {
                if (!corsOrigin.isEmpty()) {
                    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
                }
                Response.writeError(request, response, callback, t != null ? 500 : d.status(),
                        t != null ? "access check failed" : d.reason());
            } else {
                serveSafely(request, response, callback);
            }
        });
        return true;
    }

    /** The stream a path {@code /flv/{app}/{stream}/{file}} belongs to, or null. */
    private static StreamKey streamOf(String path) {
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = path.substring(PREFIX.length()).split("/", 3);
        return parts.length == 3 && StreamKey.isValidPart(parts[0]) && StreamKey.isValidPart(parts[1])
                ? new StreamKey(parts[0], parts[1]) : null;
    }

    private void serveSafely(Request request, Response response, Callback callback) {
        try {
            serve(request, response, callback);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "httpflv: serving " + Request.getPathInContext(request) + " failed: " + e);
            if (!response.isCommitted()) {
                Response.writeError(request, response, callback, 500, "cannot read the recording");
            } else {
                callback.failed(e);
            }
        }
    }

    private void serve(Request request, Response response, Callback callback) throws IOException {
        var headers = response.getHeaders();
        if (!corsOrigin.isEmpty()) {
            headers.put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, corsOrigin);
            headers.put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Content-Range, Content-Length, Accept-Ranges, ETag");
        }
        boolean head = HttpMethod.HEAD.is(request.getMethod());
        if (!head && !HttpMethod.GET.is(request.getMethod())) {
            headers.put(HttpHeader.ALLOW, "GET, HEAD");
            Response.writeError(request, response, callback, 405, "recordings are read-only");
            return;
        }
        String path = Request.getPathInContext(request);
        StreamKey listing = path.endsWith("/") ? streamOf(path) : null;
        if (listing != null && listed != null && path.equals(PREFIX + listing.app() + "/" + listing.name() + "/")) {
            byte[] json = io.osprey.spi.recording.SessionListing.json(listing, listed.sessions(new Recorder.Listing(listing, true,
                    io.osprey.spi.recording.SessionListing.LIMIT))).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            headers.put(HttpHeader.CONTENT_TYPE, "application/json");
            headers.put(HttpHeader.CACHE_CONTROL, "no-cache");
            headers.put(HttpHeader.CONTENT_LENGTH, json.length);
            response.setStatus(200);
            response.write(true, head ? null : java.nio.ByteBuffer.wrap(json), callback);
            return;
        }
        Path file = resolve(Request.getPathInContext(request));
        if (file == null) {
            Response.writeError(request, response, callback, 404, "no such recording");
            return;
        }
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long size = a.size();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(a.lastModifiedTime().toMillis()) + "\"";
        headers.put(HttpHeader.ETAG, etag);
        headers.put(HttpHeader.ACCEPT_RANGES, "bytes");
        headers.put(HttpHeader.CACHE_CONTROL, "no-cache"); // a file being recorded still grows
        headers.put(HttpHeader.CONTENT_TYPE, "video/x-flv");
        if (etag.equals(request.getHeaders().get(HttpHeader.IF_NONE_MATCH))) {
            response.setStatus(304);
            response.write(true, null, callback);
            return;
        }
        String range = request.getHeaders().get(HttpHeader.RANGE);
        String ifRange = request.getHeaders().get(HttpHeader.IF_RANGE);
        long[] r = range == null || (ifRange != null && !ifRange.trim().equals(etag)) ? null : range(range, size);
        if (r != null && r.length == 0) {
            headers.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
            Response.writeError(request, response, callback, 416, "range not satisfiable");
            return;
        }
        long first = r == null ? 0 : r[0];
        long length = r == null ? size : r[1] - r[0] + 1;
        if (r != null) {
            headers.put(HttpHeader.CONTENT_RANGE, "bytes " + r[0] + "-" + r[1] + "/" + size);
        }
        headers.put(HttpHeader.CONTENT_LENGTH, length);
        response.setStatus(r == null ? 200 : 206);
        if (head || length == 0) {
            response.write(true, null, callback);
            return;
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        ByteBufferPool.Sized pool = new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), false,
                64 * 1024);
        Content.copy(Content.Source.from(pool, ch, first, length), response, Callback.from(callback, () -> {
            try {
                ch.close();
            } catch (IOException ignored) {
                // read-only
            }
        }));
    }

    /**
     * RFC 9110 14.1.2 {@code bytes=first-last}, {@code first-} or {@code -suffix}: {first, last}, an empty array if
     * unsatisfiable, or null to serve the whole file (several ranges, or a form this does not read).
     */
    static long[] range(String header, long size) {
        String v = header.trim();
        if (!v.startsWith("bytes=") || v.indexOf(',') >= 0) {
            return null;
        }
        String spec = v.substring(6).trim();
        int dash = spec.indexOf('-');
        if (dash < 0 || spec.length() > 40) {
            return null;
        }
        try {
            String a = spec.substring(0, dash).trim();
            String b = spec.substring(dash + 1).trim();
            if (a.isEmpty()) {
                long suffix = Long.parseLong(b);
                return suffix <= 0 || size == 0 ? new long[0] : new long[] {Math.max(0, size - suffix), size - 1};
            }
            long first = Long.parseLong(a);
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            if (first < 0 || (!b.isEmpty() && Long.parseLong(b) < first)) {
                return null; // syntactically invalid: ignored (14.1.1)
            }
            return first >= size ? new long[0] : new long[] {first, last};
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The file for {@code path}, or null unless it is {@code /flv/{app}/{stream}/{name}.flv} inside the root. */
    Path resolve(String path) throws IOException {
        if (path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = path.substring(PREFIX.length()).split("/", -1);
        if (parts.length != 3 || !parts[2].endsWith(".flv")) {
            return null;
        }
        for (String p : parts) {
            if (!StreamKey.isValidPart(p)) { // [A-Za-z0-9_][A-Za-z0-9_.-]*, no "..", <= 128 characters
                return null;
            }
        }
        Path file = root.resolve(parts[0]).resolve(parts[1]).resolve(parts[2]).normalize();
        if (!file.startsWith(root)) {
            return null;
        }
        Path real;
        try {
            real = file.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                LOG.log(Level.WARNING, "httpflv: refused {0}: it resolves outside {1}", path, root);
                return null;
            }
        } catch (NoSuchFileException e) {
            return null;
        }
        return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? real : null;
    }
}
