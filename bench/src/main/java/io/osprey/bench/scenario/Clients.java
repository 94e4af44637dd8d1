package io.osprey.bench.scenario;

import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.net.Handler;
import io.osprey.bench.net.Loop;
import io.osprey.bench.rtmp.RtmpPublisher;
import io.osprey.bench.server.Server;
import io.osprey.bench.viewer.HttpFlvViewer;
import io.osprey.bench.viewer.Recorder;
import io.osprey.bench.viewer.RtmpViewer;
import io.osprey.bench.viewer.ViewerStats;
import io.osprey.bench.viewer.WsFlvViewer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The bench's client side for one run: a publisher loop and {@code n} viewer loops (one thread each), with helpers
 * to start publishers and viewers on them and to read their state on their own threads.
 */
public final class Clients implements AutoCloseable {

    /** How viewers play. */
    public enum Protocol { FLV, WS, RTMP }

    private final Loop publisherLoop;
    private final Loop[] viewerLoops;
    private final Recorder[] recorders;
    private final List<ViewerStats> viewers = new ArrayList<>();
    private final List<List<ViewerStats>> perLoop = new ArrayList<>();
    private final java.util.Map<ViewerStats, Loop> loopOf = new java.util.IdentityHashMap<>();
    private final List<RtmpPublisher> publishers = new ArrayList<>();

    public Clients(int viewerThreads) {
        try {
            publisherLoop = new Loop("bench-publishers");
            viewerLoops = new Loop[viewerThreads];
            recorders = new Recorder[viewerThreads];
            for (int i = 0; i < viewerThreads; i++) {
                viewerLoops[i] = new Loop("bench-viewers-" + i);
                viewerLoops[i].measureLag();
                recorders[i] = new Recorder();
                perLoop.add(new ArrayList<>());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a publisher of {@code source} to {@code app/stream}. */
    public RtmpPublisher publish(Server server, String app, String stream, FlvSource source, int probeMs) {
        RtmpPublisher p = new RtmpPublisher(Server.HOST, server.rtmpPort(), app, stream, source, probeMs);
        publishers.add(p);
        publisherLoop.execute(() -> publisherLoop.connect(new InetSocketAddress(Server.HOST, server.rtmpPort()), p));
        return p;
    }

    /** Starts viewer number {@code i}; {@code target} is where to connect (the server, or a proxy in tests). */
    public ViewerStats view(int i, Protocol protocol, InetSocketAddress target, String pathOrApp, String stream) {
        Loop loop = viewerLoops[i % viewerLoops.length];
        ViewerStats st = new ViewerStats(recorders[i % recorders.length]);
        synchronized (viewers) {
            viewers.add(st);
            perLoop.get(i % viewerLoops.length).add(st);
            loopOf.put(st, loop);
        }
        loop.execute(() -> {
            Handler h = switch (protocol) {
                case FLV -> new HttpFlvViewer(Server.HOST, target.getPort(), pathOrApp, st);
                case WS -> new WsFlvViewer(Server.HOST, target.getPort(), pathOrApp, st);
                case RTMP -> new RtmpViewer(Server.HOST, target.getPort(), pathOrApp, stream, st);
            };
            st.begin();
            st.attach(loop.connect(target, h));
        });
        return st;
    }

    /** Closes a viewer on purpose (a soak viewer leaving). */
    public void leave(ViewerStats st) {
        Loop l;
        synchronized (viewers) {
            l = loopOf.get(st);
        }
        l.execute(st::leave);
    }

    /** Stops a publisher on purpose (its connection closes as a dropped encoder's would). */
    public void stop(RtmpPublisher p) {
        publisherLoop.execute(p::stop);
    }

    /** Runs {@code what} on every viewer loop (and the publisher loop) and waits: a consistent snapshot. */
    public <T> List<T> onViewerLoops(java.util.function.IntFunction<T> what) {
        List<CompletableFuture<T>> fs = new ArrayList<>();
        for (int i = 0; i < viewerLoops.length; i++) {
            int k = i;
            CompletableFuture<T> f = new CompletableFuture<>();
            viewerLoops[i].execute(() -> {
                try {
                    f.complete(what.apply(k));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            });
            fs.add(f);
        }
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : fs) {
            out.add(await(f));
        }
        return out;
    }

    /** Runs {@code what} on the publisher loop and waits for its value. */
    public <T> T onPublisherLoop(Supplier<T> what) {
        CompletableFuture<T> f = new CompletableFuture<>();
        publisherLoop.execute(() -> {
            try {
                f.complete(what.get());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        return await(f);
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("client loop did not answer: " + e, e);
        }
    }

    /** The largest lateness of any viewer loop since the last call, in milliseconds. */
    public double takeMaxLagMs() {
        List<Long> lags = new ArrayList<>();
        for (int i = 0; i < viewerLoops.length; i++) {
            Loop l = viewerLoops[i];
            CompletableFuture<Long> f = new CompletableFuture<>();
            l.execute(() -> f.complete(l.takeMaxLag()));
            lags.add(await(f));
        }
        return lags.stream().mapToLong(Long::longValue).max().orElse(0) / 1e6;
    }

    public Recorder recorder(int loop) {
        return recorders[loop];
    }

    public int viewerThreads() {
        return viewerLoops.length;
    }

    /** The viewers on loop {@code k} (read their state only on that loop). */
    public List<ViewerStats> viewersOn(int k) {
        synchronized (viewers) {
            return List.copyOf(perLoop.get(k));
        }
    }

    public List<ViewerStats> viewers() {
        synchronized (viewers) {
            return List.copyOf(viewers);
        }
    }

    public List<RtmpPublisher> publishers() {
        return List.copyOf(publishers);
    }

    /** Waits until {@code p} publishes or closes, at most {@code timeoutMs}; true if it publishes. */
    public boolean awaitPublishing(RtmpPublisher p, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            boolean[] s = onPublisherLoop(() -> new boolean[] {p.isPublishing(), p.closeReason() != null});
            if (s[0]) {
                return true;
            }
            if (s[1]) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Closes every connection and stops the threads. */
    @Override
    public void close() {
        for (Loop l : viewerLoops) {
            l.close();
        }
        publisherLoop.close();
    }
}
