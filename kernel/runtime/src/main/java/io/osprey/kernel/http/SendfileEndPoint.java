package io.osprey.kernel.http;

import io.osprey.spi.http.FastResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A socket endpoint that can send a file region after the buffers of a write, with
 * {@link java.nio.channels.FileChannel#transferTo} ({@code sendfile(2)}), under Jetty's own write state.
 *
 * <p>How: {@link #flush} writes the buffers, then as much of the region as the socket takes, and returns false
 * while some is left. Jetty's {@code WriteFlusher} then keeps the write pending (also when the buffers are all
 * written: it treats that case as "flushed nothing, try again"), waits for the socket to be writable and calls
 * {@code flush} again, which goes on with the region. So the write's callback runs once, when the buffers and the
 * region are all sent, or fails as any write does (a closed socket, the idle timeout).
 *
 * <p>Corked: the head (a separate gathering write) and the file's pages must leave in full-sized segments, as
 * nginx's {@code tcp_nopush} does. Without {@code TCP_CORK} the head goes out alone and the body in pushed
 * pieces: measured on loopback with nginx serving one of Osprey's 297 KB segments, {@code sendfile} without
 * {@code tcp_nopush} cost 97 µs of server CPU per response and 4,900 responses/s, with it 67 µs and 7,100/s
 * ({@code sendfile off}: 112 µs). The JDK has no {@code TCP_CORK} option, so it is set through the JDK's own
 * socket-option call ({@code sun.nio.ch.Net}), which needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}
 * ({@code bin/osprey} passes it). Without it {@link #sendsFiles()} is false and {@link FastGetConnection} writes the
 * response's bytes from memory instead, as any other body.
 *
 * <p>Used by {@link FastGetConnection} for bodies in files (HLS segments in tmpfs). One region at a time, set by
 * the connection's own write (so on one thread at a time, as Jetty's writes are).
 */
final class SendfileEndPoint extends SocketChannelEndPoint {

    private static final System.Logger LOG = System.getLogger(SendfileEndPoint.class.getName());
    /** {@code sun.nio.ch.Net.setIntOption0(fd, false, IPPROTO_TCP, TCP_CORK, on, false)}, or null. */
    private static final java.lang.invoke.MethodHandle SET_INT_OPTION;
    /** {@code sun.nio.ch.SelChImpl.getFD()}, or null. */
    private static final java.lang.invoke.MethodHandle GET_FD;
    private static final int IPPROTO_TCP = 6;
    private static final int TCP_CORK = 3;

    static {
        java.lang.invoke.MethodHandle set = null;
        java.lang.invoke.MethodHandle fd = null;
        if (System.getProperty("os.name", "").startsWith("Linux")) { // off by config: server.http.sendfile
            try {
                Class<?> net = Class.forName("sun.nio.ch.Net");
                java.lang.reflect.Method m = net.getDeclaredMethod("setIntOption0", java.io.FileDescriptor.class,
                        boolean.class, int.class, int.class, int.class, boolean.class);
                m.setAccessible(true);
                java.lang.reflect.Method g = Class.forName("sun.nio.ch.SelChImpl").getMethod("getFD");
                g.setAccessible(true);
                set = java.lang.invoke.MethodHandles.lookup().unreflect(m);
                fd = java.lang.invoke.MethodHandles.lookup().unreflect(g);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "no TCP_CORK (" + e + "): file bodies are written from memory");
                set = null;
                fd = null;
            }
        }
        SET_INT_OPTION = set;
        GET_FD = fd;
    }

    private final boolean sendFiles;
    private FastResponse.FileRegion region;
    private long sent;
    private boolean corked;

    /** @param sendFiles {@code server.http.sendfile}: false, and {@link #sendsFiles()} is false */
    SendfileEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler,
                     boolean sendFiles) {
        super(channel, selector, key, scheduler);
        this.sendFiles = sendFiles && SET_INT_OPTION != null;
    }

    /**
     * Whether file regions go out with sendfile, corked: configured so, and the cork is available (on Linux, with
     * the JDK's socket options opened to us). Otherwise {@link #sendAfterNextWrite} would cost more than a copy.
     */
    boolean sendsFiles() {
        return sendFiles;
    }

    /**
     * Sends {@code file} after the buffers of the next write, which completes once all of it is sent; the socket is
     * corked from now until then.
     */
    void sendAfterNextWrite(FastResponse.FileRegion file) throws IOException {
        if (region != null) {
            throw new IllegalStateException("a file region is being sent");
        }
        cork(true);
        region = file;
        sent = 0;
    }

    private void cork(boolean on) throws IOException {
        if (SET_INT_OPTION == null || corked == on) {
            return;
        }
        try {
            SET_INT_OPTION.invoke((java.io.FileDescriptor) GET_FD.invoke(getChannel()), false, IPPROTO_TCP, TCP_CORK,
                    on ? 1 : 0, false);
            corked = on;
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("TCP_CORK", e);
        }
    }

    /** Forgets a region that will not be sent (its write failed or was never made). */
    void dropRegion() {
        region = null;
    }

    @Override
    public boolean flush(ByteBuffer... buffers) throws IOException {
        if (!super.flush(buffers)) {
            return false;
        }
        FastResponse.FileRegion r = region;
        if (r == null) {
            return true;
        }
        SocketChannel socket = getChannel();
        while (sent < r.count()) {
            long n = r.channel().transferTo(r.position() + sent, r.count() - sent, socket);
            if (n <= 0) {
                if (r.position() + sent >= r.channel().size()) {
                    throw new IOException("file region beyond the end of its file: " + (r.position() + r.count())
                            + " > " + r.channel().size());
                }
                return false; // the socket's buffer is full: Jetty waits until it is writable and calls again
            }
            sent += n;
            notIdle(); // progress, as a buffer write counts it
        }
        region = null;
        cork(false); // pushes the last partial segment
        return true;
    }

    @Override
    public void onClose(Throwable cause) {
        region = null;
        super.onClose(cause);
    }
}
