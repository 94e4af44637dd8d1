package io.osprey.bench.rtmp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The client's RTMP chunk decoder (RTMP 1.0 section 5.3), resumable over any split of the input. Audio and video
 * payloads are not copied (a viewer only needs their size and timestamp); all other messages (commands, data,
 * control) are gathered and delivered whole. Handles all four header types, the 1-, 2- and 3-byte basic headers,
 * extended timestamps (also repeated in type-3 chunks) and interleaved chunk streams.
 */
public final class ChunkReader {

    /** Receives whole messages. {@code payload} is null for audio and video (skipped). */
    public interface Listener {
        void onMessage(int type, long timestamp, int streamId, int length, ByteBuffer payload) throws IOException;
    }

    public static final int MAX_GATHERED = 1 << 20;

    private static final class Stream {
        long timestamp;
        long delta;
        int length;
        int type;
        int streamId;
        int remaining;
        boolean extended;
        ByteBuffer gather;
    }

    private enum State { BASIC, BASIC_EXTRA, HEADER, EXTENDED, PAYLOAD }

    private final Listener listener;
    private final Map<Integer, Stream> streams = new HashMap<>();
    private final byte[] scratch = new byte[16];
    private int have;
    private State state = State.BASIC;
    private int fmt;
    private int csid;
    private Stream current;
    private int chunkLeft;
    private int chunkSize = 128;

    public ChunkReader(Listener listener) {
        this.listener = listener;
    }

    /** The peer's chunk size, from its Set Chunk Size message. */
    public void chunkSize(int size) throws IOException {
        if (size < 1 || size > 16 << 20) {
            throw new IOException("unreasonable chunk size " + size);
        }
        chunkSize = size;
    }

    public void feed(ByteBuffer in) throws IOException {
        while (in.hasRemaining()) {
            switch (state) {
                case BASIC -> {
                    int b = in.get() & 0xFF;
                    fmt = b >>> 6;
                    csid = b & 0x3F;
                    if (csid < 2) {
                        state = State.BASIC_EXTRA;
                    } else {
                        startHeader();
                    }
                }
                case BASIC_EXTRA -> {
                    int need = csid == 0 ? 1 : 2;
                    if (gather(in, need)) {
                        csid = 64 + (scratch[0] & 0xFF) + (need == 2 ? (scratch[1] & 0xFF) << 8 : 0);
                        startHeader();
                    }
                }
                case HEADER -> {
                    if (gather(in, headerLength())) {
                        applyHeader();
                    }
                }
                case EXTENDED -> {
                    if (gather(in, 4)) {
                        long ext = (scratch[0] & 0xFFL) << 24 | (scratch[1] & 0xFFL) << 16
                                | (scratch[2] & 0xFFL) << 8 | scratch[3] & 0xFFL;
                        if (fmt == 0) {
                            current.timestamp = ext;
                        } else if (fmt <= 2) {
                            current.delta = ext;
                            current.timestamp += ext;
                        } // type 3: the field repeats what the message's first chunk said
                        startPayload();
                    }
                }
                case PAYLOAD -> payload(in);
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private int headerLength() {
        return switch (fmt) {
            case 0 -> 11;
            case 1 -> 7;
            case 2 -> 3;
            default -> 0;
        };
    }

    private void startHeader() throws IOException {
        current = streams.get(csid);
        if (current == null) {
            if (fmt != 0) {
                throw new IOException("chunk stream " + csid + " starts with a type " + fmt + " header");
            }
            if (streams.size() >= 64) {
                throw new IOException("too many chunk streams");
            }
            current = new Stream();
            streams.put(csid, current);
        }
        if (fmt == 3) {
            applyHeader();
        } else {
            state = State.HEADER;
        }
    }

    private void applyHeader() throws IOException {
        Stream s = current;
        boolean newMessage = s.remaining == 0;
        if (!newMessage && fmt != 3) {
            throw new IOException("chunk stream " + csid + ": new header in the middle of a message");
        }
        long field = 0;
        if (fmt <= 2) {
            field = u24(0);
        }
        if (fmt <= 1) {
            int length = (int) u24(3);
            if (length > 16 << 20) {
                throw new IOException("message of " + length + " bytes");
            }
            s.length = length;
            s.type = scratch[6] & 0xFF;
        }
        if (fmt == 0) {
            s.streamId = (scratch[7] & 0xFF) | (scratch[8] & 0xFF) << 8 | (scratch[9] & 0xFF) << 16
                    | (scratch[10] & 0xFF) << 24;
        }
        if (fmt <= 2) {
            s.extended = field == 0xFFFFFF;
            if (!s.extended) {
                if (fmt == 0) {
                    s.timestamp = field;
                } else {
                    s.delta = field;
                    s.timestamp += field;
                }
            }
        } else if (newMessage) {
            s.timestamp += s.delta; // type 3 starting a message: same header as before, same delta
        }
        if (newMessage) {
            s.remaining = s.length;
            boolean media = s.type == 8 || s.type == 9;
            if (!media && s.length > MAX_GATHERED) {
                throw new IOException("message of type " + s.type + " too large: " + s.length);
            }
            s.gather = media ? null : ByteBuffer.allocate(s.length);
        }
        if (s.extended) {
            state = State.EXTENDED;
        } else {
            startPayload();
        }
    }

    private void startPayload() throws IOException {
        Stream s = current;
        chunkLeft = Math.min(chunkSize, s.remaining);
        if (chunkLeft == 0) {
            deliver(s);
            state = State.BASIC;
        } else {
            state = State.PAYLOAD;
        }
    }

    private void payload(ByteBuffer in) throws IOException {
        Stream s = current;
        int n = Math.min(chunkLeft, in.remaining());
        if (s.gather != null) {
            s.gather.put(in.slice(in.position(), n));
        }
        in.position(in.position() + n);
        chunkLeft -= n;
        s.remaining -= n;
        if (chunkLeft == 0) {
            state = State.BASIC;
            if (s.remaining == 0) {
                deliver(s);
            }
        }
    }

    private void deliver(Stream s) throws IOException {
        ByteBuffer p = s.gather == null ? null : s.gather.flip();
        s.gather = null;
        listener.onMessage(s.type, s.timestamp, s.streamId, s.length, p);
    }

    private boolean gather(ByteBuffer in, int n) {
        int k = Math.min(n - have, in.remaining());
        in.get(scratch, have, k);
        have += k;
        if (have < n) {
            return false;
        }
        have = 0;
        return true;
    }

    private long u24(int at) {
        return (scratch[at] & 0xFFL) << 16 | (scratch[at + 1] & 0xFFL) << 8 | scratch[at + 2] & 0xFFL;
    }
}
