package io.osprey.plugin.hls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.buffer.DirectPool;
import io.osprey.spi.access.Admission;
import io.osprey.spi.bus.Frame;
import io.osprey.testkit.Clip;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segment memory goes back to the pool only when nobody reads it: not while a slow response or the disk mirror
 * still writes an evicted segment, and a late request never gets recycled bytes.
 */
class SegmentRecyclingTest {
    static Clip clip;

    @BeforeAll
    static void media() throws Exception {
        clip = Clip.h264Aac(10);
    }

    /** A packager fed with the clip in a loop, into a window of two segments with its own pool. */
    static final class Feed {
        final DirectPool pool = new DirectPool(256 << 20);
        final StreamSettings settings;
        final MediaWindow window;
        final HlsPackager packager;
        int next;

        Feed(HlsFormat format, boolean lowLatency, MediaWindow.Listener listener) {
            settings = HlsPackagerTest.settings(format, lowLatency, 2);
            window = new MediaWindow("sid", settings, true, pool, listener);
            packager = new HlsPackager("test/s", settings, window, () -> 1_700_000_000_000L);
            for (Frame config : clip.busFrames().subList(0, 2)) {
                packager.accept(config, clip.tracks());
            }
        }

        /** Feeds frames until segment {@code msn} is complete. */
        Snapshot until(long msn) {
            while (window.publish().lastMsn() < msn) {
                packager.accept(clip.looped(next++), clip.tracks());
            }
            return window.snapshot();
        }
    }

    /** A Jetty response that takes the write and completes it only when the test says so. */
    static final class SlowResponse {
        final HttpFields.Mutable headers = HttpFields.build();
        final Response response;
        ByteBuffer written;
        Callback callback;
        int status;

        SlowResponse() {
            response = (Response) Proxy.newProxyInstance(Response.class.getClassLoader(),
                    new Class<?>[] {Response.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "getHeaders" -> headers;
                        case "setStatus" -> {
                            status = (Integer) args[0];
                            yield null;
                        }
                        case "write" -> {
                            written = (ByteBuffer) args[1];
                            callback = (Callback) args[2];
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "slow response";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }
    }

    /** The handler's callback: counts completions. */
    static final class Done implements Callback {
        final AtomicInteger succeeded = new AtomicInteger();
        final AtomicInteger failed = new AtomicInteger();

        @Override
        public void succeeded() {
            succeeded.incrementAndGet();
        }

        @Override
        public void failed(Throwable x) {
            failed.incrementAndGet();
        }
    }

    static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    @Test
    void aSegmentEvictedWhileASlowResponseWritesItIsRecycledOnlyWhenTheWriteCompletes() {
        Feed feed = new Feed(HlsFormat.TS, false, null);
        Snapshot first = feed.until(1);
        Segment seg0 = first.segment(0);
        Segment seg1 = first.segment(1);
        byte[] expected = bytes(seg0.body().bytes());
        Responses responses = new Responses("*");
        SlowResponse slow = new SlowResponse();
        Done done = new Done();
        AtomicInteger permits = new AtomicInteger();
        assertTrue(responses.send(slow.response, done, 200, Responses.MP4_TYPE, Responses.IMMUTABLE, seg0.body(),
                null, false, Admission.admit(permits::incrementAndGet)));
        assertNotNull(slow.callback, "the write is pending");
        assertEquals(2, seg0.body().memory().refCount(), "the window's and the response's");

        Snapshot later = feed.until(8); // seg 0..6 leave the window; their memory feeds segments 3..9
        assertNull(later.segment(0), "evicted");
        assertEquals(1, seg0.body().memory().refCount(), "only the response's reference is left");
        assertEquals(0, seg1.body().memory().refCount(), "an evicted segment nobody reads is recycled");
        assertTrue(feed.pool.reused() >= 3, "segments were written into recycled memory: " + feed.pool.reused());
        assertArrayEquals(expected, bytes(slow.written), "the slow response's bytes never changed");

        // a request that read the old snapshot comes late for the recycled segment: refused, nothing written
        SlowResponse late = new SlowResponse();
        assertFalse(responses.send(late.response, new Done(), 200, Responses.MP4_TYPE, Responses.IMMUTABLE,
                seg1.body(), null, false, null));
        assertNull(late.callback);
        assertEquals(0, late.status, "untouched: the handler answers 404 as for any segment not in the window");

        long idleBefore = feed.pool.idleBytes();
        slow.callback.succeeded();
        assertEquals(1, done.succeeded.get());
        assertEquals(1, permits.get(), "admission released with the write");
        assertEquals(0, seg0.body().memory().refCount(), "back to the pool");
        long back = feed.pool.idleBytes() - idleBefore;
        assertTrue(back >= expected.length, "its buffer is idle in the pool: " + back);
        // and it really is handed out again: filling what the pool gives for its size class overwrites its bytes
        ByteBuffer raw = seg0.body().bytes();
        boolean reused = false;
        for (int i = 0; i < 64 && !reused; i++) {
            ByteBuffer b = feed.pool.acquire((int) back);
            while (b.hasRemaining()) {
                b.put((byte) 0x5A);
            }
            reused = !Arrays.equals(expected, bytes(raw));
        }
        assertTrue(reused, "the memory was handed out again after the write completed");
    }

    @Test
    void aFailedWriteReleasesToo() {
        Feed feed = new Feed(HlsFormat.TS, true, null); // LL-HLS: parts are slices of the segment
        Snapshot s = feed.until(0);
        Part part = s.parts()[0];
        Responses responses = new Responses("*");
        SlowResponse slow = new SlowResponse();
        Done done = new Done();
        int before = part.body().memory().refCount();
        assertTrue(responses.send(slow.response, done, 200, Responses.MP4_TYPE, Responses.IMMUTABLE, part.body(),
                null, false, null));
        assertEquals(before + 1, part.body().memory().refCount());
        slow.callback.failed(new java.io.IOException("client went away"));
        assertEquals(1, done.failed.get());
        assertEquals(before, part.body().memory().refCount());
    }

    @Test
    void headRequestsAndPlaylistsHoldNothing() {
        Feed feed = new Feed(HlsFormat.TS, false, null);
        Snapshot s = feed.until(0);
        Responses responses = new Responses("*");
        SlowResponse head = new SlowResponse();
        assertTrue(responses.send(head.response, new Done(), 200, Responses.MP4_TYPE, Responses.IMMUTABLE,
                s.segment(0).body(), null, true, null));
        assertNull(head.written);
        head.callback.succeeded();
        assertEquals(1, s.segment(0).body().memory().refCount(), "the window's only");
        SlowResponse playlist = new SlowResponse();
        assertTrue(responses.send(playlist.response, new Done(), 200, Responses.PLAYLIST_TYPE, Responses.NO_CACHE,
                s.playlist().body(), null, false, null));
        assertNull(s.playlist().body().memory(), "playlists are left to the collector");
    }

    @Test
    void closingTheWindowHandsEverythingBackExceptWhatIsStillBeingWritten() {
        for (HlsFormat format : HlsFormat.values()) {
            Feed feed = new Feed(format, true, null);
            Snapshot s = feed.until(3);
            for (int i = 0; i < 5; i++) {
                feed.packager.accept(clip.looped(feed.next++), clip.tracks()); // a segment in progress
            }
            Segment last = s.segments()[s.segments().length - 1];
            SlowResponse slow = new SlowResponse();
            assertTrue(new Responses("*").send(slow.response, new Done(), 200, Responses.MP4_TYPE,
                    Responses.IMMUTABLE, last.body(), null, false, null));
            // what HlsStream.end does
            feed.packager.end();
            feed.window.close();
            assertEquals(1, last.body().memory().refCount(), format + ": the response's");
            for (Segment seg : s.segments()) {
                if (seg != last) {
                    assertEquals(0, seg.body().memory().refCount(), format + " segment " + seg.msn());
                }
            }
            for (Part p : s.parts()) {
                if (p.body().memory() != null && p.body().memory() != last.body().memory()) {
                    assertEquals(0, p.body().memory().refCount(), format + " part " + p.number());
                }
            }
            slow.callback.succeeded();
            assertEquals(0, last.body().memory().refCount());
            assertEquals(feed.pool.allocatedBytes(), feed.pool.idleBytes(), format + ": every buffer is back");
            // nothing enters a closed window
            feed.window.closeSegment(null, 0, 0);
            assertEquals(0, feed.window.publish().segments().length);
        }
    }

    @Test
    void theDiskMirrorHoldsASegmentUntilItIsWritten(@TempDir Path dir) throws Exception {
        List<Runnable> tasks = new ArrayList<>();
        DiskMirror mirror = new DiskMirror(dir.resolve("live/s"), tasks::add);
        Feed feed = new Feed(HlsFormat.TS, false, mirror);
        Snapshot s = feed.until(0);
        Segment seg0 = s.segment(0);
        byte[] expected = bytes(seg0.body().bytes());
        assertEquals(2, seg0.body().memory().refCount(), "the window's and the mirror's");
        feed.until(5); // evicted, and its neighbours recycled, before the mirror got to run
        assertEquals(1, seg0.body().memory().refCount(), "the mirror's");
        drain(tasks);
        assertEquals(0, seg0.body().memory().refCount(), "released once written");
        String name = feed.window.name(0);
        // the playlist that dropped it ran after the write, so the file is gone again; its bytes were right:
        // check the newest one, written the same way
        Segment newest = feed.window.snapshot().segments()[1];
        assertArrayEquals(bytes(newest.body().bytes()), Files.readAllBytes(dir.resolve("live/s")
                .resolve(feed.window.name(newest.msn()))));
        assertFalse(Files.exists(dir.resolve("live/s").resolve(name)));
        assertEquals(expected.length, seg0.body().size());

        // a mirror closed before it wrote still lets go of the segments it was handed
        feed.until(6);
        Segment pending = feed.window.snapshot().segments()[1];
        assertEquals(2, pending.body().memory().refCount());
        mirror.removeAll();
        drain(tasks);
        assertEquals(1, pending.body().memory().refCount(), "the window's only");
    }

    private static void drain(List<Runnable> tasks) {
        while (!tasks.isEmpty()) {
            tasks.remove(0).run();
        }
    }
}
