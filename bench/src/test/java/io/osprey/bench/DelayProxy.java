package io.osprey.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP proxy for tests that holds every byte going from the server to the client for a fixed delay (and passes the
 * other direction at once): a known latency to check the bench's probe against. Plain threads, a few per connection.
 */
final class DelayProxy implements AutoCloseable {

    private record Piece(long due, byte[] bytes) {
    }

    private static final Piece END = new Piece(0, new byte[0]);

    private final ServerSocket server;
    private final InetSocketAddress upstream;
    private final long delayNanos;
    private volatile boolean closed;

    DelayProxy(InetSocketAddress upstream, long delayMs) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstream = upstream;
        this.delayNanos = delayMs * 1_000_000;
        thread("proxy-accept", this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket up = new Socket();
                up.connect(upstream, 5000);
                client.setTcpNoDelay(true);
                up.setTcpNoDelay(true);
                thread("proxy-up", () -> copy(client, up));
                BlockingQueue<Piece> queue = new LinkedBlockingQueue<>();
                thread("proxy-down-read", () -> {
                    byte[] buf = new byte[64 * 1024];
                    try (InputStream in = up.getInputStream()) {
                        int n;
                        while ((n = in.read(buf)) >= 0) {
                            queue.add(new Piece(System.nanoTime() + delayNanos, Arrays.copyOf(buf, n)));
                        }
                    } catch (IOException ignored) {
                        // connection ended
                    }
                    queue.add(END);
                });
                thread("proxy-down-write", () -> {
                    try (OutputStream out = client.getOutputStream()) {
                        while (true) {
                            Piece p = queue.take();
                            if (p == END) {
                                break;
                            }
                            long wait = p.due() - System.nanoTime();
                            if (wait > 0) {
                                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                            }
                            out.write(p.bytes());
                        }
                    } catch (IOException | InterruptedException ignored) {
                        // connection ended
                    } finally {
                        close(client);
                        close(up);
                    }
                });
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("proxy: " + e);
                }
            }
        }
    }

    private static void copy(Socket from, Socket to) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
            }
        } catch (IOException ignored) {
            // connection ended
        } finally {
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static void thread(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
    }
}
