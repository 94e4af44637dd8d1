package io.osprey.kernel.http;

import io.osprey.spi.access.Admission;
import io.osprey.spi.http.FastGet;
import io.osprey.spi.http.FastResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * The first connection of every plain HTTP socket: answers the plain {@code GET}s a {@link FastGet} responder takes
 * (HLS playlists and segments) from prepared bytes, on the selector thread that read them, with one read and one
 * gathering write each and a few small objects (a body in a file with {@code sendfile}, see {@link SendfileEndPoint});
 * at the first request it does not take it hands the socket, with every byte read so far, to Jetty's
 * {@code HttpConnection} for the rest of its life.
 *
 * <p>Why: Jetty's request handling (parser, channel state, request and response objects, handler chain) was a third
 * of the server's CPU per playlist request and ~2.7 KB of garbage, on a load where nginx spends nothing but the
 * system calls. See docs/benchmarks.md (hls-serve).
 *
 * <p>What it takes is deliberately narrow (see {@link Head#parse}): anything unusual, malformed or merely
 * unexpected is Jetty's to answer, with Jetty's errors. The header deadline ({@link ConnectionGuard}) and the idle
 * timeout apply as to any HTTP connection.
 */
final class FastGetConnection extends AbstractConnection.NonBlocking implements Connection.UpgradeFrom {

    private static final System.Logger LOG = System.getLogger(FastGetConnection.class.getName());

    private final Connector connector;
    private final HttpConnectionFactory http;
    private final Router router;
    private final ConnectionGuard.HeaderDeadline deadline;
    private final ByteBufferPool pool;
    private final int bufferSize;
    private final Flow flow = new Flow();
    private RetainableByteBuffer buffer;
    /** The response being written, whose {@code done} has yet to run. */
    private FastResponse writing;
    /** Handed to Jetty: the endpoint is no longer ours to close. */
    private boolean upgraded;
    /**
     * A response was written since the selector last said the socket is readable: when the buffer runs out, wait for
     * the selector again instead of reading on. One read per request, and a client that pipelines without pause gets
     * one buffer of requests per turn, not the selector thread for as long as it keeps sending.
     */
    private boolean answeredThisTurn;
    /** The last path this connection asked for, as bytes and as the string the responder got (players poll one). */
    private byte[] lastPathBytes;
    private String lastPath;

    FastGetConnection(EndPoint endPoint, Connector connector, HttpConnectionFactory http, Router router,
                      ConnectionGuard.HeaderDeadline deadline) {
        super(endPoint, connector.getExecutor());
        this.connector = connector;
        this.http = http;
        this.router = router;
        this.deadline = deadline;
        this.pool = connector.getByteBufferPool();
        this.bufferSize = http.getHttpConfiguration().getRequestHeaderSize();
    }

    @Override
    public void onOpen() {
        super.onOpen();
        fillInterested();
    }

    @Override
    public void onFillable() {
        answeredThisTurn = false;
        flow.iterate();
    }

    @Override
    public void onClose(Throwable cause) {
        super.onClose(cause);
        if (!upgraded) {
            flow.close();
        }
    }

    @Override
    public ByteBuffer onUpgradeFrom() {
        // HttpConnection.onUpgradeTo copies these bytes into its own request buffer (same size as ours) at once
        ByteBuffer rest = buffer == null ? null : buffer.getByteBuffer();
        return rest == null || !rest.hasRemaining() ? null : rest;
    }

    private void releaseBuffer() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    /** Runs the current response's {@code done}, once. */
    private void finishWriting() {
        FastResponse r = writing;
        writing = null;
        if (r != null && r.done() != null) {
            try {
                r.done().run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "fast GET completion failed", e);
            }
        }
    }

    /**
     * One step per request: parse what is buffered, read more if that is not a whole request head, then either write
     * a response (and come back when it is written), hand the connection to Jetty, or wait for bytes.
     */
    private final class Flow extends IteratingCallback {

        @Override
        protected Action process() throws Throwable {
            if (writing != null) {
                finishWriting();
                deadline.rearm(FastGetConnection.this);
            }
            EndPoint ep = getEndPoint();
            while (true) {
                if (buffer == null) {
                    buffer = pool.acquire(bufferSize, true);
                }
                ByteBuffer b = buffer.getByteBuffer();
                int end = b.hasRemaining() ? Head.parse(b) : Head.MORE;
                if (end == Head.MORE) {
                    if (b.remaining() >= b.capacity()) {
                        end = Head.JETTY; // a head larger than the buffer: Jetty answers 431
                    } else if (answeredThisTurn) {
                        if (!b.hasRemaining()) {
                            releaseBuffer();
                        }
                        fillInterested();
                        return Action.IDLE;
                    } else {
                        int n = ep.fill(b);
                        if (n > 0) {
                            continue;
                        }
                        if (n < 0) {
                            releaseBuffer();
                            ep.close();
                            return Action.SUCCEEDED;
                        }
                        if (!b.hasRemaining()) {
                            releaseBuffer(); // idle keep-alive connections hold no buffer
                        }
                        fillInterested();
                        return Action.IDLE;
                    }
                }
                FastResponse r = end == Head.JETTY ? null : respond(b, end);
                if (r == null) {
                    toJetty();
                    return Action.SUCCEEDED;
                }
                deadline.disarm(FastGetConnection.this);
                router.countFast();
                answeredThisTurn = true;
                b.position(end);
                writing = r;
                ByteBuffer date = DateLine.next(connector.getServer().getDateField());
                if (r.file() == null) {
                    ep.write(this, r.head(), date, r.body());
                } else if (ep instanceof SendfileEndPoint sendfile && sendfile.sendsFiles()) {
                    sendfile.sendAfterNextWrite(r.file());
                    ep.write(this, r.head(), date);
                } else if (r.body().hasRemaining()) {
                    ep.write(this, r.head(), date, r.body()); // no corked sendfile here: the same bytes in memory
                } else {
                    FastResponse.FileRegion f = r.file(); // nor in memory: the file's pages, mapped
                    ep.write(this, r.head(), date, f.channel().map(java.nio.channels.FileChannel.MapMode.READ_ONLY,
                            f.position(), f.count()));
                }
                return Action.SCHEDULED;
            }
        }

        @Override
        public InvocationType getInvocationType() {
            return InvocationType.NON_BLOCKING;
        }

        @Override
        protected void onCompleteFailure(Throwable cause) {
            if (getEndPoint() instanceof SendfileEndPoint sendfile) {
                sendfile.dropRegion();
            }
            finishWriting();
            if (!upgraded) {
                releaseBuffer();
                getEndPoint().close(cause);
            }
        }

        @Override
        protected void onCompleteSuccess() {
            finishWriting();
        }
    }

    /** The responder's answer for the request in {@code b} up to {@code end}, or null to let Jetty answer it. */
    private FastResponse respond(ByteBuffer b, int end) {
        String path = pathOf(b);
        FastGet responder = router.fastFor(path);
        if (responder == null) {
            return null;
        }
        SocketAddress sa = getEndPoint().getRemoteSocketAddress();
        InetSocketAddress remote = sa instanceof InetSocketAddress isa ? isa : null;
        FastResponse r;
        try {
            r = responder.get(path, remote);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "fast GET of " + path + " failed; Jetty answers it", e);
            return null;
        }
        if (r == null) {
            return null;
        }
        Admission refused = router.fastAdmission(remote);
        if (refused != null) {
            if (r.done() != null) {
                r.done().run();
            }
            return tooMany(refused);
        }
        return r;
    }

    /** {@link Head#path}, the same string as last time when the bytes are the same (no garbage per poll). */
    private String pathOf(ByteBuffer b) {
        int from = Head.pathStart(b);
        int to = Head.pathEnd(b);
        byte[] last = lastPathBytes;
        if (last != null && last.length == to - from) {
            int i = 0;
            while (i < last.length && last[i] == b.get(from + i)) {
                i++;
            }
            if (i == last.length) {
                return lastPath;
            }
        }
        byte[] bytes = new byte[to - from];
        b.get(from, bytes);
        lastPathBytes = bytes;
        lastPath = new String(bytes, StandardCharsets.ISO_8859_1);
        return lastPath;
    }

    private static FastResponse tooMany(Admission a) {
        byte[] body = Router.tooManyText(a.reason()).getBytes(StandardCharsets.UTF_8);
        ByteBuffer head = FastResponse.head(429, "Too Many Requests", "Retry-After",
                String.valueOf(Math.max(1, a.retryAfterSeconds())), "Content-Type", "text/plain; charset=utf-8",
                "Cache-Control", "no-store", "Content-Length", String.valueOf(body.length));
        return new FastResponse(head, ByteBuffer.wrap(body), null);
    }

    /** Hands the socket and the unparsed bytes to a new Jetty {@code HttpConnection}. */
    private void toJetty() {
        EndPoint ep = getEndPoint();
        Connection next = http.newConnection(connector, ep);
        upgraded = true;
        ep.upgrade(next); // takes our bytes (onUpgradeFrom), closes us, opens it: it parses them at once
        releaseBuffer();
    }

    /**
     * The request head parser: finds a whole head in a buffer and says whether it is one this path takes. Made for
     * speed on the requests it takes and for handing everything else to Jetty untouched; it never answers an error.
     */
    static final class Head {
        /** Not a whole head yet. */
        static final int MORE = -1;
        /** Not a request this path takes. */
        static final int JETTY = -2;

        private static final byte[] GET = "GET /".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] VERSION = " HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);

        private Head() {
        }

        /**
         * The position after the head of the request at {@code b}'s position ({@link #MORE} while incomplete,
         * {@link #JETTY} if Jetty should have it): {@code GET /path HTTP/1.1}, one {@code Host}, and no header that
         * asks for more than the bytes of a name (body, range, conditions, upgrade, expect, connection close).
         */
        static int parse(ByteBuffer b) {
            int p = b.position();
            int lim = b.limit();
            for (int i = 0; i < GET.length; i++) {
                if (p + i >= lim) {
                    return MORE;
                }
                if (b.get(p + i) != GET[i]) {
                    return JETTY;
                }
            }
            int i = p + GET.length - 1; // the '/'
            int prev = 0;
            // the path: unreserved characters and '/', no empty, "." or ".." segment
            while (true) {
                if (i >= lim) {
                    return MORE;
                }
                int c = b.get(i) & 0xff;
                if (c == ' ') {
                    break;
                }
                if (!unreservedOrSlash(c)) {
                    return JETTY;
                }
                if (c == '/' && prev == '/') {
                    return JETTY;
                }
                if (c == '.' && prev == '/') {
                    return JETTY; // a dot segment, or a hidden name: not ours
                }
                prev = c;
                i++;
                if (i - p > 2048) {
                    return JETTY;
                }
            }
            for (int k = 0; k < VERSION.length; k++) {
                if (i + k >= lim) {
                    return MORE;
                }
                if (b.get(i + k) != VERSION[k]) {
                    return JETTY;
                }
            }
            i += VERSION.length;
            int hosts = 0;
            // header lines: name ":" value CRLF, up to an empty line
            while (true) {
                if (i + 1 >= lim) {
                    return MORE;
                }
                if (b.get(i) == '\r') {
                    if (b.get(i + 1) != '\n') {
                        return JETTY;
                    }
                    return hosts == 1 ? i + 2 : JETTY;
                }
                int nameStart = i;
                while (true) {
                    if (i >= lim) {
                        return MORE;
                    }
                    int c = b.get(i) & 0xff;
                    if (c == ':') {
                        break;
                    }
                    if (!tchar(c)) {
                        return JETTY; // also a folded line (SP/HT first), a bare LF, a colon-less line
                    }
                    i++;
                }
                int nameEnd = i;
                if (nameEnd == nameStart) {
                    return JETTY;
                }
                i++;
                int valueStart = i;
                while (true) {
                    if (i >= lim) {
                        return MORE;
                    }
                    int c = b.get(i) & 0xff;
                    if (c == '\r') {
                        break;
                    }
                    if ((c < 0x20 && c != '\t') || c == 0x7f) {
                        return JETTY; // includes a bare LF
                    }
                    i++;
                }
                if (i + 1 >= lim) {
                    return MORE;
                }
                if (b.get(i + 1) != '\n') {
                    return JETTY;
                }
                switch (field(b, nameStart, nameEnd, valueStart, i)) {
                    case HOST -> hosts++;
                    case REFUSE -> {
                        return JETTY;
                    }
                    default -> {
                    }
                }
                i += 2;
            }
        }

        private static final int OTHER = 0;
        private static final int HOST = 1;
        private static final int REFUSE = 2;

        /** What a header field means here: {@code Host}, one that Jetty must see, or one that changes nothing. */
        private static int field(ByteBuffer b, int from, int to, int valueFrom, int valueTo) {
            int len = to - from;
            int first = b.get(from) | 0x20;
            switch (first) {
                case 'h':
                    if (is(b, from, len, "host")) {
                        return validHost(b, valueFrom, valueTo) ? HOST : REFUSE;
                    }
                    return OTHER;
                case 'c':
                    if (is(b, from, len, "content-length")) {
                        return REFUSE;
                    }
                    if (is(b, from, len, "connection")) {
                        // keep-alive (or nothing) is ours; close, upgrade, or anything else Jetty's
                        return onlyKeepAlive(b, valueFrom, valueTo) ? OTHER : REFUSE;
                    }
                    return OTHER;
                case 't':
                    return is(b, from, len, "transfer-encoding") || is(b, from, len, "te") ? REFUSE : OTHER;
                case 'r':
                    return is(b, from, len, "range") ? REFUSE : OTHER;
                case 'i':
                    return len > 3 && is(b, from, 3, "if-") ? REFUSE : OTHER;
                case 'u':
                    return is(b, from, len, "upgrade") ? REFUSE : OTHER;
                case 'e':
                    return is(b, from, len, "expect") ? REFUSE : OTHER;
                case 'a':
                    return is(b, from, len, "authorization") ? REFUSE : OTHER;
                default:
                    return OTHER;
            }
        }

        private static boolean is(ByteBuffer b, int from, int len, String lower) {
            if (len != lower.length()) {
                return false;
            }
            for (int k = 0; k < len; k++) {
                int c = b.get(from + k);
                if (c >= 'A' && c <= 'Z') {
                    c |= 0x20;
                }
                if (c != lower.charAt(k)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * A {@code Host} value this path takes: a name or IPv4 address of letters, digits, dots and dashes that starts
         * and ends with a letter or digit, then an optional port 1..65535, between optional blanks. Anything else
         * (an IPv6 literal too) is Jetty's to judge.
         * Anything else (which Jetty may refuse) is Jetty's.
         */
        static boolean validHost(ByteBuffer b, int from, int to) {
            int s = from;
            int e = to;
            while (s < e && (b.get(s) == ' ' || b.get(s) == '\t')) {
                s++;
            }
            while (e > s && (b.get(e - 1) == ' ' || b.get(e - 1) == '\t')) {
                e--;
            }
            if (s == e) {
                return false;
            }
            int i = s;
            int start = i;
            while (i < e && b.get(i) != ':') {
                int c = b.get(i);
                if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
                        || c == '-')) {
                    return false;
                }
                i++;
            }
            if (i == start || i - start > 253 || !alnum(b.get(start)) || !alnum(b.get(i - 1))) {
                return false;
            }
            if (i == e) {
                return true;
            }
            if (b.get(i) != ':' || e - i - 1 < 1 || e - i - 1 > 5) {
                return false;
            }
            int port = 0;
            for (int k = i + 1; k < e; k++) {
                int c = b.get(k);
                if (c < '0' || c > '9') {
                    return false;
                }
                port = port * 10 + (c - '0');
            }
            return port >= 1 && port <= 65535;
        }

        private static boolean alnum(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        }

        private static boolean onlyKeepAlive(ByteBuffer b, int from, int to) {
            int s = from;
            int e = to;
            while (s < e && (b.get(s) == ' ' || b.get(s) == '\t')) {
                s++;
            }
            while (e > s && (b.get(e - 1) == ' ' || b.get(e - 1) == '\t')) {
                e--;
            }
            return e == s || is(b, s, e - s, "keep-alive");
        }

        /** Where the path of the (already parsed) request at {@code b}'s position starts: after {@code "GET "}. */
        static int pathStart(ByteBuffer b) {
            return b.position() + 4;
        }

        /** Where that path ends: the space before the version. */
        static int pathEnd(ByteBuffer b) {
            int to = pathStart(b);
            while (b.get(to) != ' ') {
                to++;
            }
            return to;
        }

        /** The path of the (already parsed) request at {@code b}'s position. */
        static String path(ByteBuffer b) {
            int from = pathStart(b);
            byte[] bytes = new byte[pathEnd(b) - from];
            b.get(from, bytes);
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }

        /** RFC 3986 unreserved (ALPHA DIGIT - . _ ~) or '/'. */
        static boolean unreservedOrSlash(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.' || c == '_' || c == '~' || c == '/';
        }

        /** RFC 9110 tchar. */
        static boolean tchar(int c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '!'
                    || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' || c == '+' || c == '-'
                    || c == '.' || c == '^' || c == '_' || c == '`' || c == '|' || c == '~';
        }
    }

    /**
     * Jetty's {@code Date} field (the server's, remade once a second) as bytes, with the blank line that ends the
     * head; encoded once per field.
     */
    static final class DateLine {
        private record Line(HttpField field, ByteBuffer bytes) {
        }

        private static volatile Line current = new Line(null, ByteBuffer.allocate(0));

        private DateLine() {
        }

        static ByteBuffer next(HttpField date) {
            Line l = current;
            if (l.field != date) {
                byte[] b = (date.getName() + ": " + date.getValue() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
                l = new Line(date, ByteBuffer.allocateDirect(b.length).put(b).flip().asReadOnlyBuffer());
                current = l;
            }
            return l.bytes.duplicate();
        }
    }
}
