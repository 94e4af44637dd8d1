package io.osprey.bench.scenario;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The files of one folder over HTTP/1.1 on a free loopback port, as a plain web server or CDN would serve them:
 * GET and HEAD, a fixed Content-Length, and single byte ranges (RFC 9110 14.1.2: {@code bytes=first-last} and
 * {@code bytes=first-}, answered 206 with Content-Range). Reads through a FileChannel in 256 KiB steps, so a one-byte
 * range costs one byte of reading.
 */
final class FileServer implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-files");
        t.setDaemon(true);
        return t;
    });
    private final Path dir;

    FileServer(Path dir) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.setExecutor(pool);
        server.createContext("/", this::serve);
        server.start();
    }

    String url(String name) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
    }

    private void serve(HttpExchange ex) throws IOException {
        try (ex) {
            Path f = dir.resolve(ex.getRequestURI().getPath().substring(1)).normalize();
            if (!f.startsWith(dir) || !Files.isRegularFile(f)) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            long size = Files.size(f);
            long first = 0;
            long last = size - 1;
            String range = ex.getRequestHeaders().getFirst("Range");
            ex.getResponseHeaders().add("Accept-Ranges", "bytes");
            ex.getResponseHeaders().add("Content-Type", f.toString().endsWith(".mp4") ? "video/mp4"
                    : "application/octet-stream");
            if (range != null && range.matches("bytes=\\d+-\\d*")) {
                String[] fl = range.substring(6).split("-", -1);
                first = Long.parseLong(fl[0]);
                last = fl[1].isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(fl[1]));
                if (first >= size || first > last) {
                    ex.getResponseHeaders().add("Content-Range", "bytes */" + size);
                    ex.sendResponseHeaders(416, -1);
                    return;
                }
                ex.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + size);
            }
            long length = last - first + 1;
            boolean head = ex.getRequestMethod().equals("HEAD");
            ex.sendResponseHeaders(range != null ? 206 : 200, head ? -1 : length);
            if (head) {
                return;
            }
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ);
                 OutputStream out = ex.getResponseBody()) {
                ByteBuffer buf = ByteBuffer.allocate(256 * 1024);
                long pos = first;
                while (pos <= last) {
                    buf.clear().limit((int) Math.min(buf.capacity(), last - pos + 1));
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        break;
                    }
                    out.write(buf.array(), 0, n);
                    pos += n;
                }
            }
        } catch (IOException e) {
            // the reader went away (ffmpeg closed early, a download was cancelled)
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
