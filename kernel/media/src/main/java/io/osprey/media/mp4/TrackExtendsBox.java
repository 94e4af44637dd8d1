package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * {@code trex} (ISO 14496-12 8.8.3): track_ID 32, default_sample_description_index 32 = 1,
 * default_sample_duration 32, default_sample_size 32, default_sample_flags 32 (fragments set their own).
 */
public final class TrackExtendsBox extends FullBox {
    private final int trackId;

    public TrackExtendsBox(int trackId) {
        super("trex", 0, 0);
        this.trackId = trackId;
    }

    @Override
    protected long fieldsSize() {
        return 20;
    }

    @Override
    protected void writeFields(ByteBuffer out) {
        out.putInt(trackId).putInt(1).putInt(0).putInt(0).putInt(0);
    }
}
