package io.osprey.media.codec;

import java.nio.ByteBuffer;

/**
 * An MPEG-1/2/2.5 audio frame header (ISO 11172-3 2.4.1.3, ISO 13818-3 2.4.1.3).
 *
 * @param version       1 (MPEG-1), 2 (MPEG-2 LSF) or 25 (MPEG-2.5)
 * @param layer         1, 2 or 3
 * @param bitrate       bits per second, 0 for the free format
 * @param sampleRate    samples per second
 * @param channels      1 for single_channel mode, else 2
 * @param frameLength   bytes in the frame including the header, 0 for the free format
 * @param samplesPerFrame 384, 576 or 1152
 */
public record Mp3Header(int version, int layer, int bitrate, int sampleRate, int channels, int frameLength,
                        int samplesPerFrame) {

    private static final int[][] BITRATES_KBPS = {
        {0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // V1 L1
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384}, // V1 L2
        {0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320}, // V1 L3
        {0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256}, // V2/2.5 L1
        {0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160}, // V2/2.5 L2 and L3
    };
    private static final int[] RATES_V1 = {44100, 48000, 32000};

    /** Parses the 4-byte header at the position of {@code frame}, which is not consumed. */
    public static Mp3Header parse(ByteBuffer frame) throws CodecException {
        if (frame.remaining() < 4) {
            throw new CodecException("MPEG audio header truncated");
        }
        return parse(frame.getInt(frame.position()));
    }

    /**
     * frame_sync 11 = all ones, version_id 2 (00 = 2.5, 01 reserved, 10 = 2, 11 = 1), layer 2 (01 = III, 10 = II,
     * 11 = I), protection_bit 1, bitrate_index 4, sampling_frequency 2, padding_bit 1, private_bit 1, mode 2,
     * mode_extension 2, copyright 1, original 1, emphasis 2.
     */
    public static Mp3Header parse(int header) throws CodecException {
        if ((header >>> 21) != 0x7FF) {
            throw new CodecException("no MPEG audio frame sync");
        }
        int versionBits = header >>> 19 & 3;
        int layerBits = header >>> 17 & 3;
        int bitrateIndex = header >>> 12 & 0xF;
        int rateIndex = header >>> 10 & 3;
        int padding = header >>> 9 & 1;
        int mode = header >>> 6 & 3;
        if (versionBits == 1 || layerBits == 0 || bitrateIndex == 0xF || rateIndex == 3) {
            throw new CodecException(String.format("reserved MPEG audio header field in %08x", header));
        }
        int version = versionBits == 3 ? 1 : versionBits == 2 ? 2 : 25;
        int layer = 4 - layerBits;
        int rate = RATES_V1[rateIndex] / (version == 1 ? 1 : version == 2 ? 2 : 4);
        int table = version == 1 ? layer - 1 : layer == 1 ? 3 : 4;
        int bitrate = BITRATES_KBPS[table][bitrateIndex] * 1000;
        int samples = layer == 1 ? 384 : layer == 3 && version != 1 ? 576 : 1152;
        int length = 0;
        if (bitrate > 0) {
            length = layer == 1 ? (12 * bitrate / rate + padding) * 4 : samples / 8 * bitrate / rate + padding;
        }
        return new Mp3Header(version, layer, bitrate, rate, mode == 3 ? 1 : 2, length, samples);
    }
}
