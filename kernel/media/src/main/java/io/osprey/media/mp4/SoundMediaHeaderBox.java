package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/** {@code smhd} (ISO 14496-12 12.2.2): balance 16 = 0 (centre), reserved 16. */
public final class SoundMediaHeaderBox extends FullBox {
    public SoundMediaHeaderBox() {
        super("smhd", 0, 0);
    }

    @Override
    protected long fieldsSize() {
        return 4;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(0);
    }
}
