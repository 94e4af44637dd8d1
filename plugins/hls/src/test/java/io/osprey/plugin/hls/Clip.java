package io.osprey.plugin.hls;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.H264Sps;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.MediaPacket;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.TrackInfo;
import io.osprey.testkit.TestMedia;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The test clip (H.264 + AAC, 25 fps, 1 s GOP) as bus tracks and frames, read with FlvReader + FlvMedia. */
final class Clip {
    final TrackInfo video;
    final TrackInfo audio;
    /** Media frames in file order (configs excluded), dts from 0. */
    final List<Frame> frames;
    /** The clip's length on the 1 s key frame grid; looping shifts by this. */
    final long span;

    private Clip(TrackInfo video, TrackInfo audio, List<Frame> frames) {
        this.video = video;
        this.audio = audio;
        long lastVideo = frames.stream().filter(f -> f.kind() == MediaKind.VIDEO).mapToLong(Frame::dts).max()
                .orElse(0);
        this.span = (lastVideo + 40) / 1000 * 1000;
        // the AAC encoder's tail runs past the video: cut it, so a loop joins on the key frame grid
        this.frames = frames.stream().filter(f -> f.dts() < span).toList();
    }

    static Clip h264Aac(int seconds) throws IOException, InterruptedException {
        return read(TestMedia.h264Aac(seconds, 800));
    }

    static Clip read(Path flv) throws IOException {
        List<Frame> frames = new ArrayList<>();
        TrackInfo[] tracks = new TrackInfo[2];
        FlvReader reader = new FlvReader(8 << 20, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) throws FlvFormatException {
                List<MediaPacket> packets = tag.type() == FlvTag.VIDEO ? FlvMedia.parseVideo(tag.body())
                        : tag.type() == FlvTag.AUDIO ? FlvMedia.parseAudio(tag.body()) : List.of();
                for (MediaPacket p : packets) {
                    if (p.kind() == MediaPacket.PacketKind.CONFIG) {
                        tracks[p.codec().kind() == MediaKind.VIDEO ? 0 : 1] = track(p);
                    } else if (p.kind() == MediaPacket.PacketKind.FRAME) {
                        frames.add(p.toFrame(tag.timestamp()));
                    }
                }
            }
        });
        try {
            reader.feed(ByteBuffer.wrap(Files.readAllBytes(flv)));
        } catch (FlvFormatException e) {
            throw new IOException(e);
        }
        return new Clip(tracks[0], tracks[1], List.copyOf(frames));
    }

    private static TrackInfo track(MediaPacket p) {
        try {
            if (p.codec().kind() == MediaKind.VIDEO) {
                H264Sps sps = AvcConfig.parse(p.payload()).firstSps();
                return TrackInfo.video(0, p.codec(), p.payload(), sps.width(), sps.height(), 25);
            }
            AacConfig aac = AacConfig.parse(p.payload());
            return TrackInfo.audio(0, p.codec(), p.payload(), aac.sampleRate(), aac.channels());
        } catch (CodecException e) {
            throw new IllegalStateException(e);
        }
    }

    List<TrackInfo> tracks() {
        return List.of(video, audio);
    }

    /** Config frames then the media frames, as a bus subscriber sees them. */
    List<Frame> busFrames() {
        List<Frame> out = new ArrayList<>();
        out.add(Frame.config(0, video.codec(), 0, video.config()));
        out.add(Frame.config(0, audio.codec(), 0, audio.config()));
        out.addAll(frames);
        return out;
    }

    /** The frame {@code i} of an endless loop of the clip, shifted so that timestamps keep increasing. */
    Frame looped(int i) {
        int n = frames.size();
        Frame f = frames.get(i % n);
        long loop = i / n;
        return loop == 0 ? f : f.retimed(f.dts() + loop * span, 0);
    }

    /** Declares the tracks on {@code p}. */
    void declare(Publisher p) {
        p.setTrack(video);
        p.setTrack(audio);
    }
}
