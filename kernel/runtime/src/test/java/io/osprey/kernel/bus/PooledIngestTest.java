package io.osprey.kernel.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.buffer.DirectPool;
import io.osprey.media.flv.FlvTag;
import io.osprey.media.live.FlvToBus;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The whole ownership chain of pooled ingest payloads, FlvToBus to bus to subscriber: memory is reused as soon as
 * nobody holds it, and never while a subscriber still holds a frame, however far behind the publisher it is.
 */
class PooledIngestTest {

    private static final int PAYLOAD = 2000; // ~130 frames per 256 KiB segment
    private final ScheduledExecutorService sched = Executors.newScheduledThreadPool(1);

    @AfterEach
    void stop() {
        sched.shutdownNow();
    }

    /** An AAC AUDIODATA body whose raw frame is {@code n} repeated with a running offset, so any overwrite shows. */
    private static ByteBuffer aac(int n) {
        ByteBuffer b = ByteBuffer.allocate(2 + PAYLOAD);
        b.put((byte) 0xAF).put((byte) 1);
        for (int i = 0; i < PAYLOAD; i++) {
            b.put((byte) (n * 31 + i));
        }
        return b.flip();
    }

    private static boolean intact(Frame f, int n) {
        ByteBuffer want = aac(n);
        want.position(2);
        return f.payload().equals(want);
    }

    @Test
    void heldFramesSurviveWhileEverythingElseIsReused() throws Exception {
        Bus bus = new Bus(new BusSettings(4096, 32L << 20, 0, 5_000), Runnable::run, sched);
        StreamKey key = new StreamKey("live", "pooled");
        Publisher p = bus.publish(key, new PublishRequest("test", null, false, null));
        FlvToBus ingest = new FlvToBus(p, null);
        ingest.media(FlvTag.AUDIO, 0, ByteBuffer.wrap(new byte[] {(byte) 0xAF, 0, 0x12, 0x10})); // AAC LC 44.1k
        Subscription s = bus.subscribe(key, SubscribeOptions.packager("test"), x -> { });

        int n = 0;
        List<Frame> held = new ArrayList<>();
        for (; n < 50; n++) {
            ingest.media(FlvTag.AUDIO, n * 23L, aac(n));
            s.poll(held, 1000);
        }
        held.removeIf(f -> !f.isPooled()); // the config
        assertEquals(50, held.size());
        long reused0 = DirectPool.shared().reused();

        List<Frame> batch = new ArrayList<>();
        for (; n < 3000; n++) { // ~23 segments while the 50 frames stay held
            ingest.media(FlvTag.AUDIO, n * 23L, aac(n));
            batch.clear();
            s.poll(batch, 1000);
            for (Frame f : batch) {
                f.release(); // a prompt subscriber
            }
        }
        assertTrue(DirectPool.shared().reused() - reused0 >= 15,
                "segments nobody holds are reused: " + (DirectPool.shared().reused() - reused0));
        for (int i = 0; i < held.size(); i++) {
            assertTrue(intact(held.get(i), i), "held frame " + i + " was overwritten");
            held.get(i).release();
        }
        ingest.close();
        p.close();
    }

    /**
     * An ended stream gives its frames back when its last subscription closes, even while something still holds the
     * subscription (and through it the stream): issue 13's push rounds kept 2 GB of direct memory that way.
     */
    @Test
    void anEndedStreamReleasesItsFramesWhenItsLastReaderCloses() throws Exception {
        Bus bus = new Bus(new BusSettings(4096, 32L << 20, 10_000, 5_000), Runnable::run, sched);
        StreamKey key = new StreamKey("live", "ended");
        Publisher p = bus.publish(key, new PublishRequest("test", null, false, null));
        FlvToBus ingest = new FlvToBus(p, null);
        ingest.media(FlvTag.AUDIO, 0, ByteBuffer.wrap(new byte[] {(byte) 0xAF, 0, 0x12, 0x10}));
        Subscription s = bus.subscribe(key, SubscribeOptions.packager("test"), x -> { });
        List<Frame> read = new ArrayList<>();
        for (int n = 0; n < 100; n++) {
            ingest.media(FlvTag.AUDIO, n * 23L, aac(n));
        }
        s.poll(read, 1000);
        List<Frame> pooled = new ArrayList<>(read);
        pooled.removeIf(f -> !f.isPooled());
        assertEquals(100, pooled.size());
        for (Frame f : read) {
            f.release(); // the reader is done with them; the ring still holds each once
        }
        assertTrue(pooled.stream().allMatch(f -> f.refCount() == 1), "the ring holds what was read");
        ingest.close();
        p.close();
        assertTrue(pooled.stream().allMatch(f -> f.refCount() == 1), "a reader may still read an ended stream");
        s.close();
        assertTrue(pooled.stream().allMatch(f -> f.refCount() == 0),
                "ended and unread: every frame went back to the pool");
    }
}
