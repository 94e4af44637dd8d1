package io.osprey.plugin.recorder;

import io.osprey.media.codec.AacConfig;
import io.osprey.media.codec.AvcConfig;
import io.osprey.media.codec.H264Sps;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvMedia;
import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.MediaPacket;
import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes an FLV clip (read with the media library's FlvReader and FlvMedia, as an ingest would) into a bus,
 * paced at {@code speed} times real time. Test helper, used in-process and by {@link FeederPlugin}.
 */
final class ClipFeeder {

    /** One tag's frames with its timestamp. */
    record Item(long dts, List<MediaPacket> packets) {
    }

    private ClipFeeder() {
    }

    static List<Item> read(Path flv) throws Exception {
        List<Item> items = new ArrayList<>();
        FlvReader reader = new FlvReader(8 << 20, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) throws FlvFormatException {
                if (tag.type() == FlvTag.VIDEO) {
                    items.add(new Item(tag.timestamp(), FlvMedia.parseVideo(tag.body())));
                } else if (tag.type() == FlvTag.AUDIO) {
                    items.add(new Item(tag.timestamp(), FlvMedia.parseAudio(tag.body())));
                }
            }
        });
        reader.feed(ByteBuffer.wrap(Files.readAllBytes(flv)));
        return items;
    }

    /** Publishes {@code items} to {@code key}; blocks for the clip's duration / speed; leaves the publisher open. */
    static Publisher publish(MediaBus bus, StreamKey key, List<Item> items, double speed) throws Exception {
        Publisher p = bus.publish(key, new PublishRequest("test", null, false, null));
        feed(p, items, speed, 0);
        return p;
    }

    /** Pushes {@code items} with timestamps moved by {@code offsetMs}, paced at {@code speed}. */
    static void feed(Publisher p, List<Item> items, double speed, long offsetMs) throws InterruptedException {
        long t0 = System.nanoTime();
        long first = items.isEmpty() ? 0 : items.get(0).dts();
        for (Item it : items) {
            long due = (long) ((it.dts() - first) / speed * 1_000_000);
            long wait = due - (System.nanoTime() - t0);
            if (wait > 1_000_000) {
                Thread.sleep(wait / 1_000_000);
            }
            for (MediaPacket m : it.packets()) {
                switch (m.kind()) {
                    case CONFIG -> p.setTrack(track(m));
                    case FRAME -> p.push(m.toFrame(it.dts() + offsetMs));
                    default -> { }
                }
            }
        }
    }

    static TrackInfo track(MediaPacket p) {
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
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalArgumentException("test clip codec " + p.codec());
    }
}
