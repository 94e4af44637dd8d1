package io.osprey.plugin.passthrough;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Outbound HTTP of this plugin, with redirects followed here, one hop at a time, each hop checked by the
 * {@link OutboundGuard} (ffmpeg would follow them unchecked). {@link #locate} finds where a media URL really is (and
 * its size, for the estimate) before ffmpeg is given the final URL; {@link #text} reads a playlist.
 */
final class Fetcher {

    /** Where a URL led: the final URL, its size if the server said, and its content type. */
    record Located(URI uri, long size, String contentType) {
    }

    private HttpClient client;
    private final OutboundGuard guard;
    private final Executor executor;
    private final int maxRedirects;
    private final Duration timeout;

    Fetcher(OutboundGuard guard, Executor executor, int maxRedirects, long timeoutMs) {
        this.guard = guard;
        this.executor = executor;
        this.maxRedirects = maxRedirects;
        this.timeout = Duration.ofMillis(timeoutMs);
    }

    /**
     * The client, made on first use: building one sets up the JDK's TLS context (a second or more on a busy
     * machine), which the plugin's start must not wait for; {@link PassthroughPlugin} warms it in the background.
     */
    synchronized HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(timeout)
                    .executor(executor).build();
        }
        return client;
    }

    OutboundGuard guard() {
        return guard;
    }

    /** Checks {@code uri}, follows its redirects (checking each) with a one-byte range request. */
    CompletableFuture<Located> locate(URI uri, Map<String, String> headers) {
        return hop(uri, headers, 0, true).thenApply(r -> {
            long size = r.headers().firstValueAsLong("content-length").orElse(-1);
            String range = r.headers().firstValue("content-range").orElse("");
            int slash = range.lastIndexOf('/');
            if (r.statusCode() == 206 && slash > 0) {
                try {
                    size = Long.parseLong(range.substring(slash + 1).trim());
                } catch (NumberFormatException e) {
                    size = -1;
                }
            }
            close(r);
            return new Located(r.uri(), size, r.headers().firstValue("content-type").orElse(""));
        });
    }

    /** The body of {@code uri} as text (at most {@code maxBytes}), following checked redirects. */
    CompletableFuture<Located> text(URI uri, Map<String, String> headers, int maxBytes, StringBuilder into) {
        return hop(uri, headers, 0, false).thenApplyAsync(r -> {
            try (InputStream in = r.body()) {
                byte[] b = in.readNBytes(maxBytes + 1);
                if (b.length > maxBytes) {
                    throw new Refusal(502, "the playlist is larger than " + maxBytes + " bytes");
                }
                into.append(new String(b, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new Refusal(502, "cannot read " + r.uri().getHost() + ": " + e.getMessage());
            }
            return new Located(r.uri(), -1, r.headers().firstValue("content-type").orElse(""));
        }, executor);
    }

    private CompletableFuture<HttpResponse<InputStream>> hop(URI uri, Map<String, String> headers, int n,
                                                             boolean oneByte) {
        return CompletableFuture.supplyAsync(() -> guard.check(uri), executor).thenCompose(ok -> {
            HttpRequest.Builder rq = HttpRequest.newBuilder(uri).timeout(timeout).GET();
            headers.forEach(rq::header);
            if (oneByte) {
                rq.header("Range", "bytes=0-0");
            }
            return client().sendAsync(rq.build(), HttpResponse.BodyHandlers.ofInputStream());
        }).thenCompose(r -> {
            int s = r.statusCode();
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                close(r);
                String loc = r.headers().firstValue("location").orElse(null);
                if (loc == null) {
                    throw new Refusal(502, "the source redirected without a Location");
                }
                if (n >= maxRedirects) {
                    throw new Refusal(502, "more than " + maxRedirects + " redirects");
                }
                URI next;
                try {
                    next = uri.resolve(new URI(loc));
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    throw new Refusal(502, "the source redirected to an invalid URL");
                }
                return hop(next, headers, n + 1, oneByte);
            }
            if (s >= 400) {
                close(r);
                throw new Refusal(s == 404 || s == 410 ? 404 : 502, "the source answered HTTP " + s);
            }
            return CompletableFuture.completedFuture(r);
        });
    }

    private static void close(HttpResponse<InputStream> r) {
        try {
            r.body().close();
        } catch (IOException ignored) {
            // the connection is dropped either way
        }
    }
}
