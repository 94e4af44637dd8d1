package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/** {@code vmhd} (ISO 14496-12 12.1.2), flags 1: graphicsmode 16 = 0 (copy), opcolor 3 x 16 = 0. */
public final class VideoMediaHeaderBox extends FullBox {
    public VideoMediaHeaderBox() {
        super("vmhd", 0, 1);
    }

    @Override
    protected long fieldsSize() {
        return 8;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putLong(0);
    }
}
