package io.osprey.kernel.bus;

import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.PublishRequest;
import io.osprey.spi.bus.Publisher;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.TrackInfo;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One publisher's hold on a stream. When it continues a stream (reconnect or takeover) its timestamps are shifted
 * to follow the previous publisher's (unless its request keeps them), and its first frame is marked as a
 * discontinuity.
 */
final class BusPublisher implements Publisher {

    private final Bus bus;
    private final LiveStream stream;
    private final PublishRequest request;
    private final boolean continuing;
    private final AtomicBoolean evicted = new AtomicBoolean();
    private volatile boolean closed;
    private boolean first = true;
    private long dtsOffset;
    private long lastDts = Long.MIN_VALUE;
    private long backwardsFrames;
    private long undeclaredFrames;

    BusPublisher(Bus bus, LiveStream stream, PublishRequest request, boolean continuing) {
        this.bus = bus;
        this.stream = stream;
        this.request = request;
        this.continuing = continuing;
    }

    PublishRequest request() {
        return request;
    }

    @Override
    public StreamView stream() {
        return stream;
    }

    @Override
    public void setTrack(TrackInfo track) {
        if (closed || evicted.get()) {
            return;
        }
        if (stream.putTrack(track) && track.config().hasRemaining()) {
            long dts = lastDts == Long.MIN_VALUE ? stream.lastDts() : lastDts;
            stream.append(Frame.config(track.id(), track.codec(), dts, track.config()));
        }
    }

    @Override
    public void setMetadata(Map<String, Object> metadata) {
        if (!closed) {
            stream.setMetadata(metadata);
        }
    }

    @Override
    public void push(Frame frame) {
        if (closed || evicted.get()) {
            frame.release();
            return;
        }
        if (frame.kind() != MediaKind.DATA && !declared(frame)) {
            undeclaredFrames++;
            frame.release();
            return;
        }
        int flags = 0;
        if (first) {
            first = false;
            if (continuing) {
                dtsOffset = request.keepTimestamps() ? 0 : stream.lastDts() + 1 - frame.dts();
                flags = Frame.DISCONTINUITY;
            }
        }
        long dts = frame.dts() + dtsOffset;
        if (dts < lastDts) {
            backwardsFrames++;
        }
        lastDts = Math.max(lastDts, dts);
        if (dts == frame.dts() && flags == 0) {
            stream.append(frame); // the ring takes over the caller's reference
        } else {
            Frame retimed = frame.retimed(dts, flags);
            frame.release();
            stream.append(retimed);
        }
    }

    private boolean declared(Frame f) {
        for (TrackInfo t : stream.tracks()) {
            if (t.kind() == f.kind() && t.id() == f.track()) {
                return true;
            }
        }
        return false;
    }

    /** Frames whose timestamp went backwards; tolerated, counted. */
    long backwardsFrames() {
        return backwardsFrames;
    }

    /** Frames pushed for tracks never declared; dropped, counted. */
    long undeclaredFrames() {
        return undeclaredFrames;
    }

    @Override
    public boolean isEvicted() {
        return evicted.get();
    }

    /** Called by the bus: this publisher lost the stream (kick, takeover, shutdown). */
    void evict(String reason) {
        if (evicted.compareAndSet(false, true)) {
            closed = true;
            try {
                request.onEvict().accept(reason);
            } catch (RuntimeException e) {
                System.getLogger(BusPublisher.class.getName()).log(System.Logger.Level.WARNING,
                        "publisher eviction callback failed for " + stream.key(), e);
            }
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            bus.ended(stream, this, "publisher stopped");
        }
    }

    @Override
    public void disconnect(String reason) {
        if (!closed) {
            closed = true;
            bus.lost(stream, this, reason);
        }
    }
}
