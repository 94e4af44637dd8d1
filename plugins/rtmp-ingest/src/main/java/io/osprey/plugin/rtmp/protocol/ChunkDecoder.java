package io.osprey.plugin.rtmp.protocol;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reassembles RTMP messages from the chunk stream (5.3), whatever way TCP splits it.
 *
 * <p>A resumable state machine in the shape of Jetty's {@code HeaderParser}: when a whole chunk header is in the input
 * it is parsed in place (fast path); otherwise its bytes are collected one at a time until it is complete. Payload
 * bytes go straight into a per-chunk-stream buffer that grows with what has actually arrived (never to a declared
 * size) and is handed to the {@link Listener} when the message is complete; the decoder keeps no reference to it.
 *
 * <p>Set Chunk Size (5.4.1) and Abort (5.4.2) are applied by the decoder itself the moment they complete, so the bytes
 * after them in the same input are read with the new state; both are still delivered. Not thread-safe: one decoder
 * per connection, fed from that connection's fill callback. After it throws, the decoder is failed for good.
 */
public final class ChunkDecoder {

    /** Receives each complete message, in wire order. */
    public interface Listener {
        void onMessage(RtmpMessage message) throws RtmpProtocolException;
    }

    private enum State { HEADER, PAYLOAD, FAILED }

    /** 5.3.1.2: message header lengths for fmt 0, 1, 2, 3. */
    private static final int[] MESSAGE_HEADER_LENGTH = {11, 7, 3, 0};
    /** 3-byte basic header + type 0 message header + extended timestamp. */
    private static final int MAX_HEADER_LENGTH = 3 + 11 + 4;
    private static final int TIMESTAMP_EXTENDED = 0xFFFFFF;
    private static final long UINT32 = 0xFFFFFFFFL;
    private static final int DEFAULT_CHUNK_SIZE = 128;

    private final RtmpLimits limits;
    private final Listener listener;
    private final ChunkStreamTable streams = new ChunkStreamTable();
    private final byte[] headerBytes = new byte[MAX_HEADER_LENGTH];
    private final ByteBuffer headerView = ByteBuffer.wrap(headerBytes);
    private int headerFill;
    private State state = State.HEADER;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private long bytesRead;
    private long bufferedBytes;

    // The header being parsed, filled in by headerLength() and used by applyHeader().
    private int headerFmt;
    private int headerCsid;
    private int basicHeaderLength;
    private ChunkStream headerStream;

    // The chunk whose payload is being read.
    private ChunkStream current;
    private int chunkRemaining;

    private final boolean lendMedia;

    public ChunkDecoder(RtmpLimits limits, Listener listener) {
        this(limits, listener, false);
    }

    /**
     * @param lendMedia audio and video payloads are only lent to the listener: valid until {@code onMessage} returns,
     *                  then their buffer takes the next message of that chunk stream (no allocation per frame). The
     *                  listener must copy what it keeps. Other messages are always the listener's own.
     */
    public ChunkDecoder(RtmpLimits limits, Listener listener, boolean lendMedia) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.lendMedia = lendMedia;
    }

    /** Consumes all of {@code in}, delivering every message it completes. */
    public void parse(ByteBuffer in) throws RtmpProtocolException {
        if (state == State.FAILED) {
            throw new RtmpProtocolException("chunk decoder already failed on an earlier protocol error");
        }
        int start = in.position();
        try {
            process(in);
        } catch (RtmpProtocolException | RuntimeException e) {
            state = State.FAILED;
            throw e;
        } finally {
            bytesRead += in.position() - start;
        }
    }

    /** Current inbound chunk size (128 until the peer sends Set Chunk Size). */
    public int chunkSize() {
        return chunkSize;
    }

    /** Total bytes consumed so far, for acknowledgements (5.4.3). */
    public long bytesRead() {
        return bytesRead;
    }

    /** Bytes held in partial message buffers; never more than maxChunkStreams × maxMessageSize. */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** Forgets every chunk stream and partial message, as if newly constructed (bytesRead is kept). */
    public void reset() {
        streams.clear();
        bufferedBytes = 0;
        headerFill = 0;
        current = null;
        chunkRemaining = 0;
        chunkSize = DEFAULT_CHUNK_SIZE;
        state = State.HEADER;
    }

    private void process(ByteBuffer in) throws RtmpProtocolException {
        while (in.hasRemaining()) {
            if (state == State.PAYLOAD) {
                readPayload(in);
                continue;
            }
            int length = headerFill == 0 ? headerLength(in, in.position(), in.limit()) : -1;
            if (length >= 0) {
                // Fast path: the whole header is here; parse it in place.
                applyHeader(in, in.position());
                in.position(in.position() + length);
            } else {
                // Slow path: the header is split across reads; collect it one byte at a time.
                headerBytes[headerFill++] = in.get();
                length = headerLength(headerView, 0, headerFill);
                if (length < 0) {
                    continue;
                }
                applyHeader(headerView, 0);
                byte[] replay = headerFill > length ? Arrays.copyOfRange(headerBytes, length, headerFill) : null;
                headerFill = 0;
                if (replay != null) {
                    // A type-3 header had no repeated extended timestamp: the bytes peeked for it belong to the
                    // payload (and possibly the next chunk). At most 4 bytes, so this recursion stays shallow.
                    process(ByteBuffer.wrap(replay));
                }
            }
        }
    }

    /**
     * Returns the length of the chunk header at {@code p}, or -1 if {@code limit} comes first. Reads only, except that
     * it records what it decoded for {@link #applyHeader}; throws as soon as the basic header breaks a rule.
     */
    private int headerLength(ByteBuffer src, int p, int limit) throws RtmpProtocolException {
        int available = limit - p;
        if (available < 1) {
            return -1;
        }
        // 5.3.1.1 Chunk Basic Header: fmt 2 bits, cs id 6 bits; cs id 0 → 2-byte form (cs id - 64 in one byte),
        // 1 → 3-byte form (cs id - 64 in two bytes, least significant first)
        int b0 = src.get(p) & 0xFF;
        int fmt = b0 >>> 6;
        int csid = b0 & 0x3F;
        int basic = 1;
        if (csid == 0) {
            if (available < 2) {
                return -1;
            }
            csid = 64 + (src.get(p + 1) & 0xFF);
            basic = 2;
        } else if (csid == 1) {
            if (available < 3) {
                return -1;
            }
            csid = 64 + (src.get(p + 1) & 0xFF) + ((src.get(p + 2) & 0xFF) << 8);
            basic = 3;
        }
        ChunkStream stream = lookupForHeader(fmt, csid);
        headerFmt = fmt;
        headerCsid = csid;
        basicHeaderLength = basic;
        headerStream = stream;
        int length = basic + MESSAGE_HEADER_LENGTH[fmt];
        if (fmt < 3) {
            if (available < length) {
                return -1;
            }
            // 5.3.1.3 Extended Timestamp: present when the 3-byte timestamp (delta) field is 0xFFFFFF
            return get24(src, p + basic) == TIMESTAMP_EXTENDED ? (available < length + 4 ? -1 : length + 4) : length;
        }
        if (!stream.extended) {
            return length;
        }
        // 5.3.1.3 on a type-3 chunk: Flash repeats the extended timestamp, other encoders do not (HOSTILE B7).
        // It is there if the next 4 bytes equal the last extended value; decide at the first byte that differs.
        for (int i = 0; i < 4; i++) {
            if (available < length + i + 1) {
                return -1;
            }
            int expected = (int) (stream.extendedValue >>> (24 - 8 * i)) & 0xFF;
            if ((src.get(p + length + i) & 0xFF) != expected) {
                return length;
            }
        }
        return length + 4;
    }

    private ChunkStream lookupForHeader(int fmt, int csid) throws RtmpProtocolException {
        if (csid > limits.maxCsid()) {
            throw new RtmpProtocolException("chunk stream id " + csid + " exceeds the limit " + limits.maxCsid());
        }
        ChunkStream stream = streams.get(csid);
        if (stream == null) {
            // 5.3.1.2.1: type 0 MUST start a chunk stream; librtmp starts csid 2 (its pings) with type 1 (HOSTILE B3)
            if (fmt != 0 && !(fmt == 1 && csid == 2)) {
                throw new RtmpProtocolException("chunk stream " + csid + " starts with a type " + fmt
                        + " header; the first chunk of a chunk stream must be type 0");
            }
            if (streams.size() >= limits.maxChunkStreams()) {
                throw new RtmpProtocolException("more than " + limits.maxChunkStreams() + " chunk streams");
            }
        }
        return stream;
    }

    private void applyHeader(ByteBuffer src, int p) throws RtmpProtocolException {
        ChunkStream cs = headerStream;
        if (cs == null) {
            cs = streams.create(headerCsid);
        }
        int q = p + basicHeaderLength;
        boolean first = !cs.inMessage;
        if (headerFmt == 3) {
            // 5.3.1.2.4 Type 3: no message header; a new message takes the previous delta
            if (first) {
                cs.timestamp = (cs.timestamp + cs.delta) & UINT32;
            }
        } else {
            // 5.3.1.2.1-3: timestamp (type 0) or timestamp delta (types 1, 2), 3 bytes big-endian
            long time = get24(src, q);
            boolean extended = time == TIMESTAMP_EXTENDED;
            int length = cs.length;
            int type = cs.type;
            int streamId = cs.streamId;
            if (headerFmt <= 1) {
                // types 0, 1: message length 3 bytes, message type id 1 byte
                length = get24(src, q + 3);
                type = src.get(q + 6) & 0xFF;
            }
            if (headerFmt == 0) {
                // type 0: message stream id 4 bytes, little-endian
                streamId = Integer.reverseBytes(src.getInt(q + 7));
            }
            if (extended) {
                // 5.3.1.3 Extended Timestamp: 4 bytes, the whole timestamp (or delta)
                time = src.getInt(q + MESSAGE_HEADER_LENGTH[headerFmt]) & UINT32;
            }
            cs.extended = extended;
            cs.extendedValue = extended ? time : 0;
            if (first) {
                if (length > limits.maxMessageSize()) {
                    throw new RtmpProtocolException("message of " + length + " bytes on chunk stream " + cs.csid
                            + " exceeds the limit of " + limits.maxMessageSize());
                }
                cs.timestamp = headerFmt == 0 ? time : (cs.timestamp + time) & UINT32;
                cs.delta = time;
                cs.length = length;
                cs.type = type;
                cs.streamId = streamId;
            } else if (length != cs.length || type != cs.type || streamId != cs.streamId) {
                // HOSTILE B6 (CVE-2016-10191 class): never continue a message under a different length or type
                throw new RtmpProtocolException("message on chunk stream " + cs.csid + " changed length, type or "
                        + "stream id between its chunks (" + cs.length + " → " + length + " bytes)");
            }
        }
        cs.inMessage = true;
        current = cs;
        chunkRemaining = Math.min(chunkSize, cs.length - cs.filled);
        state = State.PAYLOAD;
        if (chunkRemaining == 0) {
            finishChunk();
        }
    }

    private void readPayload(ByteBuffer in) throws RtmpProtocolException {
        int n = Math.min(chunkRemaining, in.remaining());
        bufferedBytes += current.append(in, n);
        chunkRemaining -= n;
        if (chunkRemaining == 0) {
            finishChunk();
        }
    }

    private void finishChunk() throws RtmpProtocolException {
        state = State.HEADER;
        ChunkStream cs = current;
        current = null;
        if (cs.filled < cs.length) {
            return;
        }
        bufferedBytes -= cs.capacity();
        ByteBuffer payload = cs.takePayload(lendMedia && (cs.type == MessageType.AUDIO || cs.type == MessageType.VIDEO));
        RtmpMessage message = new RtmpMessage(cs.csid, cs.type, cs.timestamp, cs.streamId, payload);
        if (cs.type == MessageType.SET_CHUNK_SIZE) {
            chunkSize = ProtocolControl.checkChunkSize(message, limits);
        } else if (cs.type == MessageType.ABORT) {
            abort(ProtocolControl.readUInt32(message));
        }
        listener.onMessage(message);
    }

    private void abort(long csid) {
        // 5.4.2 Abort Message: discard the partially received message on that chunk stream (HOSTILE B9)
        ChunkStream cs = csid <= RtmpLimits.MAX_CSID ? streams.get((int) csid) : null;
        if (cs != null) {
            bufferedBytes -= cs.capacity();
            cs.discard();
        }
    }

    private static int get24(ByteBuffer src, int p) {
        return (src.get(p) & 0xFF) << 16 | (src.get(p + 1) & 0xFF) << 8 | (src.get(p + 2) & 0xFF);
    }
}
