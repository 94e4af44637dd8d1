package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/** {@code tfdt} (ISO 14496-12 8.8.12): baseMediaDecodeTime, 64 bits in version 1 (always written), 32 in 0. */
public final class TrackFragmentBaseMediaDecodeTimeBox extends FullBox {
    private final long baseMediaDecodeTime;

    public TrackFragmentBaseMediaDecodeTimeBox(long baseMediaDecodeTime) {
        super("tfdt", 1, 0);
        this.baseMediaDecodeTime = baseMediaDecodeTime;
    }

    public long baseMediaDecodeTime() {
        return baseMediaDecodeTime;
    }

    /** Parses the content (after the box header) of a {@code tfdt}; {@code content} is not consumed. */
    public static TrackFragmentBaseMediaDecodeTimeBox parse(ByteBuffer content) throws Mp4FormatException {
        ByteBuffer b = content.duplicate();
        int version = TrackFragmentHeaderBox.need(b, 4).getInt() >>> 24;
        long time = version == 1 ? TrackFragmentHeaderBox.need(b, 8).getLong()
                : TrackFragmentHeaderBox.need(b, 4).getInt() & 0xFFFFFFFFL;
        return new TrackFragmentBaseMediaDecodeTimeBox(time);
    }

    @Override
    protected long fieldsSize() {
        return 8;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putLong(baseMediaDecodeTime);
    }
}
