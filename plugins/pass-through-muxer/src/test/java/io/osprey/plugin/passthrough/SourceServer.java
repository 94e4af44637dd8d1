package io.osprey.plugin.passthrough;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sources of the tests: files of a folder over HTTP on a free loopback port, shaped by query parameters:
 * {@code rate} (bytes per second, in 8 KiB steps), {@code cut} (send only this many bytes of the file, with the
 * full Content-Length, then close), {@code stall} (send this many bytes, then stop sending and hold the connection),
 * and {@code /redirect?to=URL}. Records how far each path was served.
 */
final class SourceServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "test-source");
        t.setDaemon(true);
        return t;
    });
    private final Path dir;
    /** Requests whose body was served to the end, by path. */
    final Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();
    final AtomicInteger requests = new AtomicInteger();
    /** The User-Agent of the last request, by path. */
    final Map<String, String> userAgents = new ConcurrentHashMap<>();

    SourceServer(Path dir) throws IOException {
        this.dir = dir;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(pool);
        server.createContext("/", this::serve);
        server.start();
    }

    String url(String pathAndQuery) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + pathAndQuery;
    }

    int completed(String path) {
        return completed.computeIfAbsent(path, k -> new AtomicInteger()).get();
    }

    private void serve(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            String path = ex.getRequestURI().getPath();
            String ua = ex.getRequestHeaders().getFirst("User-Agent");
            if (ua != null) {
                userAgents.put(path, ua);
            }
            if (path.equals("/redirect")) {
                ex.getResponseHeaders().add("Location", q.get("to"));
                ex.sendResponseHeaders(302, -1);
                return;
            }
            Path f = dir.resolve(path.substring(1)).normalize();
            if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            byte[] all = Files.readAllBytes(f);
            String type = path.endsWith(".m3u8") ? "application/vnd.apple.mpegurl"
                    : path.endsWith(".html") ? "text/html" : "application/octet-stream";
            ex.getResponseHeaders().add("Content-Type", type);
            ex.getResponseHeaders().add("Accept-Ranges", "bytes");
            long rate = Long.parseLong(q.getOrDefault("rate", "0"));
            int cut = Integer.parseInt(q.getOrDefault("cut", "-1"));
            int stall = Integer.parseInt(q.getOrDefault("stall", "-1"));
            int first = 0;
            int last = all.length - 1;
            String range = ex.getRequestHeaders().getFirst("Range");
            if (range != null && range.startsWith("bytes=")) { // RFC 9110 14.1.2: first-last or first-
                String[] fl = range.substring(6).split("-", -1);
                first = Integer.parseInt(fl[0]);
                last = fl[1].isEmpty() ? all.length - 1 : Math.min(all.length - 1, Integer.parseInt(fl[1]));
                if (first >= all.length) {
                    ex.getResponseHeaders().add("Content-Range", "bytes */" + all.length);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + all.length);
                ex.sendResponseHeaders(206, last - first + 1);
            } else {
                ex.sendResponseHeaders(200, all.length);
            }
            OutputStream out = ex.getResponseBody();
            // cut and stall count from the start of the file
            int limit = last + 1;
            if (last - first + 1 == 1) {
                limit = last + 1; // a one-byte range is the server's redirect/size check: never shaped
            } else if (cut >= 0) {
                limit = Math.min(limit, cut);
            } else if (stall >= 0) {
                limit = Math.min(limit, stall);
            }
            long t0 = System.nanoTime();
            for (int off = first; off < limit; off += 8192) {
                int n = Math.min(8192, limit - off);
                out.write(all, off, n);
                out.flush();
                if (rate > 0) {
                    long due = t0 + (long) ((off - first + n) * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
            }
            if (stall >= 0 && last - first + 1 > 1) {
                Thread.sleep(60_000);
            }
            if (limit == all.length && last - first + 1 > 1) {
                completed.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // an IOException (the reader went away, ffmpeg killed) is left to the JDK's server, which then drops the
        // connection; swallowed here, the failed close of the exchange left each one registered with its buffers
        // (16 KB each: 1,000 aborted downloads grew this test JVM's heap by 17 MB, CleanupTest's leak check)
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null) {
            return m;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                m.put(kv.substring(0, eq), java.net.URLDecoder.decode(kv.substring(eq + 1),
                        java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return m;
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
