package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * A visual sample entry ({@code avc1}, {@code hvc1}, {@code av01}; ISO 14496-12 12.1.3) with its decoder
 * configuration box: SampleEntry reserved 6 x 8, data_reference_index 16 = 1; pre_defined 16, reserved 16,
 * pre_defined 3 x 32, width 16, height 16, horizresolution 32 = vertresolution 32 = 72 dpi (0x00480000),
 * reserved 32, frame_count 16 = 1, compressorname 32 bytes, depth 16 = 0x0018, pre_defined 16 = -1.
 */
public final class VisualSampleEntry extends Box {
    private final int width;
    private final int height;
    private final Box config;

    public VisualSampleEntry(String fourCc, int width, int height, Box config) {
        super(fourCc);
        this.width = width;
        this.height = height;
        this.config = config;
    }

    @Override
    protected long contentSize() {
        return 78 + config.size();
    }

    @Override
    protected void writeContent(ByteBuffer out) {
        out.putInt(0).putShort((short) 0).putShort((short) 1);
        out.putShort((short) 0).putShort((short) 0).putInt(0).putInt(0).putInt(0);
        out.putShort((short) width).putShort((short) height);
        out.putInt(0x00480000).putInt(0x00480000).putInt(0).putShort((short) 1);
        out.put(new byte[32]);
        out.putShort((short) 0x0018).putShort((short) -1);
        config.write(out);
    }
}
