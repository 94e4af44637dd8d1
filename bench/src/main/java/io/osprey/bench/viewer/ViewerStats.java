package io.osprey.bench.viewer;

import io.osprey.bench.flv.Probe;
import io.osprey.bench.net.Conn;
import java.nio.ByteBuffer;

/**
 * What one viewer saw: when it started connecting, when its first tag arrived, the bytes it received, and why it
 * ended. Written on its loop's thread; read by the scenario through a task on that loop.
 */
public final class ViewerStats {

    private final Recorder recorder;
    private long connectStart;
    private long firstTag = -1;
    private long closedAt = -1;
    private String closeReason;
    private boolean closedByUs;
    private Conn conn;

    public ViewerStats(Recorder recorder) {
        this.recorder = recorder;
    }

    /** Starting to connect now (before the connect call, so a refused connection still has a start). */
    public void begin() {
        this.connectStart = System.nanoTime();
    }

    public void attach(Conn c) {
        this.conn = c;
    }


    /** A tag (or RTMP media/data message) arrived. */
    public void tag() {
        if (firstTag < 0) {
            firstTag = System.nanoTime();
        }
    }

    /** A script-data body arrived: a latency probe if it is one. */
    public void script(ByteBuffer body) {
        long sent = Probe.sentNanos(body);
        if (sent >= 0 && firstTag >= 0 && sent >= firstTag) {
            recorder.probe(sent, System.nanoTime());
        }
    }

    public void closed(String reason) {
        if (closedAt < 0) {
            closedAt = System.nanoTime();
            closeReason = reason;
        }
    }

    /** Closes the viewer on purpose (end of run, or a soak viewer leaving). */
    public void leave() {
        closedByUs = true;
        if (conn != null) {
            conn.close("left");
        }
    }

    public long bytes() {
        return conn == null ? 0 : conn.bytesIn();
    }

    public long connectStart() {
        return connectStart;
    }

    /** Nanoseconds from starting to connect to the first tag, or -1. */
    public long firstTagNanos() {
        return firstTag < 0 ? -1 : firstTag - connectStart;
    }

    public boolean gotData() {
        return firstTag >= 0;
    }

    public boolean isOpen() {
        return closedAt < 0;
    }

    /** Closed, and not by us. */
    public boolean failed() {
        return closedAt >= 0 && !closedByUs;
    }

    public String closeReason() {
        return closeReason;
    }
}
