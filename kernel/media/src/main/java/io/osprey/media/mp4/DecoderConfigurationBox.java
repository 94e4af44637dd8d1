package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * A box whose body is a codec configuration record as the bus carries it: {@code avcC} (ISO 14496-15 5.3.4.1),
 * {@code hvcC} (14496-15 8.3.4.1), {@code av1C} (AV1 ISOBMFF binding 2.3) and {@code dOps} (Opus in ISOBMFF 4.3.2).
 */
public final class DecoderConfigurationBox extends Box {
    private final ByteBuffer record;

    public DecoderConfigurationBox(String type, ByteBuffer record) {
        super(type);
        this.record = record.asReadOnlyBuffer();
    }

    public static DecoderConfigurationBox avcC(ByteBuffer record) {
        return new DecoderConfigurationBox("avcC", record);
    }

    public static DecoderConfigurationBox hvcC(ByteBuffer record) {
        return new DecoderConfigurationBox("hvcC", record);
    }

    public static DecoderConfigurationBox av1C(ByteBuffer record) {
        return new DecoderConfigurationBox("av1C", record);
    }

    public static DecoderConfigurationBox dOps(ByteBuffer record) {
        return new DecoderConfigurationBox("dOps", record);
    }

    @Override
    protected long contentSize() {
        return record.remaining();
    }

    @Override
    protected void writeContent(ByteBuffer out) {
        out.put(record.duplicate());
    }
}
