package io.osprey.plugin.httpflv;

import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A raw HTTP/1.1 FLV viewer on a plain socket: decodes the chunked body itself (so a clean end, the last chunk,
 * is told apart from a dropped connection), parses the FLV, and records when the first bytes and the first video
 * tag arrived. It can read slowly ({@code bytesPerSecond}) or stop reading, to play a slow viewer.
 */
final class FlvClient implements AutoCloseable {

    final long connectNanos;
    volatile long firstByteNanos;
    volatile long firstVideoNanos;
    volatile Boolean firstVideoKey;
    volatile int status;
    volatile String headers = "";
    volatile long bytes;
    volatile int videoTags;
    volatile int audioTags;
    volatile boolean cleanEnd;
    volatile boolean ended;
    volatile String failure;
    volatile boolean paused;
    volatile long bytesPerSecond;
    private final Socket socket;
    private final Thread thread;

    FlvClient(int port, String path, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        connectNanos = System.nanoTime();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://player.example\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII));
        thread = new Thread(this::run, "flv-client");
        thread.setDaemon(true);
        thread.start();
    }

    FlvClient(int port, String path) throws IOException {
        this(port, path, 0);
    }

    private void run() {
        FlvReader reader = new FlvReader(0xFFFFFF, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) {
                if (tag.type() == FlvTag.VIDEO) {
                    if (firstVideoNanos == 0) {
                        firstVideoNanos = System.nanoTime();
                        // E.4.3.1 FrameType UB[4]: 1 = key frame (also for Enhanced RTMP, under the IsExHeader bit)
                        firstVideoKey = ((tag.body().get(0) >> 4) & 0x07) == 1;
                    }
                    videoTags++;
                } else if (tag.type() == FlvTag.AUDIO) {
                    audioTags++;
                }
            }
        });
        try {
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            headers = head;
            status = Integer.parseInt(head.substring(9, 12));
            if (status != 200) {
                ended = true;
                return;
            }
            boolean chunked = head.toLowerCase().contains("transfer-encoding: chunked");
            byte[] buf = new byte[16384];
            long windowStart = System.nanoTime();
            long windowBytes = 0;
            while (true) {
                while (paused) {
                    Thread.sleep(20);
                }
                int size;
                if (chunked) {
                    String line = readLine(in);
                    if (line.isEmpty()) {
                        line = readLine(in);
                    }
                    size = Integer.parseInt(line.trim(), 16);
                    if (size == 0) {
                        cleanEnd = true;
                        break;
                    }
                } else {
                    size = Integer.MAX_VALUE;
                }
                while (size > 0) {
                    int want = Math.min(size, buf.length);
                    if (bytesPerSecond > 0) {
                        want = (int) Math.min(want, Math.max(1, bytesPerSecond / 20));
                        long allowed = (System.nanoTime() - windowStart) * bytesPerSecond / 1_000_000_000L;
                        if (windowBytes > allowed) {
                            Thread.sleep(50);
                            continue;
                        }
                    }
                    while (paused) {
                        Thread.sleep(20);
                    }
                    int n = in.read(buf, 0, want);
                    if (n < 0) {
                        ended = true;
                        return;
                    }
                    if (firstByteNanos == 0) {
                        firstByteNanos = System.nanoTime();
                    }
                    windowBytes += n;
                    bytes += n;
                    size -= n;
                    reader.feed(ByteBuffer.wrap(buf, 0, n));
                }
            }
        } catch (Exception e) {
            failure = e.toString();
        } finally {
            ended = true;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int last4 = 0;
        while (last4 != 0x0D0A0D0A) {
            int b = in.read();
            if (b < 0 || out.size() > 16384) {
                throw new IOException("bad response head");
            }
            out.write(b);
            last4 = last4 << 8 | b;
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 64) {
                throw new IOException("chunk line too long");
            }
        }
        if (c < 0) {
            throw new IOException("EOF in a chunk header");
        }
        return b.toString();
    }

    /** Milliseconds from connect to the first video tag, or -1. */
    double firstVideoMillis() {
        long v = firstVideoNanos;
        return v == 0 ? -1 : (v - connectNanos) / 1e6;
    }

    /** What a whole FLV byte stream holds. */
    static final class Parsed {
        boolean header;
        Boolean firstVideoKey;
        int videoTags;
        int audioTags;
        String error;
    }

    /** Parses {@code flv} (a prefix of an FLV stream; a partial last tag is ignored). */
    static Parsed parse(byte[] flv) {
        Parsed p = new Parsed();
        p.header = flv.length >= 3 && flv[0] == 'F' && flv[1] == 'L' && flv[2] == 'V';
        FlvReader reader = new FlvReader(0xFFFFFF, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) {
                if (tag.type() == FlvTag.VIDEO) {
                    if (p.firstVideoKey == null) {
                        p.firstVideoKey = ((tag.body().get(0) >> 4) & 0x07) == 1;
                    }
                    p.videoTags++;
                } else if (tag.type() == FlvTag.AUDIO) {
                    p.audioTags++;
                }
            }
        });
        try {
            reader.feed(ByteBuffer.wrap(flv));
        } catch (Exception e) {
            p.error = e.toString();
        }
        return p;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
