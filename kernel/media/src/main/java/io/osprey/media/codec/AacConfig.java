package io.osprey.media.codec;

import java.nio.ByteBuffer;

/**
 * An MPEG-4 AudioSpecificConfig (ISO 14496-3 1.6.2.1), the AAC config on the bus and the {@code esds}
 * DecoderSpecificInfo, with the ADTS header (1.A.2.2) used to carry AAC in MPEG-TS.
 *
 * @param objectType            the audioObjectType signalled first (2 = AAC LC, 5 = SBR, 29 = PS), as in
 *                              {@code mp4a.40.<objectType>}
 * @param coreObjectType        the core coder's object type (2 for HE-AAC signalled explicitly as 5 or 29)
 * @param frequencyIndex        samplingFrequencyIndex of the core, 0..12 (an explicit rate is mapped to the
 *                              nearest index so ADTS can carry it)
 * @param sampleRate            the core sampling frequency in Hz
 * @param channelConfiguration  channelConfiguration (0 = defined in a program_config_element)
 * @param extensionSampleRate   the SBR output sampling frequency, 0 if no SBR is signalled explicitly
 * @param ps                    whether parametric stereo is signalled explicitly
 */
public record AacConfig(int objectType, int coreObjectType, int frequencyIndex, int sampleRate,
                        int channelConfiguration, int extensionSampleRate, boolean ps) {

    /** Table 1.16 samplingFrequencyIndex 0x0..0xC; 0xD and 0xE are reserved, 0xF escapes to 24 bits. */
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000,
        11025, 8000, 7350};
    /** Table 1.19 channelConfiguration to channel count (0 = in the PCE, unknown here). */
    private static final int[] CHANNELS = {0, 1, 2, 3, 4, 5, 6, 8, 0, 0, 0, 7, 8, 24, 8, 0};

    /** Parses an AudioSpecificConfig from the remaining bytes of {@code asc}, which is not consumed. */
    public static AacConfig parse(ByteBuffer asc) throws CodecException {
        BitReader r = BitReader.of(asc);
        // audioObjectType = GetAudioObjectType(): 5 bits, 31 escapes to 32 + audioObjectTypeExt u(6)
        int objectType = readObjectType(r);
        if (objectType == 0) {
            throw new CodecException("audioObjectType 0 (null)");
        }
        int coreType = objectType;
        int[] index = {0};
        int rate = readFrequency(r, index);
        int channelConfig = r.readBits(4); // channelConfiguration u(4)
        int extensionRate = 0;
        boolean ps = false;
        if (objectType == 5 || objectType == 29) {
            // explicit SBR/PS: extensionSamplingFrequencyIndex u(4) [+ 24 bits], audioObjectType again,
            // [extensionChannelConfiguration u(4) if it is 22 (ER BSAC)]
            ps = objectType == 29;
            extensionRate = readFrequency(r, new int[1]);
            coreType = readObjectType(r);
            if (coreType == 0 || coreType == 5 || coreType == 29) {
                throw new CodecException("core audioObjectType " + coreType + " under SBR");
            }
        }
        // GASpecificConfig and any backward-compatible SBR/PS extension follow; they are not needed here.
        return new AacConfig(objectType, coreType, index[0], rate, channelConfig, extensionRate, ps);
    }

    /**
     * A minimal two-byte (or longer, for an escaped type or an explicit rate) AudioSpecificConfig for a
     * GASpecificConfig coder: audioObjectType, samplingFrequencyIndex, channelConfiguration, then
     * frameLengthFlag 0, dependsOnCoreCoder 0, extensionFlag 0.
     */
    public static ByteBuffer build(int objectType, int sampleRate, int channels) {
        if (objectType < 1 || objectType > 95 || objectType == 5 || objectType == 29 || sampleRate <= 0
                || sampleRate > 0xFFFFFF) {
            throw new IllegalArgumentException("objectType " + objectType + ", sampleRate " + sampleRate);
        }
        int channelConfig = channels >= 1 && channels <= 6 ? channels : channels == 8 ? 7 : 0;
        if (channelConfig == 0) {
            throw new IllegalArgumentException("no channelConfiguration for " + channels + " channels");
        }
        long bits = 0;
        int n = 0;
        if (objectType < 31) {
            bits = objectType;
            n = 5;
        } else {
            bits = 31L << 6 | (objectType - 32);
            n = 11;
        }
        int index = exactIndex(sampleRate);
        if (index >= 0) {
            bits = bits << 4 | index;
            n += 4;
        } else {
            bits = (bits << 4 | 0xF) << 24 | sampleRate;
            n += 28;
        }
        bits = (bits << 4 | channelConfig) << 3; // channelConfiguration, then the three GASpecificConfig flags 0
        n += 7;
        int bytes = (n + 7) / 8;
        bits <<= bytes * 8 - n;
        ByteBuffer out = ByteBuffer.allocate(bytes);
        for (int i = bytes - 1; i >= 0; i--) {
            out.put((byte) (bits >>> (8 * i)));
        }
        return out.flip().asReadOnlyBuffer();
    }

    /** Channels of the output (a PS mono core plays as stereo); 0 if defined by a PCE. */
    public int channels() {
        int c = CHANNELS[channelConfiguration];
        return ps && c == 1 ? 2 : c;
    }

    /** The rate of decoded audio: the SBR rate if signalled, else the core rate. */
    public int outputSampleRate() {
        return extensionSampleRate > 0 ? extensionSampleRate : sampleRate;
    }

    /** RFC 6381 3.3: {@code mp4a.40.<audioObjectType>}, e.g. {@code mp4a.40.2} for AAC LC. */
    public String codecString() {
        return "mp4a.40." + objectType;
    }

    /** Whether ADTS can carry this stream: its profile field holds core object types 1..4 only. */
    public boolean adtsCompatible() {
        return coreObjectType >= 1 && coreObjectType <= 4;
    }

    /** The 7-byte ADTS header (no CRC) for a raw access unit of {@code payloadLength} bytes. */
    public byte[] adtsHeader(int payloadLength) {
        byte[] h = new byte[7];
        writeAdtsHeader(ByteBuffer.wrap(h), payloadLength);
        return h;
    }

    /**
     * Writes the ADTS header at {@code out}'s position. ISO 14496-3 1.A.2.2.1 adts_fixed_header: syncword 12 =
     * 0xFFF, ID 1 = 0 (MPEG-4), layer 2 = 0, protection_absent 1 = 1, profile_ObjectType 2, sampling_frequency_index
     * 4, private_bit 1, channel_configuration 3, original_copy 1, home 1; adts_variable_header:
     * copyright_identification_bit 1, copyright_identification_start 1, aac_frame_length 13 (header included),
     * adts_buffer_fullness 11 = 0x7FF (VBR), number_of_raw_data_blocks_in_frame 2 = 0.
     */
    public void writeAdtsHeader(ByteBuffer out, int payloadLength) {
        int frameLength = payloadLength + 7;
        if (payloadLength < 0 || frameLength > 0x1FFF) {
            throw new IllegalArgumentException("ADTS frame of " + frameLength + " bytes");
        }
        if (!adtsCompatible()) {
            throw new IllegalStateException("audioObjectType " + coreObjectType + " cannot be carried in ADTS");
        }
        int profile = coreObjectType - 1;
        int channels = channelConfiguration & 0x7;
        out.put((byte) 0xFF);
        out.put((byte) 0xF1);
        out.put((byte) (profile << 6 | frequencyIndex << 2 | channels >> 2));
        out.put((byte) ((channels & 3) << 6 | frameLength >> 11));
        out.put((byte) (frameLength >> 3));
        out.put((byte) ((frameLength & 7) << 5 | 0x1F));
        out.put((byte) 0xFC);
    }

    private static int readObjectType(BitReader r) throws CodecException {
        int type = r.readBits(5);
        return type == 31 ? 32 + r.readBits(6) : type;
    }

    /** samplingFrequencyIndex u(4), with 0xF followed by samplingFrequency u(24). */
    private static int readFrequency(BitReader r, int[] indexOut) throws CodecException {
        int index = r.readBits(4);
        if (index == 0xF) {
            int rate = r.readBits(24);
            if (rate == 0) {
                throw new CodecException("explicit samplingFrequency 0");
            }
            indexOut[0] = nearestIndex(rate);
            return rate;
        }
        if (index >= RATES.length) {
            throw new CodecException("reserved samplingFrequencyIndex " + index);
        }
        indexOut[0] = index;
        return RATES[index];
    }

    private static int exactIndex(int rate) {
        for (int i = 0; i < RATES.length; i++) {
            if (RATES[i] == rate) {
                return i;
            }
        }
        return -1;
    }

    /** Table 4.82-style mapping of an arbitrary rate to the closest standard index. */
    private static int nearestIndex(int rate) {
        int best = 0;
        for (int i = 1; i < RATES.length; i++) {
            if (Math.abs(RATES[i] - rate) < Math.abs(RATES[best] - rate)) {
                best = i;
            }
        }
        return best;
    }
}
