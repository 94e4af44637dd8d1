package io.osprey.plugin.rtmp.protocol;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;

/** Test helpers: hex literals, and running a decoder over input split in given ways. */
final class Bytes {
    private Bytes() {
    }

    /** Concatenates hex fragments; spaces are ignored so fields can be grouped. */
    static byte[] hex(String... parts) {
        return HexFormat.of().parseHex(String.join("", parts).replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static byte[] array(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.duplicate().get(a);
        return a;
    }

    static byte[] filled(int length, int value) {
        byte[] a = new byte[length];
        java.util.Arrays.fill(a, (byte) value);
        return a;
    }

    static RtmpMessage message(int csid, int type, long timestamp, int streamId, byte[] payload) {
        return new RtmpMessage(csid, type, timestamp, streamId, ByteBuffer.wrap(payload));
    }

    /** Decodes the whole input in one call. */
    static List<RtmpMessage> decode(RtmpLimits limits, byte[] input) throws RtmpProtocolException {
        List<RtmpMessage> out = new ArrayList<>();
        new ChunkDecoder(limits, out::add).parse(ByteBuffer.wrap(input));
        return out;
    }

    static List<RtmpMessage> decode(byte[] input) throws RtmpProtocolException {
        return decode(RtmpLimits.DEFAULT, input);
    }

    /** Decodes the input fed one byte per call, each byte in its own buffer. */
    static List<RtmpMessage> decodeByteByByte(RtmpLimits limits, byte[] input) throws RtmpProtocolException {
        List<RtmpMessage> out = new ArrayList<>();
        ChunkDecoder decoder = new ChunkDecoder(limits, out::add);
        for (byte b : input) {
            ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
            decoder.parse(one);
            if (one.hasRemaining()) {
                throw new AssertionError("parse left a byte unconsumed");
            }
        }
        if (decoder.bytesRead() != input.length) {
            throw new AssertionError("bytesRead " + decoder.bytesRead() + " != " + input.length);
        }
        return out;
    }
}
