package io.osprey.media.flv;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts between the Opus ID header that E-RTMP carries in SequenceStart (RFC 7845 5.1 "OpusHead", little-endian)
 * and the {@code dOps} box body the bus uses (Opus in ISOBMFF 4.3.2, big-endian); the fields are the same.
 */
final class OpusHeader {

    private static final byte[] MAGIC = {'O', 'p', 'u', 's', 'H', 'e', 'a', 'd'};
    /** RFC 7845 5.1: magic 8, version 1, channel count 1, pre-skip 2, input rate 4, output gain 2, family 1. */
    private static final int HEAD_SIZE = 19;
    /** dOps: Version 1, OutputChannelCount 1, PreSkip 2, InputSampleRate 4, OutputGain 2, ChannelMappingFamily 1. */
    private static final int DOPS_SIZE = 11;

    private OpusHeader() {
    }

    /** OpusHead to dOps; an empty header stays empty ("default to mono/stereo mode"). */
    static ByteBuffer toDops(ByteBuffer head) throws FlvFormatException {
        if (!head.hasRemaining()) {
            return ByteBuffer.allocate(0);
        }
        ByteBuffer h = head.slice().order(ByteOrder.LITTLE_ENDIAN);
        if (h.remaining() < HEAD_SIZE || !h.slice(0, MAGIC.length).equals(ByteBuffer.wrap(MAGIC))) {
            throw new FlvFormatException("Opus sequence start is not an RFC 7845 OpusHead");
        }
        int channels = h.get(9) & 0xFF;
        int family = h.get(18) & 0xFF;
        int table = family == 0 ? 0 : 2 + channels; // stream count 1, coupled count 1, channel mapping [channels]
        if (h.remaining() < HEAD_SIZE + table) {
            throw new FlvFormatException("OpusHead channel mapping table truncated");
        }
        ByteBuffer d = ByteBuffer.allocate(DOPS_SIZE + table); // big-endian
        d.put((byte) 0);                 // dOps Version 0
        d.put((byte) channels);          // OutputChannelCount
        d.putShort(h.getShort(10));      // PreSkip
        d.putInt(h.getInt(12));          // InputSampleRate
        d.putShort(h.getShort(16));      // OutputGain
        d.put((byte) family);            // ChannelMappingFamily
        d.put(h.slice(HEAD_SIZE, table)); // StreamCount, CoupledCount, ChannelMapping
        return d.flip();
    }

    /** dOps to OpusHead; anything that is not a dOps body is passed on unchanged. */
    static ByteBuffer toHead(ByteBuffer dops) {
        ByteBuffer d = dops.slice();
        if (d.remaining() < DOPS_SIZE) {
            return d;
        }
        int channels = d.get(1) & 0xFF;
        int family = d.get(10) & 0xFF;
        int table = family == 0 ? 0 : 2 + channels;
        if (d.remaining() < DOPS_SIZE + table) {
            return d;
        }
        ByteBuffer h = ByteBuffer.allocate(HEAD_SIZE + table).order(ByteOrder.LITTLE_ENDIAN);
        h.put(MAGIC);
        h.put((byte) 1);                 // version 1
        h.put((byte) channels);          // channel count
        h.putShort(d.getShort(2));       // pre-skip
        h.putInt(d.getInt(4));           // input sample rate
        h.putShort(d.getShort(8));       // output gain
        h.put((byte) family);            // channel mapping family
        h.put(d.slice(DOPS_SIZE, table));
        return h.flip();
    }

    /** The channel count of a dOps body. */
    static int channels(ByteBuffer dops) {
        return dops.remaining() >= 2 ? dops.get(dops.position() + 1) & 0xFF : 0;
    }
}
