package io.osprey.plugin.httpflv;

import io.osprey.media.buffer.DirectLog;
import io.osprey.media.flv.FlvHeader;
import io.osprey.media.flv.FlvMedia;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.SessionEnd;
import io.osprey.spi.bus.Frame;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.SubscriptionListener;
import io.osprey.spi.bus.TrackInfo;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.util.Callback;

/**
 * One FLV viewer over HTTP or WebSocket: polls everything the bus has for it, turns the batch into as few buffers
 * as possible (runs of consecutive frames are single slices of the stream's shared {@link TagLog}), writes them
 * one after the other, and asks for more when the last write completes. So at most one batch is in flight per
 * viewer, the bus's lag bounds apply (skip to the next key frame, then disconnect), nothing is copied per viewer,
 * and whatever queued while a write was in flight goes out in the next one. With many viewers the next ask waits
 * for the output's {@link io.osprey.media.live.WriteMerger} window (their share of the write budget).
 */
final class FlvViewer implements SubscriptionListener, Callback {

    /** Frames per poll: a whole GOP at join, whatever queued after. */
    private static final int BATCH = 512;

    private final FlvOutputs outputs;
    private final FlvSink sink;
    private final Admission admission;
    private final String protocol;
    private final FlvOutputs.OutCounters counters;
    private final boolean video;
    private final boolean audio;
    private final List<Frame> batch = new ArrayList<>(64);
    private final List<ByteBuffer> pending = new ArrayList<>(8);
    private volatile Subscription sub;
    private TagLog log;
    private int next;
    private long pendingBytes;
    private volatile long writeStartedNanos;
    private volatile boolean finished;
    private final Runnable demander = this::demand;
    private final InetSocketAddress remote;
    private final long createdNanos = System.nanoTime();
    private volatile long sent;
    private volatile String endReason = "";

    /** {@code remote}: the client, reported with the bytes sent when the viewer ends ({@link SessionEnd}). */
    FlvViewer(FlvOutputs outputs, FlvSink sink, Admission admission, String protocol, boolean video, boolean audio,
              InetSocketAddress remote) {
        this.remote = remote;
        this.outputs = outputs;
        this.sink = sink;
        this.admission = admission;
        admission.onRevoke(reason -> abort("admission revoked: " + reason, null));
        this.protocol = protocol;
        this.counters = outputs.outCounters(protocol);
        this.video = video;
        this.audio = audio;
    }

    String protocol() {
        return protocol;
    }

    /** Writes the FLV header and metadata together with whatever the bus has already (codec configs, GOP). */
    void begin(Subscription s) {
        this.sub = s;
        StreamView stream = s.stream();
        this.log = outputs.log(stream, video, audio);
        boolean hasVideo = video && stream.tracks().stream().anyMatch(t -> t.kind() == MediaKind.VIDEO);
        boolean hasAudio = audio && stream.tracks().stream().anyMatch(t -> t.kind() == MediaKind.AUDIO);
        if (!hasVideo && !hasAudio) { // nothing declared yet (a relay just starting): announce what was asked for
            hasVideo = video;
            hasAudio = audio;
        }
        byte[] header = FlvHeader.bytes(hasAudio, hasVideo);
        ByteBuffer meta = FlvMedia.metadataTag(metadata(stream));
        ByteBuffer first = ByteBuffer.allocate(header.length + meta.remaining());
        first.put(header).put(meta).flip();
        pending.clear();
        pending.add(first);
        pendingBytes = first.remaining();
        fill(s);
    }

    static Map<String, Object> metadata(StreamView stream) {
        return OnMetaData.live(stream.metadata(), stream.tracks());
    }

    @Override
    public void onReadable(Subscription s) {
        if (finished) {
            return;
        }
        pending.clear();
        pendingBytes = 0;
        fill(s);
    }

    /** Polls, adds the batch to {@link #pending}, and starts writing (or asks for more if there is nothing). */
    private void fill(Subscription s) {
        batch.clear();
        int n = s.poll(batch, BATCH);
        if (n < 0) {
            String why = s.endReason();
            if (pending.isEmpty()) {
                finish(why);
                return;
            }
            // write what we have (the header), then end
        } else {
            gather(s.stream().tracks());
            batch.forEach(Frame::release); // the tags are in the stream's log now
        }
        batch.clear();
        if (pending.isEmpty()) {
            s.demand();
            return;
        }
        next = 0;
        writeNext();
    }

    /** Turns the polled frames into buffers: runs of contiguous log slots become one slice each. */
    private void gather(List<TrackInfo> tracks) {
        DirectLog.Slot first = null;
        DirectLog.Slot last = null;
        for (Frame f : batch) {
            if (f.isConfig()) {
                if (first != null) {
                    add(DirectLog.Slot.span(first, last));
                    first = null;
                }
                add(TagLog.configTag(f, tracks));
                continue;
            }
            DirectLog.Slot slot = log.slot(f, tracks);
            if (first != null && slot.follows(last)) {
                last = slot;
                continue;
            }
            if (first != null) {
                add(DirectLog.Slot.span(first, last));
            }
            first = slot;
            last = slot;
        }
        if (first != null) {
            add(DirectLog.Slot.span(first, last));
        }
    }

    private void add(ByteBuffer b) {
        pending.add(b);
        pendingBytes += b.remaining();
    }

    private void writeNext() {
        ByteBuffer b = pending.get(next++);
        writeStartedNanos = System.nanoTime();
        sink.write(b, this);
    }

    @Override
    public void succeeded() {
        if (finished) {
            return;
        }
        if (next < pending.size()) {
            writeNext();
            return;
        }
        writeStartedNanos = 0;
        Subscription s = sub;
        s.addBytesOut(pendingBytes);
        sent += pendingBytes;
        counters.count(pendingBytes, pending.size());
        pending.clear();
        if (!outputs.mergeLater(demander)) {
            s.demand(); // an end seen meanwhile makes the subscription readable: the next poll returns -1
        }
    }

    /** Asks the bus for more (after a merge wait). */
    private void demand() {
        Subscription s = sub;
        if (!finished && s != null) {
            s.demand();
        }
    }

    @Override
    public void failed(Throwable x) {
        abort("write failed: " + x, x);
    }

    @Override
    public InvocationType getInvocationType() {
        return InvocationType.NON_BLOCKING;
    }

    /** Drops the viewer if one write has been pending longer than {@code stallNanos} (a reader that stopped). */
    void checkStall(long now, long stallNanos) {
        long started = writeStartedNanos;
        if (started != 0 && now - started > stallNanos && !finished) {
            String why = "too slow: a write made no progress for " + stallNanos / 1_000_000 + " ms";
            outputs.slowViewer(protocol, sink.client(), why);
            abort(why, null);
        }
    }

    /** Ends the connection abruptly (plugin stopping, stalled writes, failed write). */
    void abort(String reason, Throwable cause) {
        endReason = reason;
        if (markFinished()) {
            sink.abort(reason, cause);
        }
    }

    private void finish(String endReason) {
        if ("too slow".equals(endReason)) {
            String why = "too slow: dropped to the newest key frame too often";
            outputs.slowViewer(protocol, sink.client(), why);
            abort(why, null);
            return;
        }
        this.endReason = endReason == null ? "ended" : endReason;
        if (markFinished()) {
            sink.end();
        }
    }

    private boolean markFinished() {
        synchronized (this) {
            if (finished) {
                return false;
            }
            finished = true;
        }
        Subscription s = sub;
        if (s != null) {
            outputs.countDropped(protocol, s.droppedFrames());
            s.close();
        }
        admission.release();
        outputs.removed(this);
        if (s != null) {
            outputs.ended(new SessionEnd(SessionEnd.Kind.PLAY, s.stream().key(), protocol, remote,
                    (System.nanoTime() - createdNanos) / 1_000_000, sent, endReason, Map.of()));
        }
        return true;
    }
}
