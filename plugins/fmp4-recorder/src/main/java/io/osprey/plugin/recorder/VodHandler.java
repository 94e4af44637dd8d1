package io.osprey.plugin.recorder;

import io.osprey.spi.access.AccessControl;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.recording.Recorder;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.DateGenerator;
import org.eclipse.jetty.http.HttpDateTime;
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
 * Serves recordings read-only from one folder of the data directory ({@code /mp4/...} or {@code /flv/...}):
 * single and multi-part byte ranges (RFC 9110 14, {@code multipart/byteranges}), {@code 416} where due,
 * {@code ETag}, {@code Last-Modified}, conditional GETs and {@code If-Range}, content types by extension, CORS for
 * players. Containment (HOSTILE-INPUTS F1, F3, F4, F5): each path segment must be a plain name ({@code A-Z a-z 0-9
 * _ - .}, no leading dot, no {@code ..}), only known extensions are served ({@code .part}, {@code .tmp} and lock
 * files never), and the file's real path (symlinks resolved) must lie inside the folder's real path, compared by
 * path components.
 */
final class VodHandler extends Handler.Abstract {

    private static final System.Logger LOG = System.getLogger(VodHandler.class.getName());
    private static final Map<String, String> TYPES = Map.of("mp4", "video/mp4", "m4s", "video/iso.segment",
            "json", "application/json", "m3u8", "application/vnd.apple.mpegurl", "flv", "video/x-flv");
    private static final int MAX_DEPTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String prefix;
    private final Recorder listed;
    private final Path root;
    private final RecorderConfig config;
    private final AccessControl access;

    /** {@code access}: asked before serving a file of {@code {prefix}/{app}/{stream}/...}, as for live play. */
    VodHandler(String prefix, Path root, RecorderConfig config, AccessControl access, Recorder listed) {
        this.listed = listed;
        this.access = access;
        this.prefix = prefix;
        this.root = root.toAbsolutePath().normalize();
        this.config = config;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        StreamKey key = HttpMethod.OPTIONS.is(request.getMethod()) ? null : streamOf(Request.getPathInContext(request));
        if (key == null) {
            serveSafely(request, response, callback); // preflight, or a path that resolves to nothing (404)
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
        access.check(new AccessRequest(Action.PLAY, key, prefix.substring(1), remote, params)).whenComplete((d, t) -> {
            if (t != null || !d.allowed()) {
                cors(response);
                Response.writeError(request, response, callback, t != null ? 500 : d.status(),
                        t != null ? "access check failed" : d.reason());
            } else {
                serveSafely(request, response, callback);
            }
        });
        return true;
    }

    /** The stream a path {@code {prefix}/{app}/{stream}/...} belongs to, or null. */
    private StreamKey streamOf(String path) {
        if (!path.startsWith(prefix + "/")) {
            return null;
        }
        String[] parts = path.substring(prefix.length() + 1).split("/", 3);
        return parts.length == 3 && StreamKey.isValidPart(parts[0]) && StreamKey.isValidPart(parts[1])
                ? new StreamKey(parts[0], parts[1]) : null;
    }

    private void serveSafely(Request request, Response response, Callback callback) {
        try {
            serve(request, response, callback);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "recorder: serving " + Request.getPathInContext(request) + " failed: " + e);
            if (!response.isCommitted()) {
                Response.writeError(request, response, callback, 500, "cannot read the recording");
            } else {
                callback.failed(e);
            }
        }
    }

    private void serve(Request request, Response response, Callback callback) throws IOException {
        String method = request.getMethod();
        cors(response);
        if (HttpMethod.OPTIONS.is(method)) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, HEAD, OPTIONS");
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, "Range, If-Range, If-None-Match,"
                    + " If-Modified-Since");
            response.setStatus(204);
            response.write(true, null, callback);
            return;
        }
        if (!HttpMethod.GET.is(method) && !HttpMethod.HEAD.is(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD, OPTIONS");
            Response.writeError(request, response, callback, 405, "recordings are read-only");
            return;
        }
        String path = Request.getPathInContext(request);
        StreamKey listing = path.endsWith("/") ? streamOf(path) : null;
        if (listing != null && listed != null
                && path.equals(prefix + "/" + listing.app() + "/" + listing.name() + "/")) {
            // the stream's sessions for the recording page's picker, behind the access check of handle()
            byte[] json = io.osprey.spi.recording.SessionListing.json(listing, listed.sessions(new Recorder.Listing(listing, true,
                    io.osprey.spi.recording.SessionListing.LIMIT))).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, json.length);
            response.setStatus(200);
            response.write(true, HttpMethod.HEAD.is(method) ? null : java.nio.ByteBuffer.wrap(json), callback);
            return;
        }
        Path file = resolve(path);
        if (file == null) {
            Response.writeError(request, response, callback, 404, "no such recording");
            return;
        }
        BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        long size = attrs.size();
        long modified = attrs.lastModifiedTime().toMillis();
        String etag = "\"" + Long.toHexString(size) + "-" + Long.toHexString(modified) + "\"";
        String name = file.getFileName().toString();
        String ext = name.substring(name.lastIndexOf('.') + 1);
        var headers = response.getHeaders();
        headers.put(HttpHeader.ETAG, etag);
        headers.put(HttpHeader.LAST_MODIFIED, DateGenerator.formatDate(modified));
        headers.put(HttpHeader.ACCEPT_RANGES, "bytes");
        headers.put(HttpHeader.CACHE_CONTROL, ext.equals("json") || ext.equals("m3u8") || ext.equals("flv")
                ? "no-cache" : "public, max-age=3600");
        if (notModified(request, etag, modified)) {
            response.setStatus(304);
            response.write(true, null, callback);
            return;
        }
        List<ByteRanges.Range> ranges;
        try {
            String range = request.getHeaders().get(HttpHeader.RANGE);
            ranges = range != null && ifRangeHolds(request, etag, modified)
                    ? ByteRanges.parse(range, size, config.maxRanges) : null;
        } catch (ByteRanges.Unsatisfiable e) {
            headers.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
            Response.writeError(request, response, callback, 416, e.getMessage());
            return;
        }
        boolean head = HttpMethod.HEAD.is(method);
        String type = TYPES.get(ext);
        String carry = ext.equals("m3u8") ? SignedPlaylist.carry(request.getHttpURI().getQuery()) : null;
        byte[] rewritten = carry == null ? null : SignedPlaylist.render(file, size, carry);
        if (rewritten != null) { // a signed playlist signs its segments: whole, with the query after each URI
            headers.remove(HttpHeader.ACCEPT_RANGES);
            headers.put(HttpHeader.CONTENT_TYPE, type);
            headers.put(HttpHeader.CONTENT_LENGTH, rewritten.length);
            response.setStatus(200);
            response.write(true, head ? null : ByteBuffer.wrap(rewritten), callback);
            return;
        }
        if (ranges == null) {
            headers.put(HttpHeader.CONTENT_TYPE, type);
            headers.put(HttpHeader.CONTENT_LENGTH, size);
            response.setStatus(200);
            send(request, response, callback, file, 0, size, head);
        } else if (ranges.size() == 1) {
            ByteRanges.Range r = ranges.get(0);
            headers.put(HttpHeader.CONTENT_TYPE, type);
            headers.put(HttpHeader.CONTENT_RANGE, r.contentRange(size));
            headers.put(HttpHeader.CONTENT_LENGTH, r.length());
            response.setStatus(206);
            send(request, response, callback, file, r.first(), r.length(), head);
        } else {
            multipart(request, response, callback, file, type, size, ranges, head);
        }
    }

    private void cors(Response response) {
        if (!config.corsOrigin.isEmpty()) {
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, config.corsOrigin);
            response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS,
                    "Content-Range, Content-Length, Accept-Ranges, ETag");
        }
    }

    /** The file for {@code path}, or null if the path is not a plain, contained path to a servable file. */
    Path resolve(String path) throws IOException {
        if (path == null || !path.startsWith(prefix + "/")) {
            return null;
        }
        String[] parts = path.substring(prefix.length() + 1).split("/", -1);
        if (parts.length > MAX_DEPTH) {
            return null;
        }
        for (String p : parts) {
            if (!StreamKey.isValidPart(p)) { // [A-Za-z0-9_][A-Za-z0-9_.-]*, no "..", <= 128 characters
                return null;
            }
        }
        String name = parts[parts.length - 1];
        int dot = name.lastIndexOf('.');
        if (dot < 0 || !TYPES.containsKey(name.substring(dot + 1))) {
            return null;
        }
        Path file = root;
        for (String p : parts) {
            file = file.resolve(p);
        }
        file = file.normalize();
        if (!file.startsWith(root)) {
            return null;
        }
        Path real;
        Path realRoot;
        try {
            realRoot = root.toRealPath();
            real = file.toRealPath();
        } catch (NoSuchFileException e) {
            return null;
        }
        if (!real.startsWith(realRoot)) {
            LOG.log(Level.WARNING, "recorder: refused {0}: it resolves outside {1}", path, realRoot);
            return null;
        }
        return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? real : null;
    }

    private static boolean notModified(Request request, String etag, long modified) {
        String inm = request.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (inm != null) {
            for (String tag : inm.split(",")) {
                String t = tag.trim();
                if (t.equals("*") || t.equals(etag) || t.equals("W/" + etag)) {
                    return true;
                }
            }
            return false; // 13.2.2: If-Modified-Since is ignored when If-None-Match is present
        }
        String ims = request.getHeaders().get(HttpHeader.IF_MODIFIED_SINCE);
        if (ims != null) {
            long since = date(ims);
            return since >= 0 && modified / 1000 <= since / 1000;
        }
        return false;
    }

    /** RFC 9110 13.1.5: a Range applies only if If-Range (when present) still names this representation. */
    private static boolean ifRangeHolds(Request request, String etag, long modified) {
        String ir = request.getHeaders().get(HttpHeader.IF_RANGE);
        if (ir == null) {
            return true;
        }
        String v = ir.trim();
        if (v.startsWith("\"")) {
            return v.equals(etag);
        }
        long date = date(v);
        return date >= 0 && modified / 1000 == date / 1000;
    }

    private static long date(String value) {
        try {
            return HttpDateTime.parseToEpoch(value);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private static void send(Request request, Response response, Callback callback, Path file, long offset,
                             long length, boolean head) throws IOException {
        if (head || length == 0) {
            response.write(true, null, callback);
            return;
        }
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        Content.Source source = Content.Source.from(sized(request), ch, offset, length);
        Content.copy(source, response, Callback.from(callback, () -> close(ch)));
    }

    private static ByteBufferPool.Sized sized(Request request) {
        return new ByteBufferPool.Sized(request.getComponents().getByteBufferPool(), false, 64 * 1024);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // read-only
        }
    }

    /** RFC 9110 14.6 {@code multipart/byteranges}: each part with its Content-Type and Content-Range. */
    private static void multipart(Request request, Response response, Callback callback, Path file, String type,
                                  long size, List<ByteRanges.Range> ranges, boolean head) throws IOException {
        String boundary = "osprey-" + Long.toHexString(RANDOM.nextLong()) + Long.toHexString(RANDOM.nextLong());
        List<ByteBuffer> heads = new ArrayList<>(ranges.size());
        long length = 0;
        for (ByteRanges.Range r : ranges) {
            String h = (heads.isEmpty() ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + type
                    + "\r\nContent-Range: " + r.contentRange(size) + "\r\n\r\n";
            ByteBuffer b = ByteBuffer.wrap(h.getBytes(StandardCharsets.US_ASCII));
            heads.add(b);
            length += b.remaining() + r.length();
        }
        ByteBuffer tail = ByteBuffer.wrap(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        length += tail.remaining();
        response.setStatus(206);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
        if (head) {
            response.write(true, null, callback);
            return;
        }
        new MultipartWriter(request, response, callback, file, ranges, heads, tail).next();
    }

    /** Writes the parts one after another: part header, then the range's bytes, then the closing boundary. */
    private static final class MultipartWriter {
        private final Request request;
        private final Response response;
        private final Callback done;
        private final Path file;
        private final List<ByteRanges.Range> ranges;
        private final List<ByteBuffer> heads;
        private final ByteBuffer tail;
        private int part;

        MultipartWriter(Request request, Response response, Callback done, Path file, List<ByteRanges.Range> ranges,
                        List<ByteBuffer> heads, ByteBuffer tail) {
            this.request = request;
            this.response = response;
            this.done = done;
            this.file = file;
            this.ranges = ranges;
            this.heads = heads;
            this.tail = tail;
        }

        void next() {
            if (part == ranges.size()) {
                response.write(true, tail, done);
                return;
            }
            int i = part++;
            response.write(false, heads.get(i), Callback.from(() -> body(ranges.get(i)), done::failed));
        }

        private void body(ByteRanges.Range r) {
            FileChannel ch;
            try {
                ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            } catch (IOException e) {
                done.failed(e);
                return;
            }
            Content.Source source = Content.Source.from(sized(request), ch, r.first(), r.length());
            Content.Sink notLast = (last, buf, cb) -> response.write(false, buf, cb);
            Content.copy(source, notLast, Callback.from(() -> {
                close(ch);
                next();
            }, x -> {
                close(ch);
                done.failed(x);
            }));
        }
    }
}
