package io.osprey.bench.viewer;

import io.osprey.bench.flv.FlvScanner;
import io.osprey.bench.net.Conn;
import io.osprey.bench.net.Handler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * An HTTP-FLV viewer: a raw HTTP/1.1 GET, the response head, then the body (chunked or not) into a
 * {@link FlvScanner}. Anything but a 200 ends it with the status as the reason.
 */
public final class HttpFlvViewer implements Handler, FlvScanner.Listener {

    private static final int MAX_HEAD = 16 * 1024;

    private final String host;
    private final String path;
    private final ViewerStats stats;
    private final FlvScanner flv = new FlvScanner(this);
    private ResponseHead head = new ResponseHead(MAX_HEAD);
    private final Chunked chunked = new Chunked();
    private boolean body;
    private boolean isChunked;

    public HttpFlvViewer(String host, int port, String path, ViewerStats stats) {
        this.host = host + ":" + port;
        this.path = path;
        this.stats = stats;
    }

    @Override
    public void onConnected(Conn c) {
        String req = "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: osprey-bench\r\nAccept: */*\r\n"
                + "Connection: keep-alive\r\n\r\n";
        c.send(ByteBuffer.wrap(req.getBytes(StandardCharsets.US_ASCII)));
    }

    @Override
    public void onData(Conn c, ByteBuffer in) throws IOException {
        if (!body) {
            if (!head.feed(in)) {
                return;
            }
            if (head.status() != 200) {
                c.close("HTTP " + head.status());
                return;
            }
            isChunked = head.header("transfer-encoding").toLowerCase().contains("chunked");
            head = null;
            body = true;
        }
        if (isChunked) {
            chunked.feed(in, flv);
        } else {
            flv.feed(in);
        }
    }

    @Override
    public void onClosed(Conn c, String reason) {
        stats.closed(reason);
    }

    @Override
    public void onTag(int type, long timestamp, int size) {
        stats.tag();
    }

    @Override
    public void onScript(long timestamp, ByteBuffer body) {
        stats.script(body);
    }

    /** HTTP/1.1 chunked transfer coding (RFC 9112 7.1), resumable; chunk data goes to the FLV scanner. */
    static final class Chunked {
        private enum State { SIZE, DATA, DATA_CRLF, DONE }

        private State state = State.SIZE;
        private long left;
        private long size;
        private boolean sawDigit;
        private boolean inExtension;
        private int lineLength;

        void feed(ByteBuffer in, FlvScanner out) throws IOException {
            while (in.hasRemaining()) {
                switch (state) {
                    case SIZE -> {
                        byte b = in.get();
                        if (++lineLength > 1024) {
                            throw new IOException("chunk size line too long");
                        }
                        if (b == '\n') {
                            if (!sawDigit) {
                                throw new IOException("chunk size line without a size");
                            }
                            left = size;
                            size = 0;
                            sawDigit = false;
                            inExtension = false;
                            lineLength = 0;
                            state = left == 0 ? State.DONE : State.DATA;
                        } else if (b == ';' || b == ' ' || b == '\t') {
                            inExtension = true;
                        } else if (b != '\r' && !inExtension) {
                            int d = Character.digit(b, 16);
                            if (d < 0 || size > 0xFFFFFFFL) {
                                throw new IOException("bad chunk size");
                            }
                            size = size * 16 + d;
                            sawDigit = true;
                        }
                    }
                    case DATA -> {
                        int n = (int) Math.min(left, in.remaining());
                        ByteBuffer part = in.slice(in.position(), n);
                        in.position(in.position() + n);
                        left -= n;
                        out.feed(part);
                        if (left == 0) {
                            state = State.DATA_CRLF;
                        }
                    }
                    case DATA_CRLF -> {
                        byte b = in.get();
                        if (b == '\n') {
                            state = State.SIZE;
                        } else if (b != '\r') {
                            throw new IOException("chunk data not followed by CRLF");
                        }
                    }
                    case DONE -> in.position(in.limit());
                    default -> throw new IllegalStateException();
                }
            }
        }
    }
}
