package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code esds} (ISO 14496-14 3.1.2) holding an ES_Descriptor (ISO 14496-1 7.2.6.5) for MPEG-4 audio or MPEG-1/2
 * audio, with descriptor sizes in the shortest expandable form (8.3.3).
 */
public final class EsdsBox extends FullBox {
    /** objectTypeIndication (14496-1 Table 5): Audio ISO/IEC 14496-3. */
    public static final int MPEG4_AUDIO = 0x40;
    /** objectTypeIndication: Audio ISO/IEC 11172-3 (MP3). */
    public static final int MPEG1_AUDIO = 0x6B;
    private final int esId;
    private final int objectType;
    private final int avgBitrate;
    private final byte[] decoderSpecificInfo;

    public EsdsBox(int esId, int objectType, int avgBitrate, ByteBuffer decoderSpecificInfo) {
        super("esds", 0, 0);
        this.esId = esId;
        this.objectType = objectType;
        this.avgBitrate = avgBitrate;
        this.decoderSpecificInfo = new byte[decoderSpecificInfo.remaining()];
        decoderSpecificInfo.duplicate().get(this.decoderSpecificInfo);
    }

    private int dsiSize() {
        return decoderSpecificInfo.length == 0 ? 0 : descriptor(decoderSpecificInfo.length);
    }

    private int decoderConfigSize() {
        return descriptor(13 + dsiSize());
    }

    private int esSize() {
        return 3 + decoderConfigSize() + descriptor(1);
    }

    @Override
    protected long fieldsSize() {
        return descriptor(esSize());
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        // ES_Descriptor: tag 0x03, size, ES_ID 16, streamDependenceFlag 1, URL_Flag 1, OCRstreamFlag 1,
        // streamPriority 5 (all 0)
        header(out, 0x03, esSize());
        out.putShort((short) esId).put((byte) 0);
        // DecoderConfigDescriptor: tag 0x04, size, objectTypeIndication 8, streamType 6 = 0x05 (audio),
        // upStream 1 = 0, reserved 1 = 1, bufferSizeDB 24, maxBitrate 32, avgBitrate 32
        header(out, 0x04, 13 + dsiSize());
        out.put((byte) objectType).put((byte) (0x05 << 2 | 1));
        out.put((byte) 0).putShort((short) 0);
        out.putInt(avgBitrate).putInt(avgBitrate);
        if (decoderSpecificInfo.length > 0) {
            header(out, 0x05, decoderSpecificInfo.length); // DecoderSpecificInfo: the AudioSpecificConfig
            out.put(decoderSpecificInfo);
        }
        header(out, 0x06, 1); // SLConfigDescriptor: predefined 2 (reserved for MP4 files)
        out.put((byte) 0x02);
    }

    /** tag + expandable size + body. */
    private static int descriptor(int bodySize) {
        return 1 + sizeBytes(bodySize) + bodySize;
    }

    private static int sizeBytes(int size) {
        return size < 1 << 7 ? 1 : size < 1 << 14 ? 2 : size < 1 << 21 ? 3 : 4;
    }

    /** tag 8, then sizeOfInstance 7 bits per byte with nextByte 1 set on all but the last. */
    private static void header(ByteBuffer out, int tag, int size) {
        out.put((byte) tag);
        for (int i = sizeBytes(size) - 1; i > 0; i--) {
            out.put((byte) (0x80 | size >>> (7 * i) & 0x7F));
        }
        out.put((byte) (size & 0x7F));
    }
}
