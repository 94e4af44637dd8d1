package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code dref} (ISO 14496-12 8.7.2) with one {@code url } entry whose flags 1 say the media data is in this file:
 * entry_count 32 = 1, then DataEntryUrlBox (FullBox 'url ', version 0, flags 1, no location).
 */
public final class DataReferenceBox extends FullBox {
    public DataReferenceBox() {
        super("dref", 0, 0);
    }

    @Override
    protected long fieldsSize() {
        return 4 + 12;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(1);
        out.putInt(12);
        putFourCc(out, "url ");
        out.putInt(1);
    }
}
