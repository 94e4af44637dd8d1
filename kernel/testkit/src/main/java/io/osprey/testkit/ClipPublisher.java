package io.osprey.testkit;

import io.osprey.media.amf0.Amf0Exception;
import io.osprey.media.flv.FlvFormatException;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.live.FlvToBus;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * A test clip published into a bus from a thread of its own, at real-time pace, the way an ingest would: a live
 * stream for tests of a module that has no ingest of its own. Two sources:
 *
 * <ul>
 * <li>{@link #start}: an FLV file's tags, looped (timestamps running on), through the same {@link FlvToBus}
 * bridge the RTMP and HTTP-FLV ingests use (pooled frames, {@code onMetaData} as stream metadata);</li>
 * <li>{@link #frames}: a {@link Clip}'s heap frames, looped on its key frame grid, up to a given media time.</li>
 * </ul>
 *
 * <p>{@link #close} stops and ends the stream on purpose; {@link #crash} stops as if the connection died (the bus
 * waits its reconnect grace). A takeover or kick stops the thread too. Thread-safe.
 *
 * <pre>{@code
 * try (ClipPublisher p = ClipPublisher.start(server.kernel().bus(), key, TestMedia.h264Aac(10, 1000))) {
 *     // viewers of key see a live stream
 * }
 * }</pre>
 */
public final class ClipPublisher implements AutoCloseable {

    /** One step of the publishing loop: pushes item {@code i}, or answers false when the source is done. */
    private interface Source {
        boolean push(int i) throws Exception;
    }

    private final Publisher publisher;
    private final Thread thread;
    private volatile boolean stop;
    private volatile boolean crash;
    private volatile Throwable failure;

    private ClipPublisher(MediaBus bus, StreamKey key, java.util.function.Function<Publisher, Source> source)
            throws StreamBusyException {
        this.publisher = bus.publish(key, new PublishRequest("test", null, false, reason -> stop = true));
        Source s = source.apply(publisher);
        thread = new Thread(() -> run(s), "clip-publisher-" + key);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * An FLV clip's tags published as {@code stream} ({@code app/name}) on {@code server}'s bus, looped at real-time
     * pace until {@link #close}: the one-liner a plugin's integration test needs.
     */
    public static ClipPublisher start(TestServer server, String stream, Path flv)
            throws IOException, StreamBusyException {
        return start(server.kernel().bus(), StreamKey.parse(stream), flv);
    }

    /** An FLV clip's tags, looped at real-time pace until {@link #close}. */
    public static ClipPublisher start(MediaBus bus, StreamKey key, Path flv) throws IOException, StreamBusyException {
        return tags(bus, key, flv, 0);
    }

    /**
     * As {@link #start}, but each audio tag is sent {@code lagMs} after the video of the same time, as encoders
     * whose audio path is slower interleave (RTMP allows it): after a key frame come audio frames older than it.
     */
    public static ClipPublisher withAudioLag(MediaBus bus, StreamKey key, Path flv, long lagMs)
            throws IOException, StreamBusyException {
        return tags(bus, key, flv, lagMs);
    }

    /** {@code clip}'s frames, looped at real-time pace, up to media time {@code millis} (then the stream idles). */
    public static ClipPublisher frames(MediaBus bus, StreamKey key, Clip clip, long millis)
            throws StreamBusyException {
        long[] t0 = new long[1];
        return new ClipPublisher(bus, key, p -> {
            clip.declare(p);
            return i -> {
                Frame f = clip.looped(i);
                if (f.dts() > millis) {
                    return false;
                }
                if (i == 0) {
                    t0[0] = System.nanoTime();
                }
                sleepUntil(t0[0] + f.dts() * 1_000_000L);
                p.push(f);
                return true;
            };
        });
    }

    private static ClipPublisher tags(MediaBus bus, StreamKey key, Path flv, long audioLagMs)
            throws IOException, StreamBusyException {
        List<FlvTag> tags = Clip.tags(flv);
        if (tags.isEmpty()) {
            throw new IOException(flv + ": no tags");
        }
        Comparator<FlvTag> sendAt = Comparator.comparingLong(t -> sendAt(t, audioLagMs));
        if (audioLagMs > 0) {
            tags.sort(sendAt); // stable: configs stay first
        }
        long clipMillis = tags.get(tags.size() - 1).timestamp() + 40;
        long[] t0 = new long[1];
        return new ClipPublisher(bus, key, p -> {
            FlvToBus bridge = new FlvToBus(p, null);
            return i -> {
                int loop = i / tags.size();
                FlvTag tag = tags.get(i % tags.size());
                if (i == 0) {
                    t0[0] = System.nanoTime();
                }
                if (loop > 0 && tag.type() == FlvTag.SCRIPT) {
                    return true; // onMetaData once
                }
                sleepUntil(t0[0] + (sendAt(tag, audioLagMs) + loop * clipMillis) * 1_000_000L);
                long ts = tag.timestamp() + loop * clipMillis;
                if (tag.type() == FlvTag.SCRIPT) {
                    bridge.data(ts, tag.body().duplicate());
                } else {
                    bridge.media(tag.type(), ts, tag.body().duplicate());
                }
                return true;
            };
        });
    }

    private static long sendAt(FlvTag t, long audioLagMs) {
        return t.timestamp() + (t.type() == FlvTag.AUDIO ? audioLagMs : 0);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        }
    }

    private void run(Source source) {
        try {
            for (int i = 0; !stop && source.push(i); i++) {
                // paced by the source
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (FlvFormatException | Amf0Exception e) {
            failure = e;
        } catch (Throwable t) {
            if (!stop) {
                failure = t;
            }
        }
    }

    /** The publisher (for tests that change tracks or metadata under way). */
    public Publisher publisher() {
        return publisher;
    }

    /** Waits until the source is done ({@link #frames} up to its time); fails if publishing failed. */
    public void join() throws InterruptedException {
        thread.join();
        if (failure != null) {
            throw new AssertionError("publishing the clip failed", failure);
        }
    }

    /** Stops publishing and ends the stream on purpose. */
    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(5000);
        if (crash) {
            publisher.disconnect("test: publisher crashed");
        } else {
            publisher.close();
        }
    }

    /** Stops publishing as if the connection died: the bus waits its reconnect grace period. */
    public void crash() throws InterruptedException {
        crash = true;
        close();
    }
}
