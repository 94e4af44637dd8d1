package io.osprey.plugin.transcode;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.CodecException;
import io.osprey.media.codec.H264Sps;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.MediaPacket;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's stdout, one Enhanced-FLV multitrack stream (video track {@code i} = rendition {@code i}; audio: one
 * track shared by all when the source's AAC is copied, else audio track {@code i} = rendition {@code i} at its
 * {@code audioKbps}), split into one bus publisher per rendition. A rendition is published when its first video config
 * arrives, so a viewer's demand completes with a stream that already knows its resolution. Called only on the
 * worker's stdout thread (the kernel's), including {@link #end}: the publishers are used from one thread.
 */
final class RenditionDemux implements FlvReader.Listener {

    private static final System.Logger LOG = System.getLogger(RenditionDemux.class.getName());

    private final MediaBus bus;
    private final StreamKey source;
    private final List<TranscodeConfig.Rendition> ladder;
    private final Publisher[] publishers;
    private final long[] frames;
    private final Runnable onFirstPublish;
    private final TrackInfo[] pendingVideo;
    private volatile boolean expectAudio;
    private volatile boolean audioPerRendition;
    private final TrackInfo[] audio;
    private long lastDts = -1;

    RenditionDemux(MediaBus bus, StreamKey source, List<TranscodeConfig.Rendition> ladder, Runnable onFirstPublish) {
        this.bus = bus;
        this.source = source;
        this.ladder = ladder;
        this.publishers = new Publisher[ladder.size()];
        this.frames = new long[ladder.size()];
        this.pendingVideo = new TrackInfo[ladder.size()];
        this.audio = new TrackInfo[ladder.size()];
        this.onFirstPublish = onFirstPublish;
    }

    static StreamKey key(StreamKey source, TranscodeConfig.Rendition r) {
        return new StreamKey(source.app(), source.name() + "_" + r.name);
    }

    @Override
    public void onHeader(boolean hasAudio, boolean hasVideo) {
    }

    @Override
    public void onTag(FlvTag tag) throws FlvFormatException {
        if (tag.type() == FlvTag.SCRIPT) {
            return; // ffmpeg's onMetaData: each rendition gets metadata of its own
        }
        long ts = tag.timestamp();
        List<MediaPacket> packets = tag.type() == FlvTag.VIDEO ? FlvMedia.parseVideo(tag.body())
                : FlvMedia.parseAudio(tag.body());
        for (MediaPacket p : packets) {
            if (p.codec().kind() == io.osprey.spi.bus.MediaKind.AUDIO) {
                audio(p, ts);
            } else if (p.track() < publishers.length) {
                video(p.track(), p, ts);
            }
        }
    }

    /**
     * Whether the worker will write audio (the source has some): then a rendition is published only once its audio
     * config is known too, so recorders and packagers that start at the publish see both tracks. Set before the
     * worker starts.
     */
    void expectAudio(boolean audio, boolean perRendition) {
        this.expectAudio = audio;
        this.audioPerRendition = perRendition;
    }

    private void video(int i, MediaPacket p, long ts) {
        if (p.kind() == MediaPacket.PacketKind.CONFIG) {
            TrackInfo t = videoTrack(p);
            if (publishers[i] == null) {
                pendingVideo[i] = t;
                if (!(expectAudio && audio[i] == null)) {
                    open(i, t);
                }
                return;
            }
            publishers[i].setTrack(t);
        } else if (p.kind() == MediaPacket.PacketKind.FRAME && publishers[i] != null) {
            publishers[i].push(Frame.media(0, p.codec(), ts, p.cts(), p.key(), copy(p.payload())));
            frames[i]++;
            lastDts = Math.max(lastDts, ts);
        }
    }

    private void audio(MediaPacket p, long ts) {
        int t = p.track();
        if (audioPerRendition ? t >= publishers.length : t != 0) {
            return;
        }
        int from = audioPerRendition ? t : 0;
        int to = audioPerRendition ? t + 1 : publishers.length;
        if (p.kind() == MediaPacket.PacketKind.CONFIG) {
            ByteBuffer cfg = copy(p.payload());
            int rate = 0;
            int channels = 0;
            try {
                AacConfig a = AacConfig.parse(cfg.duplicate());
                rate = a.outputSampleRate();
                channels = a.channels();
            } catch (CodecException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "transcode {0}: unreadable AAC config: {1}", source,
                        e.getMessage());
            }
            TrackInfo info = TrackInfo.audio(0, p.codec(), cfg, rate, channels);
            for (int i = from; i < to; i++) {
                audio[i] = info;
                if (publishers[i] != null) {
                    publishers[i].setTrack(info);
                } else if (pendingVideo[i] != null) {
                    open(i, pendingVideo[i]); // the video config came first
                }
            }
        } else if (p.kind() == MediaPacket.PacketKind.FRAME) {
            ByteBuffer payload = copy(p.payload()); // shared read-only by the renditions it goes to
            for (int i = from; i < to; i++) {
                if (publishers[i] != null && audio[i] != null) {
                    publishers[i].push(Frame.media(0, p.codec(), ts, 0, true, payload.duplicate()));
                }
            }
        }
    }

    private boolean open(int i, TrackInfo video) {
        TranscodeConfig.Rendition r = ladder.get(i);
        StreamKey key = key(source, r);
        try {
            // keepTimestamps: after a worker restart the rendition continues on the source's timeline (-copyts), so
            // its key frames and segments stay aligned with the source's instead of following the last frame
            Publisher pub = bus.publish(key, new PublishRequest("transcode", null, false, reason ->
                    LOG.log(System.Logger.Level.INFO, "transcode {0}: rendition evicted: {1}", key, reason), true));
            Map<String, Object> md = new LinkedHashMap<>();
            md.put("videodatarate", (double) r.videoKbps);
            md.put("audiodatarate", (double) r.audioKbps);
            md.put("videocodecid", 7.0);
            md.put("encoder", "Osprey transcode");
            md.put("renditionOf", source.name()); // the source's stream name: players and outputs may group by it
            md.put("rendition", r.name);
            pub.setMetadata(md);
            pub.setTrack(video);
            if (audio[i] != null) {
                pub.setTrack(audio[i]);
            }
            publishers[i] = pub;
            onFirstPublish.run();
            return true;
        } catch (StreamBusyException e) {
            LOG.log(System.Logger.Level.WARNING, "transcode {0}: {1} is held by another publisher: {2}", source, key,
                    e.getMessage());
            return false;
        } catch (IllegalStateException stopping) {
            return false; // the plugin is stopping: its worker is being killed
        }
    }

    private static TrackInfo videoTrack(MediaPacket p) {
        ByteBuffer cfg = copy(p.payload());
        if (p.codec() == Codec.H264) {
            try {
                H264Sps sps = AvcConfig.parse(cfg.duplicate()).firstSps();
                return TrackInfo.video(0, p.codec(), cfg, sps.width(), sps.height(), Math.max(0, sps.frameRate()));
            } catch (CodecException | RuntimeException e) {
                // passed on without dimensions
            }
        }
        return TrackInfo.video(0, p.codec(), cfg, 0, 0, 0);
    }

    private static ByteBuffer copy(ByteBuffer b) {
        ByteBuffer c = ByteBuffer.allocate(b.remaining());
        c.put(b.duplicate()).flip();
        return c.asReadOnlyBuffer();
    }

    /** Video frames published per rendition so far. */
    long frames(int i) {
        return frames[i];
    }

    /** The newest video timestamp written, -1 before the first. */
    long lastDts() {
        return lastDts;
    }

    /**
     * The worker ended. {@code restarting}: the streams wait (the bus's reconnect grace) for the next worker to
     * continue them, so their viewers stay; otherwise they end.
     */
    void end(boolean restarting, String reason) {
        for (int i = 0; i < publishers.length; i++) {
            if (publishers[i] != null) {
                if (restarting) {
                    publishers[i].disconnect(reason);
                } else {
                    publishers[i].close();
                }
                publishers[i] = null;
            }
        }
    }
}
