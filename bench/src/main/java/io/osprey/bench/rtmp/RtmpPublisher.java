package io.osprey.bench.rtmp;

import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.flv.Probe;
import io.osprey.bench.net.Conn;
import io.osprey.media.amf0.Amf0Writer;
import io.osprey.media.flv.FlvTag;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Publishes an {@link FlvSource} over RTMP in real time, looping it (start-only tags once), and sends a latency
 * {@link Probe} as a data message every {@code probeMs}. Each tag leaves when its timestamp is due on the
 * publisher's clock, as an encoder would send it; nothing is sent ahead.
 */
public final class RtmpPublisher extends RtmpClient {

    private static final long TICK_NANOS = 5_000_000;

    private final FlvSource source;
    private final long probeNanos;
    private long start = -1;
    private int index;
    private long loopOffset;
    private int loops;
    private long probeSeq;
    private long nextProbe;
    private long lastTs;
    private long tagsSent;
    private long maxQueued;
    private long publishedAt = -1;
    private String closeReason;
    private boolean stopped;
    private final Runnable tick = this::tick;

    public RtmpPublisher(String host, int port, String app, String stream, FlvSource source, long probeMs) {
        super(host, port, app, stream);
        this.source = source;
        this.probeNanos = probeMs * 1_000_000L;
    }

    @Override
    protected void onStreamCreated() {
        command(streamId, "publish", 0, (Object) null, stream, "live");
    }

    @Override
    protected void onStatus(String code) {
        if (code.equals("NetStream.Publish.Start") && start < 0) {
            start = System.nanoTime();
            publishedAt = start;
            nextProbe = start + probeNanos;
            tick();
        }
    }

    private void tick() {
        if (stopped || conn.isClosed()) {
            return;
        }
        long now = System.nanoTime();
        long elapsedMs = (now - start) / 1_000_000;
        List<FlvSource.Tag> tags = source.tags();
        while (true) {
            FlvSource.Tag t = tags.get(index);
            long ts = t.timestamp() + loopOffset;
            if (ts > elapsedMs) {
                break;
            }
            if (loops == 0 || !t.startOnly()) {
                sendTag(t, ts);
            }
            if (++index == tags.size()) {
                index = 0;
                loops++;
                loopOffset += source.durationMs();
            }
        }
        if (probeNanos > 0 && now - nextProbe >= 0) {
            nextProbe += probeNanos;
            send(ChunkWriter.CSID_DATA, TYPE_DATA, Math.max(lastTs, elapsedMs), streamId, Probe.encode(probeSeq++));
        }
        maxQueued = Math.max(maxQueued, conn.queuedBytes());
        conn.loop().schedule(TICK_NANOS, tick);
    }

    private void sendTag(FlvSource.Tag t, long ts) {
        lastTs = ts;
        tagsSent++;
        switch (t.type()) {
            case FlvTag.AUDIO -> send(ChunkWriter.CSID_AUDIO, TYPE_AUDIO, ts, streamId, t.body());
            case FlvTag.VIDEO -> send(ChunkWriter.CSID_VIDEO, TYPE_VIDEO, ts, streamId, t.body());
            case FlvTag.SCRIPT -> {
                // a file's onMetaData becomes @setDataFrame onMetaData, as encoders publish it
                byte[] prefix = Amf0Writer.encode("@setDataFrame");
                byte[] body = ByteBuffer.allocate(prefix.length + t.body().length).put(prefix).put(t.body()).array();
                send(ChunkWriter.CSID_DATA, TYPE_DATA, ts, streamId, body);
            }
            default -> { }
        }
    }

    /** Stops sending and closes the connection (on the loop thread). */
    public void stop() {
        stopped = true;
        if (conn != null) {
            conn.close("stopped");
        }
    }

    @Override
    public void onClosed(Conn c, String reason) {
        if (closeReason == null) {
            closeReason = reason;
        }
    }

    /** Publishing was accepted (NetStream.Publish.Start). */
    public boolean isPublishing() {
        return publishedAt >= 0 && closeReason == null;
    }

    public boolean stoppedByUs() {
        return stopped;
    }

    public String closeReason() {
        return closeReason;
    }

    public long bytesSent() {
        return conn == null ? 0 : conn.bytesOut();
    }

    public long queuedBytes() {
        return conn == null ? 0 : conn.queuedBytes();
    }

    public long maxQueued() {
        return maxQueued;
    }

    public long tagsSent() {
        return tagsSent;
    }
}
