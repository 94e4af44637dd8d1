package io.osprey.testkit;

import io.osprey.media.flv.FlvReader;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.flv.FlvTagWriter;
import io.osprey.media.flv.FlvToBus;
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
 * Publishes an FLV clip (e.g. {@link TestMedia#h264Aac}) onto a server's bus in real time, in-process and without
 * an ingest plugin, the way the RTMP ingest would: through {@link FlvToBus}. Loops the clip with rising timestamps
 * until closed, so a plugin under test sees a live stream for as long as the test needs. Its own daemon thread.
 *
 * <pre>{@code
 * try (TestServer server = TestServer.start();
 *      ClipPublisher pub = ClipPublisher.start(server, "live/cam", TestMedia.h264Aac(2, 500))) {
 *     Await.until(...);
 * }
 * }</pre>
 */
public final class ClipPublisher implements AutoCloseable {

    private final Publisher publisher;
    private final Thread thread;
    private volatile boolean closed;

    private ClipPublisher(Publisher publisher, List<FlvTag> tags) {
        this.publisher = publisher;
        this.thread = new Thread(() -> run(tags), "testkit-clip-publisher");
        thread.setDaemon(true);
    }

    /** Starts publishing {@code clip} as {@code stream} ({@code app/name}) on {@code server}'s bus. */
    public static ClipPublisher start(TestServer server, String stream, Path clip) throws Exception {
        return start(server.kernel().bus(), stream, clip);
    }

    /** Starts publishing {@code clip} as {@code stream} ({@code app/name}) on {@code bus}. */
    public static ClipPublisher start(MediaBus bus, String stream, Path clip) throws Exception {
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
        reader.feed(ByteBuffer.wrap(Files.readAllBytes(clip)));
        if (tags.isEmpty()) {
            throw new IllegalArgumentException(clip + " has no FLV tags");
        }
        String[] parts = stream.split("/", 2);
        Publisher p = bus.publish(new StreamKey(parts[0], parts[1]), new PublishRequest("testkit", null, false, null));
        ClipPublisher pub = new ClipPublisher(p, tags);
        pub.thread.start();
        return pub;
    }

    private void run(List<FlvTag> tags) {
        FlvToBus flv = new FlvToBus(publisher, warning -> { });
        long start = System.nanoTime();
        long offset = 0;
        long clipMs = tags.get(tags.size() - 1).timestamp() + 40;
        try {
            while (!closed) {
                for (FlvTag t : tags) {
                    long ts = offset + t.timestamp();
                    long wait = ts - (System.nanoTime() - start) / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait); // pacing to the clip's own clock, not a wait for a condition
                    }
                    if (closed) {
                        return;
                    }
                    if (t.type() == FlvTag.SCRIPT) {
                        flv.data(ts, t.body().duplicate());
                    } else {
                        flv.media(t.type(), ts, t.body().duplicate());
                    }
                }
                offset += clipMs;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.getLogger(ClipPublisher.class.getName()).log(System.Logger.Level.WARNING,
                    "clip publishing failed", e);
        } finally {
            flv.close();
        }
    }

    /** Stops publishing and ends the stream. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        thread.interrupt();
        thread.join(5000);
        publisher.close();
    }
}
