package io.osprey.media.mp4;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the initialization segment of a fragmented MP4 / CMAF presentation (ISO 14496-12 8.8, ISO 23000-19):
 * {@code ftyp} then {@code moov} with one {@code trak} per supported track, empty sample tables and {@code mvex}.
 */
public final class Fmp4InitWriter {
    private Fmp4InitWriter() {
    }

    /** The init segment for {@code tracks} (unsupported codecs are left out; see {@link Fmp4Track#of}). */
    public static ByteBuffer init(List<TrackInfo> tracks) {
        List<Fmp4Track> layout = Fmp4Track.of(tracks);
        FileTypeBox ftyp = new FileTypeBox("iso5", 512, List.of("iso5", "iso6", "mp41"));
        List<Box> moov = new ArrayList<>();
        moov.add(new MovieHeaderBox(1000, 0, layout.size() + 1));
        List<Box> trex = new ArrayList<>();
        for (Fmp4Track t : layout) {
            moov.add(trak(t, new SampleTableBox(new SampleDescriptionBox(sampleEntry(t)),
                    new TimeToSampleBox(new int[0], new int[0]), new SampleToChunkBox(new int[0], new int[0]),
                    new SampleSizeBox(new int[0], 0), new ChunkOffsetBox(new long[0], 0)), null, 0));
            trex.add(new TrackExtendsBox(t.trackId()));
        }
        moov.add(new MovieExtendsBox(trex));
        MovieBox movie = new MovieBox(moov);
        ByteBuffer out = ByteBuffer.allocate((int) (ftyp.size() + movie.size()));
        ftyp.write(out);
        movie.write(out);
        return out.flip().asReadOnlyBuffer();
    }

    /** A {@code trak} with the given sample table, optional edit list and durations (0 in fragmented files). */
    static TrackBox trak(Fmp4Track t, SampleTableBox stbl, EditBox edts, long mediaDuration) {
        return ProgressiveMp4.trak(t.trackId(), t.info().kind() == MediaKind.VIDEO, t.timescale(), t.width(),
                t.height(), stbl, edts, mediaDuration, mediaDuration * 1000 / t.timescale());
    }

    /** The stsd entry: avc1/hvc1/av01 with their records, mp4a with esds, Opus with dOps. */
    static Box sampleEntry(Fmp4Track t) {
        TrackInfo info = t.info();
        ByteBuffer config = info.config();
        return switch (info.codec()) {
            case H264 -> new VisualSampleEntry("avc1", t.width(), t.height(), DecoderConfigurationBox.avcC(config));
            case H265 -> new VisualSampleEntry("hvc1", t.width(), t.height(), DecoderConfigurationBox.hvcC(config));
            case AV1 -> new VisualSampleEntry("av01", t.width(), t.height(), DecoderConfigurationBox.av1C(config));
            case AAC -> new AudioSampleEntry("mp4a", channels(t), t.timescale(),
                    new EsdsBox(t.trackId(), EsdsBox.MPEG4_AUDIO, 0, config));
            case MP3 -> new AudioSampleEntry("mp4a", channels(t), t.timescale(),
                    new EsdsBox(t.trackId(), EsdsBox.MPEG1_AUDIO, 0, ByteBuffer.allocate(0)));
            case OPUS -> new AudioSampleEntry("Opus", channels(t), 48000, DecoderConfigurationBox.dOps(config));
            default -> throw new IllegalArgumentException("no sample entry for " + info.codec());
        };
    }

    private static int channels(Fmp4Track t) {
        TrackInfo info = t.info();
        if (info.channels() > 0) {
            return info.channels();
        }
        ByteBuffer config = info.config();
        try {
            switch (info.codec()) {
                case AAC -> {
                    int c = AacConfig.parse(config).channels();
                    return c > 0 ? c : 2;
                }
                case OPUS -> {
                    // dOps: Version 8, OutputChannelCount 8, ...
                    return config.remaining() >= 2 && config.get(1) != 0 ? config.get(1) & 0xFF : 2;
                }
                default -> {
                    return 2;
                }
            }
        } catch (CodecException unusable) {
            return 2;
        }
    }
}
