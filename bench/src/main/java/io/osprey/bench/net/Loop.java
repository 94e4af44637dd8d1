package io.osprey.bench.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One selector thread driving any number of client connections, plus timers. Everything on a loop (connections,
 * their handlers, timers, tasks) runs on its thread, so handlers need no locking. One shared read buffer serves all
 * connections: handlers parse what arrives at once with resumable parsers instead of buffering per connection.
 */
public final class Loop implements AutoCloseable {

    private static final int READ_BUFFER = 256 * 1024;

    private record Timer(long due, long seq, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer o) {
            return due != o.due ? Long.compare(due, o.due) : Long.compare(seq, o.seq);
        }
    }

    private final Selector selector;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
    private final java.util.Set<Conn> open = new java.util.HashSet<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private long timerSeq;
    private int rcvBuf;
    private long maxLagNanos;
    private long lagDue;
    private static final long LAG_TICK = 50_000_000;

    public Loop(String name) throws IOException {
        selector = Selector.open();
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts measuring how late this loop runs its timers (a 50 ms tick): a loop that is busy or starved of CPU
     * delays everything it measures, so the bench reports its own lag next to the server's figures.
     */
    public void measureLag() {
        execute(() -> {
            lagDue = System.nanoTime() + LAG_TICK;
            schedule(LAG_TICK, this::lagTick);
        });
    }

    private void lagTick() {
        long now = System.nanoTime();
        maxLagNanos = Math.max(maxLagNanos, now - lagDue);
        lagDue = now + LAG_TICK;
        schedule(LAG_TICK, this::lagTick);
    }

    /** The largest timer lateness since the last call, in nanoseconds; call on the loop thread. */
    public long takeMaxLag() {
        long m = maxLagNanos;
        maxLagNanos = 0;
        return m;
    }

    /** Sets SO_RCVBUF for connections opened afterwards (0: system default). */
    public void receiveBuffer(int bytes) {
        rcvBuf = bytes;
    }

    /** Runs {@code task} on the loop thread. */
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    /** Runs {@code task} on the loop thread after {@code delayNanos}; call on the loop thread. */
    public void schedule(long delayNanos, Runnable task) {
        timers.add(new Timer(System.nanoTime() + delayNanos, timerSeq++, task));
    }

    /** Opens a connection to {@code address}; call on the loop thread. Failures arrive as onClosed. */
    public Conn connect(InetSocketAddress address, Handler handler) {
        SocketChannel ch;
        try {
            ch = SocketChannel.open();
        } catch (IOException e) {
            Conn c = new Conn(this, null, handler);
            handler.onClosed(c, "cannot open socket: " + e.getMessage());
            return c;
        }
        Conn c = new Conn(this, ch, handler);
        try {
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (rcvBuf > 0) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, rcvBuf);
            }
            boolean now = ch.connect(address);
            SelectionKey k = ch.register(selector, now ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, c);
            c.register(k);
            open.add(c);
            if (now) {
                k.interestOps(SelectionKey.OP_CONNECT);
                c.onConnectable();
            }
        } catch (IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do
            }
            handler.onClosed(c, "connect failed: " + e.getMessage());
        }
        return c;
    }

    void closed(Conn c) {
        open.remove(c);
    }

    public boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    private void run() {
        try {
            while (running) {
                long timeoutMs = 0;
                Timer next = timers.peek();
                if (next != null) {
                    timeoutMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(next.due - System.nanoTime()));
                }
                if (!tasks.isEmpty()) {
                    selector.selectNow();
                } else if (next == null) {
                    selector.select(1000);
                } else {
                    selector.select(timeoutMs);
                }
                Iterator<SelectionKey> it = selector.selectedKeys().iterator();
                while (it.hasNext()) {
                    SelectionKey k = it.next();
                    it.remove();
                    Conn c = (Conn) k.attachment();
                    if (!k.isValid()) {
                        continue;
                    }
                    if (k.isConnectable()) {
                        c.onConnectable();
                        continue;
                    }
                    if (k.isWritable()) {
                        c.onWritable();
                    }
                    if (k.isValid() && k.isReadable()) {
                        c.onReadable(readBuffer);
                    }
                }
                Runnable t;
                while ((t = tasks.poll()) != null) {
                    safely(t);
                }
                long now = System.nanoTime();
                while ((next = timers.peek()) != null && next.due - now <= 0) {
                    timers.poll();
                    safely(next.task);
                }
            }
        } catch (IOException e) {
            System.err.println(thread.getName() + ": selector failed: " + e);
        } finally {
            for (Conn c : new ArrayList<>(open)) {
                c.close("bench stopping");
            }
            try {
                selector.close();
            } catch (IOException ignored) {
                // stopping
            }
            stopped.countDown();
        }
    }

    private void safely(Runnable t) {
        try {
            t.run();
        } catch (RuntimeException e) {
            System.err.println(thread.getName() + ": task failed: " + e);
            e.printStackTrace();
        }
    }

    /** Closes every connection and stops the thread. */
    @Override
    public void close() {
        running = false;
        selector.wakeup();
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
