package io.osprey.plugin.httpflv;

import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.plugin.httpflv.relay.FlvIngest;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes an FLV clip into a bus at real-time pace (looping, timestamps running on), the way an RTMP ingest
 * would: a real stream for tests of a module that has no ingest of its own.
 */
final class ClipPublisher implements AutoCloseable {

    private final Publisher publisher;
    private final List<FlvTag> tags;
    private final long clipMillis;
    private final Thread thread;
    private final double speed;
    private final long audioLagMs;
    private volatile boolean stop;
    private volatile boolean crash;

    ClipPublisher(MediaBus bus, StreamKey key, Path clip, double speed) throws Exception {
        this(bus, key, clip, speed, 0);
    }

    private ClipPublisher(MediaBus bus, StreamKey key, Path clip, double speed, long audioLagMs) throws Exception {
        this.audioLagMs = audioLagMs;
        this.publisher = bus.publish(key, new PublishRequest("test", null, false, r -> stop = true));
        this.speed = speed;
        tags = new ArrayList<>();
        FlvReader reader = new FlvReader(8 << 20, new FlvReader.Listener() {
            @Override
            public void onHeader(boolean audio, boolean video) {
            }

            @Override
            public void onTag(FlvTag tag) {
                tags.add(tag);
            }
        });
        reader.feed(ByteBuffer.wrap(Files.readAllBytes(clip)));
        clipMillis = tags.get(tags.size() - 1).timestamp() + 40;
        if (audioLagMs > 0) {
            tags.sort(java.util.Comparator.comparingLong(this::sendAt)); // stable: configs stay first
        }
        thread = new Thread(this::run, "clip-publisher-" + key);
        thread.setDaemon(true);
        thread.start();
    }

    static ClipPublisher start(MediaBus bus, StreamKey key, Path clip) throws Exception {
        return new ClipPublisher(bus, key, clip, 1.0);
    }

    /**
     * As {@link #start}, but each audio tag is sent {@code lagMs} after the video of the same time, as encoders
     * whose audio path is slower interleave (RTMP allows it): after a key frame come audio frames older than it.
     */
    static ClipPublisher withAudioLag(MediaBus bus, StreamKey key, Path clip, long lagMs) throws Exception {
        return new ClipPublisher(bus, key, clip, 1.0, lagMs);
    }

    private long sendAt(FlvTag t) {
        return t.timestamp() + (t.type() == FlvTag.AUDIO ? audioLagMs : 0);
    }

    private void run() {
        FlvIngest ingest = new FlvIngest(publisher);
        long t0 = System.nanoTime();
        try {
            for (int loop = 0; !stop; loop++) {
                for (FlvTag tag : tags) {
                    if (stop) {
                        break;
                    }
                    if (loop > 0 && tag.type() == FlvTag.SCRIPT) {
                        continue;
                    }
                    long ts = tag.timestamp() + loop * clipMillis;
                    long due = t0 + (long) ((sendAt(tag) + loop * clipMillis) * 1_000_000L / speed);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
                    }
                    ingest.onTag(new FlvTag(tag.type(), ts, tag.body().duplicate()));
                }
            }
        } catch (Exception e) {
            if (!stop) {
                throw new IllegalStateException(e);
            }
        }
        if (crash) {
            publisher.disconnect("test: publisher crashed");
        } else {
            publisher.close();
        }
    }

    /** Stops publishing and ends the stream on purpose. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5000);
    }

    /** Stops publishing as if the connection died: the bus waits its grace period. */
    void crash() throws InterruptedException {
        crash = true;
        close();
    }
}
