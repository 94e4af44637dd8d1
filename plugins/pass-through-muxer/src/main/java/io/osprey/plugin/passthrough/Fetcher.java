package io.osprey.plugin.passthrough;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Outbound HTTP of this plugin, with redirects followed here, one hop at a time, each hop checked by the
 * {@link OutboundGuard} (ffmpeg would follow them unchecked). {@link #locate} finds where a media URL really is (and
 * its size, for the estimate) before ffmpeg is given the final URL; {@link #text} reads a playlist.
 *
 * <p>Blocking {@link HttpURLConnection}s on the server's pool, each bounded by the timeout per connect and per read:
 * a download makes one such request, and the JDK's asynchronous {@code HttpClient} cost 3.0 ms of CPU for it in
 * steady state against 0.6 ms for this (500 one-byte range requests to a loopback server after 1,500 unmeasured,
 * session 11), plus a selector thread of its own.
 */
final class Fetcher {

    /** Where a URL led: the final URL, its size if the server said, and its content type. */
    record Located(URI uri, long size, String contentType) {
    }

    private final OutboundGuard guard;
    private final Executor executor;
    private final int maxRedirects;
    private final int timeoutMs;

    Fetcher(OutboundGuard guard, Executor executor, int maxRedirects, long timeoutMs) {
        this.guard = guard;
        this.executor = executor;
        this.maxRedirects = maxRedirects;
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
    }

    /**
     * Sets up the JDK's default TLS context (a second or more on a busy machine), which the plugin's start must not
     * wait for and the first https source should not either; {@link PassthroughPlugin} calls it in the background.
     */
    static void warmTls() {
        try {
            javax.net.ssl.SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            // https sources will fail with the reason when they are tried
        }
    }

    OutboundGuard guard() {
        return guard;
    }

    /** Checks {@code uri}, follows its redirects (checking each) with a one-byte range request. */
    CompletableFuture<Located> locate(URI uri, Map<String, String> headers) {
        return CompletableFuture.supplyAsync(() -> {
            Hop h = hop(uri, headers, true);
            try {
                long size = h.c.getContentLengthLong();
                String range = header(h.c, "Content-Range");
                int slash = range.lastIndexOf('/');
                if (h.status == 206 && slash > 0) {
                    try {
                        size = Long.parseLong(range.substring(slash + 1).trim());
                    } catch (NumberFormatException e) {
                        size = -1;
                    }
                }
                return new Located(h.uri, size, header(h.c, "Content-Type"));
            } finally {
                h.c.disconnect();
            }
        }, executor);
    }

    /** The body of {@code uri} as text (at most {@code maxBytes}), following checked redirects. */
    CompletableFuture<Located> text(URI uri, Map<String, String> headers, int maxBytes, StringBuilder into) {
        return CompletableFuture.supplyAsync(() -> {
            Hop h = hop(uri, headers, false);
            String type = header(h.c, "Content-Type");
            try (InputStream in = h.c.getInputStream()) {
                byte[] b = in.readNBytes(maxBytes + 1);
                if (b.length > maxBytes) {
                    throw new Refusal(502, "the playlist is larger than " + maxBytes + " bytes");
                }
                into.append(new String(b, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new Refusal(502, "cannot read " + h.uri.getHost() + ": " + e.getMessage());
            } finally {
                h.c.disconnect();
            }
            return new Located(h.uri, -1, type);
        }, executor);
    }

    /**
     * A request answered with neither a redirect nor an error: the URL it ended at, its connection (to read, then
     * disconnect) and the status.
     */
    private record Hop(URI uri, HttpURLConnection c, int status) {
    }

    private Hop hop(URI first, Map<String, String> headers, boolean oneByte) {
        URI uri = first;
        for (int n = 0; ; n++) {
            guard.check(uri);
            HttpURLConnection c = open(uri, headers, oneByte);
            int s;
            try {
                s = c.getResponseCode();
            } catch (IOException e) {
                c.disconnect();
                throw new java.io.UncheckedIOException(e);
            }
            if (s == 301 || s == 302 || s == 303 || s == 307 || s == 308) {
                String loc = c.getHeaderField("Location");
                c.disconnect();
                if (loc == null) {
                    throw new Refusal(502, "the source redirected without a Location");
                }
                if (n >= maxRedirects) {
                    throw new Refusal(502, "more than " + maxRedirects + " redirects");
                }
                try {
                    uri = uri.resolve(new URI(loc));
                } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                    throw new Refusal(502, "the source redirected to an invalid URL");
                }
                continue;
            }
            if (s >= 400 || s < 200) {
                c.disconnect();
                throw new Refusal(s == 404 || s == 410 ? 404 : 502, "the source answered HTTP " + s);
            }
            return new Hop(uri, c, s);
        }
    }

    private HttpURLConnection open(URI uri, Map<String, String> headers, boolean oneByte) {
        HttpURLConnection c;
        try {
            // checked http(s) by the guard; no proxy, as the JDK HttpClient before it had none
            c = (HttpURLConnection) uri.toURL().openConnection(Proxy.NO_PROXY);
        } catch (IOException | IllegalArgumentException e) {
            throw new Refusal(400, "not a URL this server can fetch: " + e.getMessage());
        }
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout(timeoutMs);
        c.setReadTimeout(timeoutMs);
        try {
            headers.forEach(c::setRequestProperty);
        } catch (IllegalArgumentException e) { // a line break in a value from a resolver or the config
            throw new Refusal(502, "an upstream request header is not valid: " + e.getMessage());
        }
        if (oneByte) {
            c.setRequestProperty("Range", "bytes=0-0");
        }
        return c;
    }

    private static String header(HttpURLConnection c, String name) {
        String v = c.getHeaderField(name);
        return v == null ? "" : v;
    }
}
