package io.osprey.distribution;

import io.osprey.testkit.BoundHttp;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An HTTP-FLV viewer from a chosen loopback address: reads the FLV header and tags (FLV spec 1.0 annex E: 9-byte
 * header, then PreviousTagSize + 11-byte tag header + data) on its own thread, counting bytes and keeping the
 * newest media timestamp, so a test can tell it is still playing and at what rate.
 */
final class FlvViewerClient implements AutoCloseable {

    private final BoundHttp.Streaming response;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong lastTimestampMs = new AtomicLong(-1);
    private volatile Throwable error;
    private final Thread reader;

    private FlvViewerClient(BoundHttp.Streaming response) {
        this.response = response;
        this.reader = new Thread(this::read, "flv-viewer");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the viewer; returns null (and closes) when the server answers anything but 200. */
    static FlvViewerClient open(String from, int port, String path, int[] status) throws IOException {
        BoundHttp.Streaming r = BoundHttp.open(from, port, path);
        status[0] = r.status();
        if (r.status() != 200) {
            r.close();
            return null;
        }
        return new FlvViewerClient(r);
    }

    private void read() {
        try {
            response.socket().setSoTimeout(0);
            InputStream raw = new java.io.BufferedInputStream(response.body(), 65536);
            if ("chunked".equalsIgnoreCase(response.headers().get("transfer-encoding"))) {
                raw = new Dechunk(raw);
            }
            DataInputStream in = new DataInputStream(raw);
            in.readFully(new byte[9 + 4]);
            bytes.addAndGet(13);
            byte[] h = new byte[11];
            while (true) {
                in.readFully(h);
                int size = (h[1] & 0xff) << 16 | (h[2] & 0xff) << 8 | (h[3] & 0xff);
                long ts = ((h[7] & 0xffL) << 24) | (h[4] & 0xffL) << 16 | (h[5] & 0xffL) << 8 | (h[6] & 0xffL);
                in.skipNBytes(size + 4L);
                bytes.addAndGet(11 + size + 4L);
                if (h[0] == 8 || h[0] == 9) {
                    lastTimestampMs.set(ts);
                }
            }
        } catch (Throwable t) {
            error = t;
        }
    }

    /** The body of a chunked response (RFC 9112 7.1): chunk-size CRLF data CRLF ..., 0 CRLF at the end. */
    private static final class Dechunk extends InputStream {
        private final InputStream in;
        private long left;

        Dechunk(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] b = new byte[1];
            return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                String size = line();
                if (size.isEmpty()) {
                    size = line(); // the CRLF after the previous chunk's data
                }
                left = Long.parseLong(size.split(";")[0].trim(), 16);
                if (left == 0) {
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("end of stream in a chunk header");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }
    }

    long bytes() {
        return bytes.get();
    }

    /** The newest audio/video timestamp read, ms (-1 before the first). */
    long timestampMs() {
        return lastTimestampMs.get();
    }

    boolean alive() {
        return reader.isAlive();
    }

    Throwable error() {
        return error;
    }

    @Override
    public void close() throws IOException {
        response.close();
    }
}
