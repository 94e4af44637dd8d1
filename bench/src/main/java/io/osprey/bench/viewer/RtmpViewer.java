package io.osprey.bench.viewer;

import io.osprey.bench.net.Conn;
import io.osprey.bench.rtmp.RtmpClient;
import java.nio.ByteBuffer;

/** An RTMP play viewer: connect, createStream, play (live), then counts what arrives and reads the probes. */
public final class RtmpViewer extends RtmpClient {

    private final ViewerStats stats;

    public RtmpViewer(String host, int port, String app, String stream, ViewerStats stats) {
        super(host, port, app, stream);
        this.stats = stats;
    }

    @Override
    protected void onStreamCreated() {
        command(streamId, "play", 0, (Object) null, stream, -2000.0);
        // SetBufferLength (user control event 3) as players send it: stream id, then 1000 ms
        send(2, TYPE_USER_CONTROL, 0, 0, ByteBuffer.allocate(10).putShort((short) 3).putInt(streamId).putInt(1000)
                .array());
    }

    @Override
    protected void onDataMessage(long timestamp, ByteBuffer payload) {
        stats.tag();
        stats.script(payload);
    }

    @Override
    protected void onMedia(int type, long timestamp, int length) {
        stats.tag();
    }

    @Override
    public void onClosed(Conn c, String reason) {
        stats.closed(reason);
    }
}
