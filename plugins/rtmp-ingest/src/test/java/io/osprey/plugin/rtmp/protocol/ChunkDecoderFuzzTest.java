package io.osprey.plugin.rtmp.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Hostile chunk streams cut at fuzzer-chosen TCP boundaries. Only RtmpProtocolException may escape, buffered memory
 * stays within the limits, and the result (messages, then the error if any) never depends on how input was split.
 * The normal build replays ChunkDecoderFuzzTestInputs/; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class ChunkDecoderFuzzTest {
    /** Small limits so the fuzzer reaches the csid, count and size checks with short inputs. */
    private static final RtmpLimits SMALL = new RtmpLimits(128, 65536, 4096, 4, 400);

    private record Outcome(List<RtmpMessage> messages, String error) {
    }

    @FuzzTest(maxDuration = "60s")
    void decode(FuzzedDataProvider data) {
        RtmpLimits limits = data.consumeBoolean() ? SMALL : RtmpLimits.DEFAULT;
        int[] splits = new int[data.consumeInt(0, 8)];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = data.consumeInt(1, 300);
        }
        byte[] wire = data.consumeRemainingAsBytes();

        Outcome whole = run(limits, wire, new int[0]);
        Outcome split = run(limits, wire, splits);
        assertEquals(whole, split, "the decode result must not depend on TCP segmentation");
    }

    /** Fuzzer-built messages, encoded at a fuzzer-chosen chunk size and decoded at fuzzer-chosen splits. */
    @FuzzTest(maxDuration = "60s")
    void roundTrip(FuzzedDataProvider data) throws RtmpProtocolException {
        ChunkEncoder encoder = new ChunkEncoder();
        java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
        List<RtmpMessage> sent = new ArrayList<>();
        int chunkSize = data.consumeInt(128, 70_000);
        RtmpMessage announce = ProtocolControl.setChunkSize(chunkSize);
        wire.writeBytes(Bytes.array(encoder.encode(announce)));
        encoder.setChunkSize(chunkSize);
        sent.add(announce);
        int[] splits = new int[data.consumeInt(1, 4)];
        for (int i = 0; i < splits.length; i++) {
            splits[i] = data.consumeInt(1, 5000);
        }
        int count = data.consumeInt(0, 20);
        for (int i = 0; i < count && data.remainingBytes() > 0; i++) {
            int csid = data.pickValue(new int[] {3, 4, 5, 63, 64, 319, 320, 65599});
            int type = data.pickValue(new int[] {MessageType.AUDIO, MessageType.VIDEO, MessageType.DATA_AMF0});
            long timestamp = data.consumeLong(0, 0xFFFFFFFFL);
            int streamId = data.consumeInt();
            byte[] payload = data.consumeBytes(data.consumeInt(0, 20_000));
            RtmpMessage m = new RtmpMessage(csid, type, timestamp, streamId, ByteBuffer.wrap(payload));
            sent.add(m);
            wire.writeBytes(Bytes.array(encoder.encode(m)));
        }
        Outcome received = run(RtmpLimits.DEFAULT, wire.toByteArray(), splits);
        assertEquals(new Outcome(sent, null), received);
    }

    private static Outcome run(RtmpLimits limits, byte[] wire, int[] splits) {
        List<RtmpMessage> messages = new ArrayList<>();
        ChunkDecoder decoder = new ChunkDecoder(limits, m -> {
            assertTrue(m.length() <= limits.maxMessageSize());
            assertEquals(0, m.payload().position());
            exerciseParsers(m);
            messages.add(m);
        });
        long bound = (long) limits.maxChunkStreams() * limits.maxMessageSize();
        int at = 0;
        int next = 0;
        try {
            while (at < wire.length) {
                int n = splits.length == 0 ? wire.length : Math.min(wire.length - at, splits[next++ % splits.length]);
                ByteBuffer in = ByteBuffer.wrap(wire, at, n);
                decoder.parse(in);
                assertEquals(0, in.remaining(), "parse consumes all input");
                at += n;
                assertEquals(at, decoder.bytesRead());
                assertTrue(decoder.bufferedBytes() >= 0 && decoder.bufferedBytes() <= bound,
                        "buffered " + decoder.bufferedBytes());
            }
            return new Outcome(messages, null);
        } catch (RtmpProtocolException e) {
            return new Outcome(messages, e.getMessage());
        }
    }

    /** What the connection layer will do with control payloads; these may only fail with RtmpProtocolException. */
    private static void exerciseParsers(RtmpMessage m) throws RtmpProtocolException {
        try {
            switch (m.type()) {
                case MessageType.ACKNOWLEDGEMENT, MessageType.WINDOW_ACK_SIZE -> ProtocolControl.readUInt32(m);
                case MessageType.USER_CONTROL -> ProtocolControl.parseUserControl(m);
                case MessageType.AGGREGATE -> Aggregate.split(m, sub -> assertTrue(sub.length() <= m.length()));
                default -> {
                }
            }
        } catch (RtmpProtocolException expected) {
            // a malformed payload closes the connection; that is the connection layer's decision
        }
    }
}
