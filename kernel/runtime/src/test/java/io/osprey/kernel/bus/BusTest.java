package io.osprey.kernel.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.bus.Codec;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamBusyException;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.TrackInfo;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BusTest {

    private static final StreamKey KEY = new StreamKey("live", "test");
    private final ScheduledExecutorService sched = Executors.newScheduledThreadPool(2);
    private Bus bus = new Bus(BusSettings.DEFAULT, Runnable::run, sched);

    @AfterEach
    void stop() {
        sched.shutdownNow();
    }

    private static PublishRequest req() {
        return new PublishRequest("test", null, false, null);
    }

    private static ByteBuffer bytes(int n) {
        return ByteBuffer.wrap(new byte[n]);
    }

    private static void declare(Publisher p) {
        p.setTrack(TrackInfo.video(0, Codec.H264, ByteBuffer.wrap(new byte[] {1, 2, 3}), 640, 360, 25));
        p.setTrack(TrackInfo.audio(0, Codec.AAC, ByteBuffer.wrap(new byte[] {0x12, 0x10}), 44100, 2));
    }

    /** Pushes one GOP: a key frame and {@code n-1} inter frames, 40 ms apart, plus audio. */
    private static long gop(Publisher p, long dts, int n, int size) {
        for (int i = 0; i < n; i++) {
            p.push(Frame.media(0, Codec.H264, dts, 0, i == 0, bytes(size)));
            p.push(Frame.media(0, Codec.AAC, dts, 0, true, bytes(10)));
            dts += 40;
        }
        return dts;
    }

    private static List<Frame> drain(Subscription s) {
        List<Frame> out = new ArrayList<>();
        while (s.poll(out, 1000) > 0) {
            // keep going
        }
        return out;
    }

    @Test
    void newSubscriberStartsWithConfigsThenTheCachedGopKeyFrame() throws Exception {
        Publisher p = bus.publish(KEY, req());
        declare(p);
        long dts = gop(p, 0, 10, 100);
        gop(p, dts, 5, 100);
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        List<Frame> got = drain(s);
        assertTrue(got.get(0).isConfig());
        assertTrue(got.get(1).isConfig());
        assertTrue(got.get(2).isVideoKey(), "first media frame is the cached GOP's key frame: " + got.get(2));
        assertEquals(400, got.get(2).dts());
        assertEquals(2 + 10, got.size(), "configs + 5 video + 5 audio of the current GOP");
    }

    /** Issue 13: a push that arrives in one read is published and closed before its recorder has polled once. */
    @Test
    void whatWasPublishedBeforeTheEndIsStillReadAfterIt() throws Exception {
        Publisher p = bus.publish(KEY, req());
        Subscription s = bus.subscribe(KEY, new SubscribeOptions("rec", false, true, true, true, 4096, 64L << 20,
                30_000, 0), x -> { });
        declare(p);
        long dts = gop(p, 0, 10, 100);
        gop(p, dts, 10, 100);
        p.close();
        List<Frame> got = drain(s);
        assertEquals(2 + 40, got.size(), "configs + both GOPs, audio and video: " + got.size());
        assertEquals(760, got.get(got.size() - 1).dts());
        assertEquals(-1, s.poll(new ArrayList<>(), 10));
        assertEquals("publisher stopped", s.endReason());
    }

    @Test
    void subscriberIsWokenOncePerDemandAndSeesTheEnd() throws Exception {
        Publisher p = bus.publish(KEY, req());
        declare(p);
        AtomicInteger wakeups = new AtomicInteger();
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> wakeups.incrementAndGet());
        drain(s);
        s.demand();
        s.demand();
        gop(p, 0, 3, 10);
        assertEquals(1, wakeups.get());
        drain(s);
        s.demand();
        p.close();
        assertEquals(2, wakeups.get());
        assertEquals(-1, s.poll(new ArrayList<>(), 10));
        assertEquals("publisher stopped", s.endReason());
        assertThrows(StreamNotFoundException.class, () -> bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { }));
    }

    @Test
    void slowSubscriberSkipsToTheNewestKeyFrameThenIsClosed() throws Exception {
        Publisher p = bus.publish(KEY, req());
        declare(p);
        SubscribeOptions opts = SubscribeOptions.viewer("t").withLag(100, 1 << 20, 60_000, 2);
        Subscription s = bus.subscribe(KEY, opts, x -> { });
        long dts = 0;
        for (int round = 1; round <= 3; round++) {
            for (int g = 0; g < 3; g++) {
                dts = gop(p, dts, 40, 100); // 3 GOPs of 80 frames: more than the 100 allowed
            }
            List<Frame> got = new ArrayList<>();
            int n = s.poll(got, 1000);
            if (round < 3) {
                assertTrue(n > 0);
                Frame firstMedia = got.stream().filter(f -> !f.isConfig()).findFirst().orElseThrow();
                assertTrue(firstMedia.isVideoKey(), "resumes at a key frame");
                assertTrue(s.droppedFrames() > 0);
            } else {
                assertEquals(-1, n, "closed after too many drops");
                assertEquals("too slow", s.endReason());
            }
        }
    }

    @Test
    void slowSubscriberStaysBoundedWithConstantTimestamps() throws Exception {
        // srs#712: a bound on time alone never trims when timestamps stand still; frames and bytes must.
        Publisher p = bus.publish(KEY, req());
        declare(p);
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t").withLag(100, 10_000, 1_000_000, 0), x -> { });
        for (int i = 0; i < 5000; i++) {
            p.push(Frame.media(0, Codec.H264, 0, 0, i % 50 == 0, bytes(1000)));
        }
        List<Frame> got = new ArrayList<>();
        s.poll(got, 10_000);
        assertTrue(got.size() <= 60, "lag bounded, got " + got.size());
        assertTrue(s.droppedFrames() > 4000);
        LiveStream ls = (LiveStream) s.stream();
        assertTrue(ls.ring().retainedBytes() <= BusSettings.DEFAULT.ringMaxBytes());
    }

    @Test
    void aStreamWithoutViewersKeepsOnlyItsGopUntilAViewerComes() throws Exception {
        Publisher p = bus.publish(KEY, req());
        declare(p);
        Subscription hls = bus.subscribe(KEY, SubscribeOptions.packager("hls"), x -> { });
        long dts = 0;
        for (int g = 0; g < 5; g++) {
            dts = gop(p, dts, 25, 1000); // 1 s GOPs, well within bus.retainMs (5 s)
            drain(hls);
        }
        LiveStream ls = (LiveStream) p.stream();
        assertEquals(50, ls.ring().retainedFrames(), "packagers only, all read: the current GOP, not 5 s");
        Subscription viewer = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        assertEquals(52, drain(viewer).size(), "a viewer joins at the newest key frame: configs and the GOP");
        for (int g = 0; g < 4; g++) {
            dts = gop(p, dts, 25, 1000);
            drain(hls);
            drain(viewer);
        }
        assertEquals(50 * 5, ls.ring().retainedFrames(), "with a viewer, bus.retainMs behind the newest frame: "
                + "the GOP it joined at and the 4 s since");
        viewer.close();
        gop(p, dts, 25, 1000);
        drain(hls);
        assertEquals(50, ls.ring().retainedFrames(), "the viewer gone: back to the current GOP");
    }

    @Test
    void ringIsBoundedWithoutKeyFrames() throws Exception {
        bus = new Bus(new BusSettings(256, 100_000, 10_000, 5_000), Runnable::run, sched);
        Publisher p = bus.publish(KEY, req());
        declare(p);
        for (int i = 0; i < 10_000; i++) {
            p.push(Frame.media(0, Codec.H264, i, 0, false, bytes(1000)));
        }
        LiveStream ls = (LiveStream) p.stream();
        assertTrue(ls.ring().retainedFrames() <= 256);
        assertTrue(ls.ring().retainedBytes() <= 100_000);
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        List<Frame> got = drain(s);
        assertTrue(got.isEmpty(), "no key frame yet: nothing to show, nothing queued");
        p.push(Frame.media(0, Codec.H264, 10_000, 0, true, bytes(10)));
        got = drain(s);
        assertEquals(3, got.size(), "configs, then the key frame");
    }

    @Test
    void secondPublisherIsRefusedUnlessTakingOver() throws Exception {
        AtomicReference<String> evicted = new AtomicReference<>();
        Publisher p1 = bus.publish(KEY, new PublishRequest("a", null, false, evicted::set));
        declare(p1);
        assertThrows(StreamBusyException.class, () -> bus.publish(KEY, req()));
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        long dts = gop(p1, 1000, 5, 10);
        Publisher p2 = bus.publish(KEY, new PublishRequest("b", null, true, null));
        assertNotNull(evicted.get());
        assertTrue(p1.isEvicted());
        declare(p2);
        gop(p2, 0, 2, 10);
        List<Frame> got = drain(s);
        Frame firstOfSecond = got.stream().filter(Frame::isDiscontinuity).findFirst().orElseThrow();
        assertTrue(firstOfSecond.dts() >= dts - 40, "timestamps continue: " + firstOfSecond.dts());
        assertNull(s.endReason());
    }

    @Test
    void lostPublisherThatReturnsWithinGraceContinuesTheStream() throws Exception {
        bus = new Bus(new BusSettings(4096, 1 << 24, 10_000, 2_000), Runnable::run, sched);
        Publisher p1 = bus.publish(KEY, req());
        declare(p1);
        gop(p1, 0, 5, 10);
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        drain(s);
        p1.disconnect("connection reset");
        StreamView view = bus.stream(KEY).orElseThrow();
        assertFalse(view.hasPublisher());
        Publisher p2 = bus.publish(KEY, req());
        declare(p2);
        gop(p2, 0, 2, 10);
        assertTrue(drain(s).size() > 0);
        assertEquals(2, view.stats().publishes());
        p2.disconnect("again");
        CountDownLatch ended = new CountDownLatch(1);
        bus.watch(new StreamWatcher() {
            @Override
            public void onStreamEnded(StreamView stream) {
                ended.countDown();
            }
        });
        assertTrue(ended.await(5, TimeUnit.SECONDS), "ends when the grace period passes");
        assertEquals(-1, s.poll(new ArrayList<>(), 10));
    }

    /** keepTimestamps (a restarted rendition encoder): the returning publisher's timestamps are not shifted. */
    @Test
    void aReturningPublisherThatKeepsTimestampsIsNotShifted() throws Exception {
        bus = new Bus(new BusSettings(4096, 1 << 24, 10_000, 2_000), Runnable::run, sched);
        Publisher p1 = bus.publish(KEY, new PublishRequest("t", null, false, null, true));
        declare(p1);
        gop(p1, 0, 5, 10); // up to 160 ms
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        drain(s);
        p1.disconnect("worker killed");
        Publisher p2 = bus.publish(KEY, new PublishRequest("t", null, false, null, true));
        declare(p2);
        gop(p2, 2000, 2, 10); // the restarted encoder resumes at the source's next key frame, 2 s
        Frame first = drain(s).stream().filter(Frame::isDiscontinuity).findFirst().orElseThrow();
        assertEquals(2000, first.dts(), "kept, not moved to follow 160 ms");
        // the default still shifts
        p2.disconnect("again");
        Publisher p3 = bus.publish(KEY, req());
        declare(p3);
        gop(p3, 0, 2, 10);
        Frame shifted = drain(s).stream().filter(Frame::isDiscontinuity).findFirst().orElseThrow();
        assertEquals(2041, shifted.dts(), "follows the last frame (2040 ms)");
    }

    /** Plugins stopping after the kernel's scheduler: a lost publisher ends its stream at once, no exception. */
    @Test
    void aPublisherLostWhileTheServerStopsEndsTheStreamAtOnce() throws Exception {
        ScheduledExecutorService stopped = Executors.newSingleThreadScheduledExecutor();
        stopped.shutdown();
        bus = new Bus(new BusSettings(4096, 1 << 24, 10_000, 2_000), Runnable::run, stopped);
        Publisher p = bus.publish(KEY, req());
        declare(p);
        gop(p, 0, 2, 10);
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        p.disconnect("plugin stopping");
        assertTrue(bus.stream(KEY).isEmpty(), "ended, not waiting for a grace timer that can never run");
        drain(s);
        assertEquals(-1, s.poll(new ArrayList<>(), 10));
    }

    @Test
    void viewersAreCountedPerProtocol() throws Exception {
        Publisher p = bus.publish(KEY, req());
        declare(p);
        Subscription a = bus.subscribe(KEY, SubscribeOptions.viewer("httpflv"), x -> { });
        bus.subscribe(KEY, SubscribeOptions.viewer("httpflv"), x -> { });
        bus.subscribe(KEY, SubscribeOptions.packager("hls"), x -> { });
        StreamView v = p.stream();
        assertEquals(2, v.stats().viewers().get("httpflv"));
        assertEquals(3, v.stats().subscribers());
        a.close();
        assertEquals(1, v.stats().viewers().get("httpflv"));
    }

    @Test
    void audioOnlySubscriberSkipsVideo() throws Exception {
        Publisher p = bus.publish(KEY, req());
        declare(p);
        gop(p, 0, 3, 10);
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t").withTracks(false, true), x -> { });
        gop(p, 120, 3, 10);
        for (Frame f : drain(s)) {
            assertEquals(io.osprey.spi.bus.MediaKind.AUDIO, f.kind());
        }
    }

    /** An executor that holds tasks until told to run them: shows what one wake-up pass carries. */
    private static final class HeldExecutor implements java.util.concurrent.Executor {
        final java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable r) {
            tasks.add(r);
        }

        int runAll() {
            int n = 0;
            Runnable r;
            while ((r = next()) != null) {
                r.run();
                n++;
            }
            return n;
        }

        private synchronized Runnable next() {
            return tasks.poll();
        }
    }

    @Test
    void framesPushedBeforeTheWakeUpRunsRideAlongInOnePass() throws Exception {
        HeldExecutor ex = new HeldExecutor();
        bus = new Bus(BusSettings.DEFAULT, ex, sched);
        Publisher p = bus.publish(KEY, req());
        declare(p);
        List<Integer> batches = new ArrayList<>();
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> batches.add(drain(x).size()));
        drain(s);
        s.demand();
        gop(p, 0, 2, 10); // video and audio of two instants, pushed in one go (one read of the publisher)
        assertEquals(1, ex.tasks.size(), "one wake-up pass queued for four frames");
        ex.runAll();
        assertEquals(List.of(2 + 4), batches, "called once, it found the two codec configs and all four frames");
    }

    @Test
    void aSubscriberWhoseWriteCompletesAtOnceIsCalledAgainOnTheSameThread() throws Exception {
        HeldExecutor ex = new HeldExecutor();
        bus = new Bus(BusSettings.DEFAULT, ex, sched);
        Publisher p = bus.publish(KEY, req());
        declare(p);
        List<Integer> calls = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Publisher> pub = new AtomicReference<>(p);
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> {
            List<Frame> got = new ArrayList<>();
            x.poll(got, 1);
            calls.add(got.size());
            threads.add(Thread.currentThread());
            if (calls.size() == 1) {
                pub.get().push(Frame.media(0, Codec.AAC, 1000, 0, true, bytes(10))); // arrives during the "write"
            }
            x.demand(); // the write completed inline: ask for more from inside the call
        });
        drain(s);
        s.demand();
        gop(p, 0, 1, 10);
        assertEquals(1, ex.runAll(), "one task: the wake-up pass; the calls after it needed no hand-off");
        // two frames of the gop one at a time, then the one pushed meanwhile, then nothing: the last demand waits
        assertEquals(List.of(1, 1, 1), calls.subList(0, 3));
        assertTrue(threads.stream().allMatch(t -> t == threads.get(0)), "redelivered on the same thread");
        int before = calls.size();
        p.push(Frame.media(0, Codec.AAC, 1040, 0, true, bytes(10)));
        ex.runAll();
        assertEquals(before + 1, calls.size(), "the pending demand is woken by the next frame");
    }

    /** Many subscribers on a real pool, some writing inline and some completing later: all frames, in order, never two calls at once. */
    @Test
    void aLargeFanOutDeliversEveryFrameInOrderWithoutOverlappingCalls() throws Exception {
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(4);
        ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
        try {
            bus = new Bus(new BusSettings(100_000, 64L << 20, 3_600_000, 5000), pool, sched);
            Publisher p = bus.publish(KEY, req());
            declare(p);
            int viewers = 600;
            int frames = 400;
            AtomicInteger overlaps = new AtomicInteger();
            AtomicInteger disorder = new AtomicInteger();
            CountDownLatch done = new CountDownLatch(viewers);
            for (int i = 0; i < viewers; i++) {
                boolean async = i % 3 == 0;
                java.util.concurrent.atomic.AtomicBoolean inside = new java.util.concurrent.atomic.AtomicBoolean();
                long[] last = {-1, 0};
                Subscription[] self = new Subscription[1];
                self[0] = bus.subscribe(KEY, SubscribeOptions.viewer("t").withTracks(false, true)
                        .withLag(100_000, 1L << 30, 3_600_000, 0), x -> {
                    if (!inside.compareAndSet(false, true)) {
                        overlaps.incrementAndGet();
                    }
                    List<Frame> got = new ArrayList<>();
                    x.poll(got, 7);
                    for (Frame f : got) {
                        if (f.isConfig()) {
                            continue;
                        }
                        if (f.dts() < last[0]) {
                            disorder.incrementAndGet();
                        }
                        last[0] = f.dts();
                        if (++last[1] == frames) {
                            done.countDown();
                        }
                    }
                    inside.set(false);
                    if (async) {
                        later.schedule(x::demand, 200, TimeUnit.MICROSECONDS);
                    } else {
                        x.demand();
                    }
                });
                self[0].demand();
            }
            for (int i = 0; i < frames; i++) {
                p.push(Frame.media(0, Codec.AAC, i * 23L, 0, true, bytes(10)));
                if (i % 10 == 0) {
                    Thread.sleep(1);
                }
            }
            assertTrue(done.await(60, TimeUnit.SECONDS), "every subscriber got every frame; left " + done.getCount());
            assertEquals(0, overlaps.get(), "onReadable never ran twice at once for one subscriber");
            assertEquals(0, disorder.get());
        } finally {
            pool.shutdownNow();
            later.shutdownNow();
        }
    }

    @Test
    void wakeUpsOfManyStreamsShareOneHandOffPerLane() throws Exception {
        HeldExecutor ex = new HeldExecutor();
        bus = new Bus(BusSettings.DEFAULT, ex, sched);
        int streams = 64;
        List<Publisher> pubs = new ArrayList<>();
        int[] calls = new int[streams];
        for (int i = 0; i < streams; i++) {
            Publisher p = bus.publish(new StreamKey("live", "s" + i), req());
            declare(p);
            int me = i;
            Subscription s = bus.subscribe(new StreamKey("live", "s" + i), SubscribeOptions.viewer("t"), x -> {
                calls[me]++;
                drain(x);
            });
            drain(s);
            s.demand();
            pubs.add(p);
        }
        for (Publisher p : pubs) {
            gop(p, 0, 1, 10); // one read of each publisher
        }
        int lanes = Runtime.getRuntime().availableProcessors();
        assertEquals(Math.min(streams, lanes), ex.tasks.size(), "one queued task per lane, not per stream");
        assertEquals(Math.min(streams, lanes), ex.runAll());
        for (int i = 0; i < streams; i++) {
            assertEquals(1, calls[i], "stream " + i + " woken once");
        }
    }

    /** Publishers on several threads, one subscriber per stream on a real pool: no wake-up is ever lost. */
    @Test
    void everyFrameOfManyStreamsReachesItsSubscriberThroughTheLanes() throws Exception {
        java.util.concurrent.ExecutorService pool = Executors.newFixedThreadPool(3);
        java.util.concurrent.ExecutorService publishers = Executors.newFixedThreadPool(4);
        try {
            bus = new Bus(new BusSettings(100_000, 64L << 20, 3_600_000, 5000), pool, sched);
            int streams = 40;
            int frames = 300;
            CountDownLatch done = new CountDownLatch(streams);
            List<Publisher> pubs = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                StreamKey key = new StreamKey("live", "s" + i);
                Publisher p = bus.publish(key, req());
                p.setTrack(TrackInfo.audio(0, Codec.AAC, ByteBuffer.wrap(new byte[] {0x12, 0x10}), 44100, 2));
                pubs.add(p);
                AtomicInteger got = new AtomicInteger();
                Subscription s = bus.subscribe(key, SubscribeOptions.viewer("t").withTracks(false, true)
                        .withLag(100_000, 1L << 30, 3_600_000, 0), x -> {
                    List<Frame> batch = new ArrayList<>();
                    x.poll(batch, 1000);
                    for (Frame f : batch) {
                        if (!f.isConfig() && got.incrementAndGet() == frames) {
                            done.countDown();
                        }
                    }
                    x.demand();
                });
                s.demand();
            }
            for (int t = 0; t < 4; t++) {
                int lane = t;
                publishers.execute(() -> {
                    for (int n = 0; n < frames; n++) {
                        for (int i = lane; i < streams; i += 4) {
                            pubs.get(i).push(Frame.media(0, Codec.AAC, n * 23L, 0, true, bytes(10)));
                        }
                    }
                });
            }
            assertTrue(done.await(60, java.util.concurrent.TimeUnit.SECONDS),
                    done.getCount() + " streams did not deliver all " + frames + " frames");
        } finally {
            publishers.shutdownNow();
            pool.shutdownNow();
        }
    }
    // ---- pooled payloads: who holds which reference ----

    /** Counts references to one payload memory like a pooled segment (starts with the first frame's). */
    private static final class Owner implements Frame.PayloadOwner {
        final AtomicInteger refs = new AtomicInteger();
        final AtomicInteger returned = new AtomicInteger();

        Frame frame(long dts, boolean key) {
            refs.incrementAndGet();
            return Frame.media(0, Codec.H264, dts, 0, key, bytes(100), this);
        }

        @Override
        public void retain() {
            refs.incrementAndGet();
        }

        @Override
        public void release() {
            if (refs.decrementAndGet() == 0) {
                returned.incrementAndGet();
            }
        }
    }

    @Test
    void theRingReleasesWhatItEvictsAndPollHandsOutReferences() throws Exception {
        bus = new Bus(new BusSettings(16, 1 << 20, 10_000, 5_000), Runnable::run, sched);
        Publisher p = bus.publish(KEY, req());
        declare(p);
        Owner owner = new Owner();
        List<Frame> pushed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Frame f = owner.frame(i * 40L, i == 0);
            pushed.add(f);
            p.push(f);
        }
        assertEquals(10, owner.refs.get(), "the ring holds the publisher's references: all frames alive");
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        List<Frame> got = drain(s);
        List<Frame> media = got.stream().filter(Frame::isPooled).toList();
        assertEquals(10, media.size());
        media.forEach(f -> assertEquals(2, f.refCount(), "the ring's and the subscriber's"));
        media.forEach(Frame::release);
        media.forEach(f -> assertEquals(1, f.refCount()));
        for (int i = 10; i < 40; i++) {
            p.push(owner.frame(i * 40L, false)); // the ring keeps 15: the oldest are evicted and released
        }
        assertEquals(15, ((LiveStream) p.stream()).ring().retainedFrames());
        assertEquals(15, owner.refs.get(), "frames the ring evicted are released: only what it retains is alive");
        assertEquals(0, pushed.get(0).refCount(), "evicted, released, its bytes free for reuse");
        drain(s).forEach(Frame::release);
        p.close();
    }

    @Test
    void aFrameWhoseCountReachedZeroIsNeverHandedOut() throws Exception {
        Publisher p = bus.publish(KEY, req());
        declare(p);
        Owner owner = new Owner();
        p.push(owner.frame(0, true));
        Frame gone = owner.frame(40, false);
        p.push(gone);
        p.push(owner.frame(80, false));
        gone.release(); // as if evicted and released between the ring read and the retain
        Subscription s = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        List<Frame> got = drain(s);
        assertFalse(got.contains(gone), "skipped like a frame the writer lapped");
        got.forEach(Frame::release);
        p.close();
    }

    @Test
    void framesTheBusDoesNotKeepAreReleased() throws Exception {
        bus = new Bus(new BusSettings(4096, 1 << 24, 10_000, 2_000), Runnable::run, sched);
        Owner owner = new Owner();
        Publisher p1 = bus.publish(KEY, req());
        p1.push(owner.frame(0, true)); // no track declared: dropped
        assertEquals(0, owner.refs.get());
        declare(p1);
        p1.push(owner.frame(0, true));
        p1.disconnect("gone");
        Publisher p2 = bus.publish(KEY, req()); // continues: its first frame is retimed
        declare(p2);
        Frame first = owner.frame(0, true);
        p2.push(first);
        assertEquals(0, first.refCount(), "the bus keeps the retimed copy, not the pushed frame");
        assertEquals(1, owner.refs.get(), "one frame in the ring: the copy's key frame starts a GOP, and with no "
                + "viewer the ring keeps no earlier one");
        p2.close();
        assertEquals(0, owner.refs.get(), "ended with nobody reading: the ring gave its frames back");
        p2.push(owner.frame(40, false)); // after close: dropped
        assertEquals(0, owner.refs.get());
    }

    @Test
    void packagersAreWokenOnThePublishersThreadAndViewersThroughALane() throws Exception {
        List<Runnable> queued = new ArrayList<>();
        bus = new Bus(BusSettings.DEFAULT, queued::add, sched);
        Publisher p = bus.publish(KEY, req());
        declare(p);
        p.push(Frame.media(0, Codec.H264, 0, 0, true, bytes(10)));
        AtomicReference<Thread> packagerOn = new AtomicReference<>();
        AtomicReference<Thread> viewerOn = new AtomicReference<>();
        Subscription packager = bus.subscribe(KEY, SubscribeOptions.packager("hls"), s -> {
            packagerOn.set(Thread.currentThread());
            drain(s);
            s.demand();
        });
        packager.demand();
        queued.forEach(Runnable::run); // the first call, for what the ring already holds
        queued.clear();
        packagerOn.set(null);
        p.push(Frame.media(0, Codec.H264, 40, 0, false, bytes(10)));
        assertEquals(Thread.currentThread(), packagerOn.get(), "only packagers: woken inline, no hand-off");
        assertTrue(queued.isEmpty());

        Subscription viewer = bus.subscribe(KEY, SubscribeOptions.viewer("t"), s -> {
            viewerOn.set(Thread.currentThread());
            drain(s);
            s.demand();
        });
        viewer.demand();
        queued.forEach(Runnable::run);
        queued.clear();
        packagerOn.set(null);
        viewerOn.set(null);
        p.push(Frame.media(0, Codec.H264, 80, 0, false, bytes(10)));
        assertNull(packagerOn.get(), "with a viewer the pass goes to a lane, so the publisher goes on parsing");
        assertEquals(1, queued.size());
        queued.get(0).run();
        assertNotNull(packagerOn.get());
        assertNotNull(viewerOn.get());
        viewer.close();
        queued.clear();
        packagerOn.set(null);
        p.push(Frame.media(0, Codec.H264, 120, 0, false, bytes(10)));
        assertEquals(Thread.currentThread(), packagerOn.get(), "the viewer left: inline again");
    }
    /** Pushes {@code n} GOPs of 2 s (50 video frames, each with an audio frame: 100 frames a GOP). */
    private static long gops(Publisher p, long dts, int n) {
        for (int i = 0; i < n; i++) {
            dts = gop(p, dts, 50, 100);
        }
        return dts;
    }

    @Test
    void theRingKeepsWhatALaggingPackagerHasNotReadWithinItsBound() throws Exception {
        bus = new Bus(new BusSettings(100_000, 1L << 30, 1_000, 5_000), Runnable::run, sched);
        Publisher p = bus.publish(KEY, req());
        declare(p);
        Subscription recorder = bus.subscribe(KEY, new SubscribeOptions("rec", false, true, true, true,
                100_000, 1L << 30, 8_000, 0), x -> { });
        long dts = gops(p, 0, 1);
        drain(recorder);
        dts = gops(p, dts, 3); // 6 s while the recorder waits (say, for its disk): more than retainMs
        LiveStream ls = (LiveStream) p.stream();
        List<Frame> got = drain(recorder);
        assertEquals(0, recorder.droppedFrames(), "nothing skipped: the ring kept the recorder's backlog");
        assertEquals(300, got.size(), "every frame since its last read");
        drain(recorder);
        dts = gops(p, dts, 1); // the next appends evict what it has read
        assertTrue(ls.ring().retainedFrames() < 200, "caught up: back to the GOP and retainMs, "
                + ls.ring().retainedFrames());

        gops(p, dts, 6); // 12 s: past the recorder's 8 s bound
        assertTrue(ls.ring().retainedFrames() < 560, "held no further than the packager's bound: "
                + ls.ring().retainedFrames());
        drain(recorder);
        assertTrue(recorder.droppedFrames() > 0, "beyond its bound it is moved on like any slow reader");
    }

    @Test
    void aLaggingViewerHoldsNothingBeyondRetainMs() throws Exception {
        bus = new Bus(new BusSettings(100_000, 1L << 30, 1_000, 5_000), Runnable::run, sched);
        Publisher p = bus.publish(KEY, req());
        declare(p);
        Subscription viewer = bus.subscribe(KEY, SubscribeOptions.viewer("t"), x -> { });
        gops(p, 0, 5);
        LiveStream ls = (LiveStream) p.stream();
        assertTrue(ls.ring().retainedFrames() < 200, "GOP and retainMs only: " + ls.ring().retainedFrames());
        viewer.close();
    }
}
