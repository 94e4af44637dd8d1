package io.osprey.media.ts;

import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.TrackInfo;

/** The stream_type values (ISO 13818-1 Table 2-34) this muxer writes into the PMT. */
public enum StreamType {
    /** ISO 11172-3 audio (MPEG-1 Layer I-III). */
    MPEG1_AUDIO(0x03, 0xC0),
    /** ISO 13818-3 audio (MPEG-2 LSF, 16-24 kHz). */
    MPEG2_AUDIO(0x04, 0xC0),
    /** ISO 13818-7 / 14496-3 AAC with the ADTS transport syntax. */
    AAC_ADTS(0x0F, 0xC0),
    /** ISO 14496-10 AVC video. */
    H264(0x1B, 0xE0),
    /** ISO 23008-2 HEVC video. */
    H265(0x24, 0xE0);

    private final int value;
    private final int pesStreamId;

    StreamType(int value, int pesStreamId) {
        this.value = value;
        this.pesStreamId = pesStreamId;
    }

    public int value() {
        return value;
    }

    /** The PES stream_id (Table 2-22): 0xE0 video stream 0, 0xC0 audio stream 0. */
    public int pesStreamId() {
        return pesStreamId;
    }

    public boolean isVideo() {
        return pesStreamId == 0xE0;
    }

    /** The stream type for a track, or null if MPEG-TS carriage of its codec is not supported here. */
    public static StreamType of(TrackInfo track) {
        Codec c = track.codec();
        return switch (c) {
            case H264 -> H264;
            case H265 -> H265;
            case AAC -> AAC_ADTS;
            case MP3 -> track.sampleRate() > 0 && track.sampleRate() < 32000 ? MPEG2_AUDIO : MPEG1_AUDIO;
            default -> null;
        };
    }
}
