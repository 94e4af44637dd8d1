package io.osprey.spi.bus;

/**
 * The codecs the bus carries, with the payload layout every plugin can rely on.
 *
 * <ul>
 * <li>H264, H265: length-prefixed NAL units (4-byte lengths, as in MP4/FLV "AVCC"); config is the
 *     AVCDecoderConfigurationRecord (ISO 14496-15 5.3.3.1) / HEVCDecoderConfigurationRecord (8.3.3.1).</li>
 * <li>AV1: low-overhead OBUs; config is the AV1CodecConfigurationRecord ({@code av1C}).</li>
 * <li>VP9: one frame; config is the VPCodecConfigurationRecord ({@code vpcC}).</li>
 * <li>AAC: one raw access unit (no ADTS); config is the AudioSpecificConfig (ISO 14496-3 1.6.2.1).</li>
 * <li>MP3: one MPEG audio frame with its header; no config.</li>
 * <li>OPUS: one Opus packet; config is the {@code dOps} OpusSpecificBox body.</li>
 * <li>AMF0: an FLV script-data body (AMF0 name then value), e.g. {@code onCuePoint}.</li>
 * </ul>
 */
public enum Codec {
    H264(MediaKind.VIDEO, "avc1"),
    H265(MediaKind.VIDEO, "hvc1"),
    AV1(MediaKind.VIDEO, "av01"),
    VP9(MediaKind.VIDEO, "vp09"),
    AAC(MediaKind.AUDIO, "mp4a"),
    MP3(MediaKind.AUDIO, ".mp3"),
    OPUS(MediaKind.AUDIO, "Opus"),
    AMF0(MediaKind.DATA, "amf0");

    private final MediaKind kind;
    private final String fourCc;

    Codec(MediaKind kind, String fourCc) {
        this.kind = kind;
        this.fourCc = fourCc;
    }

    public MediaKind kind() {
        return kind;
    }

    /** The sample-entry / Enhanced RTMP FourCC ({@code avc1}, {@code hvc1}, {@code av01}, {@code mp4a}...). */
    public String fourCc() {
        return fourCc;
    }

    /** Whether frames of this codec can only be decoded after a config (sequence header) was seen. */
    public boolean needsConfig() {
        return this != MP3 && this != AMF0;
    }
}
