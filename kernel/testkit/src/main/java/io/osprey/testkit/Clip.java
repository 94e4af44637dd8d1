package io.osprey.testkit;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.H264Sps;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.FlvTagWriter;
import io.osprey.media.flv.MediaPacket;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.TrackInfo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * An H.264 + AAC FLV test clip (such as {@link TestMedia#h264Aac}) read once into bus tracks and frames, with the
 * media library's {@code FlvReader} and {@code FlvMedia} as an ingest reads them: for tests that publish into a
 * bus directly, or feed a packager frame by frame. Immutable; its frames are heap frames that any number of
 * tests may push.
 *
 * <pre>{@code
 * Clip clip = Clip.h264Aac(10);
 * Publisher p = clip.publish(server.kernel().bus(), new StreamKey("live", "x"), 4); // 10 s of media in 2.5 s
 * p.close();
 * }</pre>
 *
 * @see ClipPublisher a clip published from a thread of its own, looped, at real-time pace
 */
public final class Clip {

    private final TrackInfo video;
    private final TrackInfo audio;
    private final List<Frame> frames;
    private final long span;

    private Clip(TrackInfo video, TrackInfo audio, List<Frame> frames) {
        this.video = video;
        this.audio = audio;
        long lastVideo = frames.stream().filter(f -> f.kind() == MediaKind.VIDEO).mapToLong(Frame::dts).max()
                .orElse(0);
        this.span = (lastVideo + 40) / 1000 * 1000;
        // the AAC encoder's tail runs past the video: cut it, so a loop joins on the key frame grid
        this.frames = frames.stream().filter(f -> f.dts() < span).toList();
    }

    /** {@link TestMedia#h264Aac} at 800 kbit/s: 25 fps, a key frame every second. */
    public static Clip h264Aac(int seconds) throws IOException, InterruptedException {
        return read(TestMedia.h264Aac(seconds, 800));
    }

    /** Reads an FLV file of H.264 and AAC (track 0 each). */
    public static Clip read(Path flv) throws IOException {
        List<Frame> frames = new ArrayList<>();
        TrackInfo[] tracks = new TrackInfo[2];
        try {
            for (FlvTag tag : tags(flv)) {
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
        } catch (FlvFormatException e) {
            throw new IOException(flv + ": " + e.getMessage(), e);
        }
        if (tracks[0] == null || tracks[1] == null) {
            throw new IOException(flv + ": not an H.264 + AAC clip");
        }
        return new Clip(tracks[0], tracks[1], List.copyOf(frames));
    }

    /** The tags of an FLV file, in file order (a new list the caller may change). */
    public static List<FlvTag> tags(Path flv) throws IOException {
        List<FlvTag> tags = new ArrayList<>();
        FlvReader reader = new FlvReader(FlvTagWriter.MAX_BODY_SIZE, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) {
                tags.add(tag);
            }
        });
        try {
            reader.feed(ByteBuffer.wrap(Files.readAllBytes(flv)));
        } catch (FlvFormatException e) {
            throw new IOException(flv + ": " + e.getMessage(), e);
        }
        return tags;
    }

    /** The bus track of a sequence header: size from the SPS (at 25 fps), rate and channels from the AAC config. */
    public static TrackInfo track(MediaPacket p) {
        ByteBuffer cfg = p.payload();
        try {
            if (p.codec() == Codec.H264) {
                H264Sps sps = AvcConfig.parse(cfg).firstSps();
                return TrackInfo.video(p.track(), p.codec(), cfg, sps.width(), sps.height(), 25);
            }
            if (p.codec() == Codec.AAC) {
                AacConfig a = AacConfig.parse(cfg);
                return TrackInfo.audio(p.track(), p.codec(), cfg, a.outputSampleRate(), a.channels());
            }
        } catch (CodecException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("test clip codec " + p.codec());
    }

    public TrackInfo video() {
        return video;
    }

    public TrackInfo audio() {
        return audio;
    }

    public List<TrackInfo> tracks() {
        return List.of(video, audio);
    }

    /** Media frames in file order (configs excluded), dts from 0, cut at {@link #span}. */
    public List<Frame> frames() {
        return frames;
    }

    /** The clip's length on the 1 s key frame grid; looping shifts by this. */
    public long span() {
        return span;
    }

    /** Config frames then the media frames, as a bus subscriber sees them. */
    public List<Frame> busFrames() {
        List<Frame> out = new ArrayList<>();
        out.add(Frame.config(0, video.codec(), 0, video.config()));
        out.add(Frame.config(0, audio.codec(), 0, audio.config()));
        out.addAll(frames);
        return out;
    }

    /** The frame {@code i} of an endless loop of the clip, shifted so that timestamps keep increasing. */
    public Frame looped(int i) {
        int n = frames.size();
        Frame f = frames.get(i % n);
        long loop = i / n;
        return loop == 0 ? f : f.retimed(f.dts() + loop * span, 0);
    }

    /** Declares the tracks on {@code p}. */
    public void declare(Publisher p) {
        p.setTrack(video);
        p.setTrack(audio);
    }

    /**
     * Declares the tracks and pushes every frame, timestamps moved by {@code offsetMs}, paced at {@code speed}
     * times real time (a huge speed: as fast as the bus takes them). Blocks for the clip's length / speed.
     */
    public void feed(Publisher p, double speed, long offsetMs) throws InterruptedException {
        declare(p);
        long t0 = System.nanoTime();
        for (Frame f : frames) {
            long due = (long) (f.dts() / speed * 1_000_000);
            long wait = due - (System.nanoTime() - t0);
            if (wait > 1_000_000) {
                Thread.sleep(wait / 1_000_000);
            }
            p.push(offsetMs == 0 ? f : f.retimed(f.dts() + offsetMs, 0));
        }
    }

    /** Publishes the whole clip once to {@code key} (see {@link #feed}); the publisher is left open. */
    public Publisher publish(MediaBus bus, StreamKey key, double speed)
            throws StreamBusyException, InterruptedException {
        Publisher p = bus.publish(key, new PublishRequest("test", null, false, null));
        feed(p, speed, 0);
        return p;
    }
}
