package io.osprey.bench.flv;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A viewer's FLV parser that copies nothing it does not need: audio and video bodies are skipped as they arrive
 * (only their size and timestamp are reported), script bodies (small: metadata and latency probes) are gathered and
 * handed over whole. Resumable: feed it any piece of the stream. Not thread-safe.
 */
public final class FlvScanner {

    /** Receives the tags; called on the feeding thread. */
    public interface Listener {

        /** A tag's header has been read: its type, timestamp and body size. */
        void onTag(int type, long timestamp, int size);

        /** A whole script-data body (at most {@link #MAX_SCRIPT} bytes; larger ones are skipped). */
        void onScript(long timestamp, ByteBuffer body);
    }

    public static final int MAX_SCRIPT = 64 * 1024;
    private static final int SCRIPT = 18;

    private enum State { HEADER, SKIP, PREVIOUS_TAG_SIZE, TAG_HEADER, BODY }

    private final Listener listener;
    private final byte[] scratch = new byte[11];
    private int have;
    private State state = State.HEADER;
    private long skip;
    private long timestamp;
    private ByteBuffer script;
    private long tags;

    public FlvScanner(Listener listener) {
        this.listener = listener;
    }

    /** Complete tags seen so far. */
    public long tags() {
        return tags;
    }

    public void feed(ByteBuffer in) throws IOException {
        while (in.hasRemaining()) {
            switch (state) {
                case HEADER -> {
                    if (gather(in, 9)) {
                        if (scratch[0] != 'F' || scratch[1] != 'L' || scratch[2] != 'V') {
                            throw new IOException("not FLV: bad signature");
                        }
                        long offset = u32(scratch, 5);
                        if (offset < 9 || offset > 1024) {
                            throw new IOException("not FLV: data offset " + offset);
                        }
                        skip = offset - 9;
                        state = State.SKIP;
                    }
                }
                case SKIP -> {
                    int n = (int) Math.min(skip, in.remaining());
                    in.position(in.position() + n);
                    skip -= n;
                    if (skip == 0) {
                        state = State.PREVIOUS_TAG_SIZE;
                    }
                }
                case PREVIOUS_TAG_SIZE -> {
                    if (gather(in, 4)) {
                        state = State.TAG_HEADER;
                    }
                }
                case TAG_HEADER -> {
                    if (gather(in, 11)) {
                        int type = scratch[0] & 0x1F;
                        int size = (int) u24(scratch, 1);
                        timestamp = u24(scratch, 4) | (long) (scratch[7] & 0xFF) << 24;
                        listener.onTag(type, timestamp, size);
                        tags++;
                        if (type == SCRIPT && size <= MAX_SCRIPT) {
                            script = ByteBuffer.allocate(size);
                            state = size == 0 ? finishScript() : State.BODY;
                        } else {
                            skip = size;
                            state = size == 0 ? State.PREVIOUS_TAG_SIZE : State.SKIP;
                        }
                    }
                }
                case BODY -> {
                    int n = Math.min(script.remaining(), in.remaining());
                    script.put(in.slice(in.position(), n));
                    in.position(in.position() + n);
                    if (!script.hasRemaining()) {
                        state = finishScript();
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
    }

    private State finishScript() {
        ByteBuffer body = script.flip();
        script = null;
        listener.onScript(timestamp, body);
        return State.PREVIOUS_TAG_SIZE;
    }

    /** Gathers {@code n} header bytes into the scratch array; true once all are there. */
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

    private static long u24(byte[] b, int at) {
        return (b[at] & 0xFFL) << 16 | (b[at + 1] & 0xFFL) << 8 | b[at + 2] & 0xFFL;
    }

    private static long u32(byte[] b, int at) {
        return u24(b, at) << 8 | b[at + 3] & 0xFFL;
    }
}
