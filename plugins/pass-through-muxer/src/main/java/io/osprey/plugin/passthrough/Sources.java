package io.osprey.plugin.passthrough;

import io.osprey.spi.source.ResolvedSource;
import io.osprey.spi.source.SourceRequest;
import io.osprey.spi.source.SourceResolver;
import io.osprey.spi.source.SourceResolvers;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * From a client's parameters to checked media URLs: the URLs are checked by the outbound guard, a resolver turns
 * them into media URLs, and each media URL's redirects are followed and checked, so ffmpeg is handed final URLs.
 * The result is kept for a minute per request (URL, audio URL, resolver, forwarded headers): the console's
 * {@code /info} and the {@code /download} after it run the resolver (an extractor takes seconds) and the redirect
 * check once. Thread-safe.
 */
final class Sources {

    /** Media ready for a worker: final URLs, headers, what is known of the title and size. */
    record Prepared(URI video, URI audio, Map<String, String> headers, String title, URI thumbnail,
                    double durationSeconds, long sizeBytes) {
    }

    /** How long a prepared source is reused: the Download page's /info and the /download that follows. */
    private static final long RECENT_NANOS = 60_000_000_000L;
    private static final int MAX_RECENT = 256;

    private record Recent(Prepared prepared, long until) {
    }

    /** Recently prepared sources by request: a download right after its /info skips the resolver and redirects. */
    private final Map<String, Recent> recent = new java.util.concurrent.ConcurrentHashMap<>();
    private final PassthroughConfig config;
    private final OutboundGuard guard;
    private final Fetcher fetcher;
    private final SourceResolvers resolvers;
    private final Executor executor;

    Sources(PassthroughConfig config, OutboundGuard guard, Fetcher fetcher, SourceResolvers resolvers,
            Executor executor) {
        this.config = config;
        this.guard = guard;
        this.fetcher = fetcher;
        this.resolvers = resolvers;
        this.executor = executor;
    }

    /**
     * @param params       the client's query parameters ({@code url}, {@code audio}, {@code resolver})
     * @param clientHeaders the client's request headers that {@code forwardHeaders} lets through
     */
    CompletableFuture<Prepared> prepare(Map<String, String> params, Map<String, String> clientHeaders) {
        String key = params.get("url") + "\n" + params.get("audio") + "\n" + params.get("resolver") + "\n"
                + clientHeaders;
        long now = System.nanoTime();
        Recent hit = recent.get(key);
        if (hit != null && hit.until() - now > 0) {
            return CompletableFuture.completedFuture(hit.prepared());
        }
        return resolve(params, clientHeaders).thenApply(p -> {
            if (recent.size() >= MAX_RECENT) {
                recent.clear();
            }
            recent.put(key, new Recent(p, System.nanoTime() + RECENT_NANOS));
            return p;
        });
    }

    private CompletableFuture<Prepared> resolve(Map<String, String> params, Map<String, String> clientHeaders) {
        return CompletableFuture.supplyAsync(() -> {
            URI url = guard.check(params.get("url"));
            String a = params.get("audio");
            URI audio = a == null || a.isBlank() ? null : guard.check(a);
            Map<String, String> headers = new LinkedHashMap<>(config.headers);
            headers.putAll(clientHeaders);
            return new SourceRequest(url, audio, headers);
        }, executor).thenCompose(rq -> {
            SourceResolver r = resolver(params.get("resolver"), rq.url());
            return r.resolve(rq).toCompletableFuture();
        }).thenCompose(src -> {
            CompletableFuture<Fetcher.Located> v = fetcher.locate(src.video(), src.headers());
            CompletableFuture<Fetcher.Located> au = src.audio() == null ? CompletableFuture.completedFuture(null)
                    : fetcher.locate(src.audio(), src.headers());
            return v.thenCombine(au, (lv, la) -> prepared(src, lv, la));
        });
    }

    private Prepared prepared(ResolvedSource src, Fetcher.Located v, Fetcher.Located a) {
        if (v.contentType().toLowerCase(Locale.ROOT).startsWith("text/html")) {
            throw new Refusal(400, "the URL is a web page (text/html), not media; an extractor resolver may know it");
        }
        long size = v.size() < 0 ? -1 : v.size() + (a == null ? 0 : Math.max(0, a.size()));
        return new Prepared(v.uri(), a == null ? null : a.uri(), src.headers(), src.title(), src.thumbnail(),
                src.durationSeconds(), size);
    }

    private SourceResolver resolver(String asked, URI url) {
        String name = asked == null || asked.isBlank() ? config.resolver : asked;
        if (name.equals("auto")) {
            String path = url.getPath() == null ? "" : url.getPath().toLowerCase(Locale.ROOT);
            name = path.endsWith(".m3u8") || path.endsWith(".m3u") ? "hls" : "direct";
        }
        String n = name;
        return resolvers.find(n).orElseThrow(() -> new Refusal(400, "no source resolver named '"
                + (n.length() > 32 ? n.substring(0, 32) : n) + "'"));
    }
}
