package io.osprey.media.mp4;

import java.nio.ByteBuffer;

/**
 * An audio sample entry ({@code mp4a}, {@code Opus}; ISO 14496-12 12.2.3) with its decoder configuration box:
 * SampleEntry reserved 6 x 8, data_reference_index 16 = 1; reserved 2 x 32, channelcount 16, samplesize 16 = 16,
 * pre_defined 16, reserved 16, samplerate 32 as 16.16 (0 if the rate does not fit 16 bits).
 */
public final class AudioSampleEntry extends Box {
    private final int channels;
    private final int sampleRate;
    private final Box config;

    public AudioSampleEntry(String fourCc, int channels, int sampleRate, Box config) {
        super(fourCc);
        this.channels = channels;
        this.sampleRate = sampleRate;
        this.config = config;
    }

    @Override
    protected long contentSize() {
        return 28 + config.size();
    }

    @Override
    protected void writeContent(ByteBuffer out) {
        out.putInt(0).putShort((short) 0).putShort((short) 1);
        out.putLong(0);
        out.putShort((short) channels).putShort((short) 16).putShort((short) 0).putShort((short) 0);
        out.putInt(sampleRate <= 0xFFFF ? sampleRate << 16 : 0);
        config.write(out);
    }
}
