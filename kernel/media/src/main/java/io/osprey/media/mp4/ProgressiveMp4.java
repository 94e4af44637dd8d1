package io.osprey.media.mp4;

import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a progressive (non-fragmented) MP4 that a writer assembles around its own sample tables: the
 * {@code trak} of one track (ISO 14496-12 8.3) and a fast-start {@code ftyp}. Used by the recorder to turn fMP4
 * segments into one file with {@code moov} before {@code mdat}.
 */
public final class ProgressiveMp4 {
    private ProgressiveMp4() {
    }

    /** {@code ftyp} of a progressive file: major brand isom, compatible isom iso2 avc1 mp41. */
    public static FileTypeBox fileType() {
        return new FileTypeBox("isom", 512, List.of("isom", "iso2", "avc1", "mp41"));
    }

    /**
     * A {@code trak}: {@code tkhd} (duration in the movie timescale), optional {@code edts}, and {@code mdia}
     * with {@code mdhd} (timescale, media duration), {@code hdlr} ({@code vide} or {@code soun}), the media header,
     * {@code dinf} and {@code stbl}.
     */
    public static TrackBox trak(int trackId, boolean video, long timescale, int width, int height,
                                SampleTableBox stbl, EditBox edts, long mediaDuration, long movieDuration) {
        List<Box> trak = new ArrayList<>(3);
        trak.add(new TrackHeaderBox(trackId, movieDuration, !video, width, height));
        if (edts != null) {
            trak.add(edts);
        }
        trak.add(new MediaBox(new MediaHeaderBox(timescale, mediaDuration),
                new HandlerBox(video ? "vide" : "soun", video ? "VideoHandler" : "SoundHandler"),
                new MediaInformationBox(video ? new VideoMediaHeaderBox() : new SoundMediaHeaderBox(),
                        new DataInformationBox(new DataReferenceBox()), stbl)));
        return new TrackBox(trak);
    }
}
