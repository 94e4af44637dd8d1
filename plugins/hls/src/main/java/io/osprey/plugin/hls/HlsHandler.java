package io.osprey.plugin.hls;

import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessDecision;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.http.FastGet;
import io.osprey.spi.http.FastResponse;
import io.osprey.spi.metrics.Counter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.PreEncodedHttpField;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * {@code GET /hls/{app}/{stream}/…}: {@code index.m3u8} (with LL-HLS blocking reload and delta updates),
 * {@code seg-{sid}-{msn}.ts|m4s}, {@code part-{sid}-{n}.ts|m4s} and {@code init-{sid}-{k}.mp4}, all from memory.
 * {@code sid} names one life of the stream, so a URL never names two different contents and segments can be
 * cached as immutable. Unknown streams, names outside the window and anything else answer 404 at once.
 */
final class HlsHandler extends Handler.Abstract.NonBlocking {
    private static final System.Logger LOG = System.getLogger(HlsHandler.class.getName());
    static final String PREFIX = "/hls/";
    private static final HttpField TS_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "video/mp2t");
    private static final HttpField M4S_TYPE = new PreEncodedHttpField(HttpHeader.CONTENT_TYPE, "video/mp4");
    /** RFC 8216bis 6.2.5.2: how far ahead of the last part a blocking request may ask. */
    private static final int ADVANCE_PART_LIMIT = 3;
    private static final int MAX_PARAMS = 32;

    private final PluginContext ctx;
    private final Map<StreamKey, HlsStream> streams;
    private final Responses responses;
    private final Counter requests;
    private final Counter notFound;
    private final long startTimeoutMs;

    HlsHandler(PluginContext ctx, Map<StreamKey, HlsStream> streams, Responses responses, Counter requests,
               Counter notFound, long startTimeoutMs) {
        this.ctx = ctx;
        this.startTimeoutMs = startTimeoutMs;
        this.streams = streams;
        this.responses = responses;
        this.requests = requests;
        this.notFound = notFound;
    }

    static HttpField mediaType(HlsFormat format) {
        return format == HlsFormat.TS ? TS_TYPE : M4S_TYPE;
    }

    @Override
    public boolean handle(Request rq, Response rs, Callback cb) {
        String path = Request.getPathInContext(rq);
        if (!path.startsWith(PREFIX)) {
            return false;
        }
        try {
            serve(rq, rs, cb, path);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "hls request " + abbreviate(path) + " failed", e);
            if (!rs.isCommitted()) {
                responses.error(rs, cb, 500, "internal error", null);
            } else {
                cb.failed(e);
            }
        }
        return true;
    }

    private void serve(Request rq, Response rs, Callback cb, String path) {
        String method = rq.getMethod();
        boolean head = HttpMethod.HEAD.is(method);
        if (HttpMethod.OPTIONS.is(method)) {
            responses.preflight(rs, cb);
            return;
        }
        if (!head && !HttpMethod.GET.is(method)) {
            rs.getHeaders().add(Responses.ALLOW);
            responses.error(rs, cb, 405, "method not allowed", null);
            return;
        }
        requests.inc();
        StreamKey key = keyOf(path);
        if (key == null) {
            notFound(rs, cb);
            return;
        }
        int file = fileAt(key);
        HlsStream stream = streams.get(key);
        boolean playlist = path.length() - file == 10 && path.startsWith("index.m3u8", file);
        if (stream == null || stream.ended()) {
            if (playlist && startTimeoutMs > 0) {
                startOnDemand(rq, rs, cb, key);
            } else {
                notFound(rs, cb);
            }
            return;
        }
        if (playlist && stream.demandDue(System.nanoTime())) {
            // HLS players hold no bus subscription: a playlist request tells on-demand providers someone watches
            ctx.bus().demand(key, DemandRequest.of("hls"), Duration.ZERO);
        }
        Target target = Target.parse(path, file, stream.snapshot().sid(), stream.settings().format());
        if (target == null) {
            notFound(rs, cb);
            return;
        }
        String query = rq.getHttpURI().getQuery();
        Map<String, String> params = query == null ? Map.of() : params(query);
        InetSocketAddress remote = remote(rq);
        InetAddress address = remote == null ? null : remote.getAddress();
        String token = params.get("token");
        // what the client carries from URL to URL (a token, a signature) keys the reuse of a decision, so a
        // segment request without the playlist's credentials is asked about again
        String carry = query == null ? null : carry(query);
        long now = System.nanoTime();
        if (target.kind() != Target.Kind.PLAYLIST && stream.granted(address, carry, now)) {
            admitted(rq, rs, cb, stream, target, params, remote, token, head, carry);
            return;
        }
        CompletionStage<AccessDecision> check = ctx.access().check(new AccessRequest(Action.PLAY, stream.key(), "hls",
                remote, params));
        CompletableFuture<AccessDecision> f = check.toCompletableFuture();
        if (f.isDone() && !f.isCompletedExceptionally()) {
            decided(rq, rs, cb, stream, target, params, remote, token, head, carry, f.join(), null, now);
        } else {
            check.whenComplete((d, t) -> decided(rq, rs, cb, stream, target, params, remote, token, head, carry, d,
                    t, System.nanoTime()));
        }
    }

    /**
     * The fast GET of {@code path} ({@link FastGet}: a plain GET with no query), answered from the window's prepared
     * bytes with a head made once per playlist or segment; null for whatever the regular path must answer: unknown
     * or ended streams, names outside the window, a part still to come, a client whose access must be asked (any
     * access policy registered and no decision cached for its address). Does what {@link #serve} does for the
     * same request: demand, the {@code hls} admission, viewer accounting, metrics.
     */
    FastResponse fast(String path, InetSocketAddress remote) {
        StreamKey key = cachedKeyOf(path);
        HlsStream stream = key == null ? null : streams.get(key);
        if (stream == null || stream.ended()) {
            return null;
        }
        Snapshot s = stream.snapshot();
        Target target = Target.parse(path, fileAt(key), s.sid(), stream.settings().format());
        if (target == null) {
            return null;
        }
        InetAddress address = remote == null ? null : remote.getAddress();
        long now = System.nanoTime();
        boolean playlist = target.kind() == Target.Kind.PLAYLIST;
        if ((playlist || !stream.granted(address, null, now)) && ctx.access().hasAccessPolicies()) {
            return null; // the access hook must be asked, and may take its time: the regular path waits for it
        }
        HttpField type = playlist ? Responses.PLAYLIST_TYPE
                : target.kind() == Target.Kind.INIT ? Responses.MP4_TYPE : mediaType(s.settings().format());
        HttpField cache = playlist ? stream.playlistCache() : Responses.IMMUTABLE;
        HttpField etag = null;
        Served body;
        switch (target.kind()) {
            case PLAYLIST -> {
                Snapshot.Rendered r = s.rendered(false, null);
                body = r.body();
                etag = r.etag();
            }
            case SEGMENT -> {
                Segment seg = s.segment(target.number());
                body = seg == null ? null : seg.body();
            }
            case PART -> {
                Part part = s.part(target.number());
                body = part == null ? null : part.body();
            }
            case INIT -> body = s.init((int) target.number());
            default -> body = null;
        }
        if (body == null || !body.tryRetain()) {
            return null; // not (or no longer) in the window, or a part to wait for
        }
        Admission admission = ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.REQUEST, "hls", remote,
                stream.key(), null, Action.PLAY));
        if (!admission.admitted()) {
            body.release();
            return responses.fastTooMany(admission);
        }
        requests.inc();
        if (playlist) {
            if (stream.demandDue(now)) {
                ctx.bus().demand(stream.key(), DemandRequest.of("hls"), Duration.ZERO);
            }
            // no grant to cache: no access policy was asked (a policy added later is asked by the regular path)
            stream.playlistRequested(address, null, now);
        } else {
            stream.served(address, null, body.size());
        }
        ByteBuffer head = body.fastHead();
        if (head == null) {
            HttpField e = etag;
            head = body.fastHead(b -> responses.fastHead(type, cache, e, b));
        }
        Runnable done = () -> {
            body.release();
            admission.release();
        };
        java.nio.channels.FileChannel file = body.file();
        return file != null ? FastResponse.ofFile(head, file, 0, body.size(), body.bytes().duplicate(), done)
                : new FastResponse(head, body.bytes().duplicate(), done);
    }

    /**
     * A playlist of a stream that is not live: after the access check, asks the bus to start it (a provider may pull
     * it) and waits, bounded by {@code startTimeoutMs}, for its first segment, then serves the request as usual.
     * With no provider for the key the demand fails at once and the answer is a plain 404.
     */
    private void startOnDemand(Request rq, Response rs, Callback cb, StreamKey key) {
        String query = rq.getHttpURI().getQuery();
        Map<String, String> params = query == null ? Map.of() : params(query);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(startTimeoutMs);
        ctx.access().check(new AccessRequest(Action.PLAY, key, "hls", remote(rq), params)).whenComplete((d, t) -> {
            if (t != null || d == null || !d.allowed()) {
                responses.error(rs, cb, t != null || d == null ? 500 : d.status(),
                        t != null || d == null ? "access check failed" : d.reason(), null);
                return;
            }
            ctx.bus().demand(key, new DemandRequest("hls", params), Duration.ofMillis(startTimeoutMs))
                    .whenComplete((v, failed) -> {
                        if (failed != null) {
                            notFound(rs, cb);
                        } else {
                            awaitFirstSegment(rq, rs, cb, key, deadline);
                        }
                    });
        });
    }

    private void awaitFirstSegment(Request rq, Response rs, Callback cb, StreamKey key, long deadline) {
        HlsStream stream = streams.get(key);
        if (stream != null && !stream.ended() && stream.snapshot().lastMsn() >= 0) {
            handle(rq, rs, cb);
        } else if (System.nanoTime() - deadline >= 0) {
            responses.error(rs, cb, 404, "stream " + key + " started but has no segment yet", null);
        } else {
            ctx.scheduler().schedule(() -> awaitFirstSegment(rq, rs, cb, key, deadline), 100,
                    TimeUnit.MILLISECONDS);
        }
    }

    private void decided(Request rq, Response rs, Callback cb, HlsStream stream, Target target,
                         Map<String, String> params, InetSocketAddress remote, String token, boolean head,
                         String carry, AccessDecision d, Throwable t, long now) {
        try {
            if (t != null || d == null || !d.allowed()) {
                int status = t != null || d == null ? 500 : d.status();
                responses.error(rs, cb, status, t != null || d == null ? "access check failed" : d.reason(), null);
                return;
            }
            stream.grant(remote == null ? null : remote.getAddress(), carry, now);
            admitted(rq, rs, cb, stream, target, params, remote, token, head, carry);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "hls request failed", e);
            cb.failed(e);
        }
    }

    private void admitted(Request rq, Response rs, Callback cb, HlsStream stream, Target target,
                          Map<String, String> params, InetSocketAddress remote, String token, boolean head,
                          String carry) {
        Admission admission = ctx.access().admit(new AdmissionRequest(AdmissionRequest.Kind.REQUEST, "hls", remote,
                stream.key(), token, Action.PLAY));
        if (!admission.admitted()) {
            if (admission.retryAfterSeconds() > 0) {
                rs.getHeaders().put(HttpHeader.RETRY_AFTER, admission.retryAfterSeconds());
            }
            responses.error(rs, cb, 429, admission.reason(), null);
            return;
        }
        Snapshot s = stream.snapshot();
        HlsFormat format = s.settings().format();
        switch (target.kind()) {
            case PLAYLIST -> {
                stream.playlistRequested(remote == null ? null : remote.getAddress(), carry, System.nanoTime());
                playlist(rq, rs, cb, stream, s, params, head, admission, carry);
            }
            case SEGMENT -> {
                Segment seg = s.segment(target.number());
                if (seg != null && !head) {
                    stream.served(remote == null ? null : remote.getAddress(), carry, seg.body().size());
                }
                if (seg == null || !responses.send(rs, cb, 200, mediaType(format), Responses.IMMUTABLE, seg.body(),
                        null, head, admission)) {
                    missing(rs, cb, admission); // not in the window, or evicted and recycled since the snapshot
                }
            }
            case PART -> {
                Part p = s.part(target.number());
                if (p != null) {
                    if (!head) {
                        stream.served(remote == null ? null : remote.getAddress(), carry, p.body().size());
                    }
                    if (!responses.send(rs, cb, 200, mediaType(format), Responses.IMMUTABLE, p.body(), null, head,
                            admission)) {
                        missing(rs, cb, admission);
                    }
                } else if (stream.settings().lowLatency() && target.number() == s.nextPartNumber()) {
                    // RFC 8216bis 6.2.6: the hinted part is answered when it is complete
                    stream.park(new Waiter(-1, -1, target.number(), false, deadline(s), head, rq, rs, cb, admission,
                            new AtomicBoolean(), null));
                } else {
                    missing(rs, cb, admission);
                }
            }
            case INIT -> {
                Served init = s.init((int) target.number());
                if (init == null || !responses.send(rs, cb, 200, Responses.MP4_TYPE, Responses.IMMUTABLE, init, null,
                        head, admission)) {
                    missing(rs, cb, admission);
                }
            }
            default -> missing(rs, cb, admission);
        }
    }

    private void playlist(Request rq, Response rs, Callback cb, HlsStream stream, Snapshot s,
                          Map<String, String> params, boolean head, Admission admission, String carry) {
        boolean ll = stream.settings().lowLatency();
        String skip = ll ? params.get("_HLS_skip") : null;
        boolean delta = "YES".equals(skip) || "v2".equals(skip);
        String msnParam = ll ? params.get("_HLS_msn") : null;
        String partParam = ll ? params.get("_HLS_part") : null;
        if (msnParam != null || partParam != null) {
            // RFC 8216bis 6.2.5.2: blocking playlist reload
            long msn = number(msnParam);
            int part = partParam == null ? -1 : (int) Math.min(Integer.MAX_VALUE, number(partParam));
            if (msn < 0 || (partParam != null && part < 0)) {
                responses.error(rs, cb, 400, "_HLS_msn must be given, and it and _HLS_part must be integers",
                        admission);
                return;
            }
            if (msn > s.lastMsn() + 2 || tooFarAhead(s, msn, part)) {
                responses.error(rs, cb, 400, "_HLS_msn/_HLS_part too far ahead of the playlist", admission);
                return;
            }
            Waiter w = new Waiter(msn, part, -1, delta, deadline(s), head, rq, rs, cb, admission,
                    new AtomicBoolean(), carry);
            if (s.satisfies(msn, part)) {
                w.claim();
                Snapshot.Rendered r = s.rendered(delta, carry);
                responses.send(rs, cb, 200, Responses.PLAYLIST_TYPE, Responses.NO_CACHE, r.body(), r.etag(), head,
                        admission);
            } else {
                stream.park(w);
            }
            return;
        }
        Snapshot.Rendered r = s.rendered(delta, carry);
        HttpField cache = stream.playlistCache();
        String inm = rq.getHeaders().get(HttpHeader.IF_NONE_MATCH);
        if (inm != null && (inm.equals(r.etagValue()) || inm.contains(r.etagValue()))) {
            responses.notModified(rs, cb, cache, r.etag(), admission);
            return;
        }
        responses.send(rs, cb, 200, Responses.PLAYLIST_TYPE, cache, r.body(), r.etag(), head, admission);
    }

    /**
     * The part of a request's raw query a playlist passes on to its URIs: every parameter but the LL-HLS
     * {@code _HLS_*} directives (RFC 8216bis 6.2.5), as the client sent it; {@code null} if nothing is left, or if
     * it is longer than 1024 characters or holds a character outside RFC 3986's unreserved, sub-delims and
     * percent-encodings that are safe inside a quoted playlist attribute (so a query cannot inject tags).
     */
    static String carry(String query) {
        if (query.isEmpty() || query.length() > 1024) {
            return null;
        }
        StringBuilder out = null;
        int from = 0;
        while (from <= query.length()) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? query.length() : amp;
            if (end > from && !query.startsWith("_HLS_", from)) {
                for (int i = from; i < end; i++) {
                    char c = query.charAt(i);
                    boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                            || c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || c == '=' || c == '+';
                    if (!ok) {
                        return null;
                    }
                }
                if (out == null) {
                    out = new StringBuilder(query.length());
                } else {
                    out.append('&');
                }
                out.append(query, from, end);
            }
            from = end + 1;
        }
        return out == null ? null : out.toString();
    }

    private static boolean tooFarAhead(Snapshot s, long msn, int part) {
        if (part < 0) {
            return false;
        }
        Part last = s.lastPart();
        long lastMsn = last != null ? last.msn() : s.lastMsn() + 1;
        int lastIndex = last != null ? last.index() : -1;
        return (msn == lastMsn && part > lastIndex + ADVANCE_PART_LIMIT)
                || (msn == lastMsn + 1 && part > ADVANCE_PART_LIMIT - 1);
    }

    /** RFC 8216bis 6.2.5.2: a request that cannot be satisfied within three target durations gets an error. */
    private static long deadline(Snapshot s) {
        return System.nanoTime() + 3_000_000_000L * s.targetDuration();
    }

    private static long number(String v) {
        if (v == null || v.isEmpty() || v.length() > 18) {
            return -1;
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private void notFound(Response rs, Callback cb) {
        notFound.inc();
        responses.error(rs, cb, 404, "not found", null);
    }

    private void missing(Response rs, Callback cb, Admission admission) {
        notFound.inc();
        responses.error(rs, cb, 404, "not in the window", admission);
    }

    /**
     * The query's parameters (RFC 3986 3.4, {@code application/x-www-form-urlencoded} pairs), the first of each name,
     * at most {@value #MAX_PARAMS}. Plain pairs are cut out as they are; only a pair with {@code %} or {@code +} is
     * decoded, and one that does not decode is skipped. Cheaper than a general decoder on every playlist reload of
     * a signed URL.
     */
    static Map<String, String> params(String query) {
        Map<String, String> out = new HashMap<>(8);
        int from = 0;
        int n = query.length();
        while (from < n && out.size() < MAX_PARAMS) {
            int amp = query.indexOf('&', from);
            int end = amp < 0 ? n : amp;
            if (end > from) {
                int eq = query.indexOf('=', from);
                String name = eq < 0 || eq > end ? query.substring(from, end) : query.substring(from, eq);
                String value = eq < 0 || eq > end ? "" : query.substring(eq + 1, end);
                name = decode(name);
                value = decode(value);
                if (name != null && value != null && !name.isEmpty()) {
                    out.putIfAbsent(name, value);
                }
            }
            from = end + 1;
        }
        return out;
    }

    private static String decode(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        try {
            return java.net.URLDecoder.decode(s, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The stream of a {@code /hls/{app}/{stream}/{file}} path, or null for any other shape or invalid names. */
    static StreamKey keyOf(String path) {
        int a = PREFIX.length();
        int s1 = path.indexOf('/', a);
        int s2 = s1 < 0 ? -1 : path.indexOf('/', s1 + 1);
        if (s2 < 0 || path.indexOf('/', s2 + 1) >= 0) {
            return null;
        }
        String app = path.substring(a, s1);
        String name = path.substring(s1 + 1, s2);
        return StreamKey.isValidPart(app) && StreamKey.isValidPart(name) ? new StreamKey(app, name) : null;
    }

    /** A stream key and its folder, {@code /hls/{app}/{stream}/}. */
    private record KeyedFolder(StreamKey key, String folder) {
    }

    /** The last stream key each selector thread parsed: players poll the same stream, a key per request was garbage. */
    private static final ThreadLocal<KeyedFolder[]> LAST_KEY = ThreadLocal.withInitial(() -> new KeyedFolder[1]);

    /** {@link #keyOf}, reusing this thread's last key when the path is a file in the same stream's folder. */
    static StreamKey cachedKeyOf(String path) {
        KeyedFolder[] last = LAST_KEY.get();
        KeyedFolder k = last[0];
        if (k != null && path.startsWith(k.folder()) && path.indexOf('/', k.folder().length()) < 0) {
            return k.key();
        }
        StreamKey key = keyOf(path);
        if (key != null) {
            last[0] = new KeyedFolder(key, path.substring(0, fileAt(key)));
        }
        return key;
    }

    /** Where the file name starts in the path {@link #keyOf} took {@code key} from. */
    private static int fileAt(StreamKey key) {
        return PREFIX.length() + key.app().length() + 1 + key.name().length() + 1;
    }

    private static InetSocketAddress remote(Request rq) {
        SocketAddress a = rq.getConnectionMetaData().getRemoteSocketAddress();
        return a instanceof InetSocketAddress isa ? isa : null;
    }

    private static String abbreviate(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /** What a file name under a stream's folder names. */
    record Target(Kind kind, long number) {
        enum Kind { PLAYLIST, SEGMENT, PART, INIT }

        private static final Target PLAYLIST = new Target(Kind.PLAYLIST, 0);

        /** Parses the file name at {@code from} in {@code path}; null for anything this stream never served. */
        static Target parse(String path, int from, String sid, HlsFormat format) {
            int len = path.length() - from;
            if (len == 10 && path.startsWith("index.m3u8", from)) {
                return PLAYLIST;
            }
            Kind kind;
            int at;
            String ext;
            if (path.startsWith("seg-", from)) {
                kind = Kind.SEGMENT;
                at = from + 4;
                ext = format.extension();
            } else if (path.startsWith("part-", from)) {
                kind = Kind.PART;
                at = from + 5;
                ext = format.extension();
            } else if (path.startsWith("init-", from) && format == HlsFormat.FMP4) {
                kind = Kind.INIT;
                at = from + 5;
                ext = ".mp4";
            } else {
                return null;
            }
            if (!path.startsWith(sid, at) || path.length() <= at + sid.length()
                    || path.charAt(at + sid.length()) != '-' || !path.endsWith(ext)) {
                return null;
            }
            int start = at + sid.length() + 1;
            int end = path.length() - ext.length();
            if (end <= start || end - start > 18) {
                return null;
            }
            long n = 0;
            for (int i = start; i < end; i++) {
                char c = path.charAt(i);
                if (c < '0' || c > '9') {
                    return null;
                }
                n = n * 10 + (c - '0');
            }
            return new Target(kind, n);
        }
    }
}
