package io.osprey.media.mp4;

import java.nio.ByteBuffer;
import java.util.List;

/** {@code stsd} (ISO 14496-12 8.5.2): entry_count 32, then the sample entries. */
public final class SampleDescriptionBox extends FullBox {
    private final List<Box> entries;

    public SampleDescriptionBox(Box... entries) {
        super("stsd", 0, 0);
        this.entries = List.of(entries);
    }

    @Override
    protected long fieldsSize() {
        long size = 4;
        for (Box b : entries) {
            size += b.size();
        }
        return size;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(entries.size());
        for (Box b : entries) {
            b.write(out);
        }
    }
}
