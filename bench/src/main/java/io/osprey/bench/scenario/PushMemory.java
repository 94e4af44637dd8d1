package io.osprey.bench.scenario;

import io.osprey.bench.Options;
import io.osprey.bench.flv.FlvSource;
import io.osprey.bench.report.Result;
import io.osprey.bench.server.Server;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Does memory come back after load? Rounds of N concurrent HTTP-FLV pushes ({@code POST /{app}/{stream}} with a
 * Content-Length, sent at the media's pace for {@code --duration} seconds), then a pause; the server's RSS is
 * sampled throughout: idle before the first round, the peak, after each round, and after {@code --settle}
 * seconds with nothing live. Issue 13: RSS must end within 1.5x of idle.
 */
public final class PushMemory extends Scenario {

    public PushMemory(Options o, FlvSource source) {
        super(o, source);
    }

    @Override
    public String name() {
        return "push-memory";
    }

    @Override
    public Result run(Server server) throws Exception {
        Result r = new Result(server.name(), name(), server.describe());
        int rounds = o.rounds > 0 ? o.rounds : 5;
        int n = Math.max(1, o.publishers);
        long bodyMs = (long) (o.duration * 1000);
        byte[] body = flv(bodyMs);
        sleepSeconds(2);
        double idle = toMb(server.sample().rssBytes());
        double peak = idle;
        log("%s: push-memory: %d rounds of %d pushes of %.0f s (%.1f MB each); idle RSS %.0f MB", server.name(),
                rounds, n, o.duration, body.length / 1e6, idle);
        r.put("RSS idle MB", idle);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong lastError = new AtomicLong();
        StringBuilder series = new StringBuilder("RSS MB after each round: ");
        for (int round = 0; round < rounds; round++) {
            List<Thread> threads = new ArrayList<>();
            int base = round * n;
            for (int i = 0; i < n; i++) {
                String path = "/" + o.app + "/" + o.stream + "-" + (base + i);
                Thread t = new Thread(() -> {
                    String status = push(server, path, body, bodyMs);
                    if (status.startsWith("HTTP/1.1 200")) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        if (lastError.getAndIncrement() < 5) {
                            log("push %s: %s", path, status);
                        }
                    }
                }, "push-" + i);
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            boolean running = true;
            while (running) {
                running = false;
                for (Thread t : threads) {
                    t.join(1000);
                    running |= t.isAlive();
                    peak = Math.max(peak, toMb(server.sample().rssBytes()));
                    if (running) {
                        break;
                    }
                }
            }
            sleepSeconds(2);
            double after = toMb(server.sample().rssBytes());
            peak = Math.max(peak, after);
            series.append(String.format(java.util.Locale.ROOT, "%.0f; ", after));
            log("%s: round %d done: RSS %.0f MB, direct %s MB", server.name(), round + 1, after,
                    server.directBytes().isPresent() ? Math.round(toMb(server.directBytes().getAsLong())) : "-");
        }
        double settle = Math.max(o.settle, 0);
        sleepSeconds(settle);
        double end = toMb(server.sample().rssBytes());
        r.put("pushes ok", (double) ok.get());
        r.put("pushes failed", (double) failed.get());
        r.put("RSS peak MB", peak);
        r.put("RSS after MB", end);
        r.put("RSS after / idle", end / idle);
        server.directBytes().ifPresent(d -> r.put("direct after MB", toMb(d)));
        server.heapBytes().ifPresent(h -> r.put("heap after MB", toMb(h)));
        server.threads().ifPresent(t -> r.put("threads after", (double) t));
        r.note(series.toString() + "after " + settle + " s idle: " + Math.round(end));
        if (failed.get() > 0) {
            r.note(failed.get() + " pushes did not end with 200");
        }
        return r;
    }

    /** {@code ms} of the source as one FLV file: header, then tags looped with shifted timestamps. */
    private byte[] flv(long ms) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0});
        long offset = 0;
        boolean first = true;
        while (true) {
            for (FlvSource.Tag t : source.tags()) {
                if (t.startOnly() && !first) {
                    continue;
                }
                long ts = t.timestamp() + offset;
                if (ts > ms) {
                    return out.toByteArray();
                }
                int size = t.body().length;
                out.write(t.type());
                out.write(size >> 16);
                out.write(size >> 8);
                out.write(size);
                out.write((int) (ts >> 16));
                out.write((int) (ts >> 8));
                out.write((int) ts);
                out.write((int) (ts >> 24));
                out.write(0);
                out.write(0);
                out.write(0);
                out.writeBytes(t.body());
                int prev = size + 11;
                out.write(prev >> 24);
                out.write(prev >> 16);
                out.write(prev >> 8);
                out.write(prev);
            }
            first = false;
            offset += source.durationMs();
        }
    }

    /** Sends {@code body} paced over {@code ms}; returns the status line, or the error. */
    private static String push(Server server, String path, byte[] body, long ms) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(Server.HOST, server.httpPort()), 10_000);
            s.setSoTimeout(60_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: " + Server.HOST + "\r\nContent-Type: video/x-flv\r\n"
                    + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            long t0 = System.nanoTime();
            int chunk = Math.max(4096, (int) (body.length / Math.max(1, ms / 100)));
            for (int off = 0; off < body.length; off += chunk) {
                long due = t0 + (long) ((double) off / body.length * ms * 1_000_000L);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                out.write(body, off, Math.min(chunk, body.length - off));
            }
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = new byte[64];
            int n = in.read(head);
            return n <= 0 ? "no answer" : new String(head, 0, n, StandardCharsets.US_ASCII).split("\r\n")[0];
        } catch (Exception e) {
            return e.toString();
        }
    }
}
