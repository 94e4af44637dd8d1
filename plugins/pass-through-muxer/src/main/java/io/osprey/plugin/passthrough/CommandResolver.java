package io.osprey.plugin.passthrough;

import io.osprey.media.json.Json;
import io.osprey.spi.source.ResolvedSource;
import io.osprey.spi.source.SourceRequest;
import io.osprey.spi.source.SourceResolver;
import io.osprey.spi.worker.WorkerSpec;
import io.osprey.spi.worker.Workers;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code command} (off by default): runs the configured extractor (e.g. {@code yt-dlp -J --no-playlist {url}}) as a
 * supervised worker with a timeout and reads from its JSON the media URLs ({@code requested_formats[].url}, else
 * {@code url}), their {@code http_headers}, {@code title}, {@code thumbnail} and {@code duration}. The client's URL
 * is one argument: no shell ever sees it.
 */
final class CommandResolver implements SourceResolver {

    private final Workers workers;
    private final PassthroughConfig.Command config;

    CommandResolver(Workers workers, PassthroughConfig.Command config) {
        this.workers = workers;
        this.config = config;
    }

    @Override
    public String name() {
        return "command";
    }

    @Override
    public CompletionStage<ResolvedSource> resolve(SourceRequest rq) {
        List<String> args = new ArrayList<>();
        for (String a : config.args) {
            args.add(a.replace("{url}", rq.url().toString()));
        }
        WorkerSpec spec = WorkerSpec.external(config.executable, "extract", args).withTimeoutMs(config.timeoutMs);
        return workers.run(spec, config.maxOutputBytes).thenApply(r -> {
            if (!r.exit().ok()) {
                throw new Refusal(r.exit().killed() ? 504 : 400, "the extractor failed: " + r.exit().reason());
            }
            return parse(r.stdoutText(), rq);
        });
    }

    @SuppressWarnings("unchecked")
    static ResolvedSource parse(String json, SourceRequest rq) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new Refusal(502, "the extractor's output is not JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new Refusal(502, "the extractor's output is not a JSON object");
        }
        Map<String, String> headers = new LinkedHashMap<>(rq.headers());
        String video = null;
        String audio = null;
        if (m.get("requested_formats") instanceof List<?> formats) {
            for (Object o : formats) {
                if (o instanceof Map<?, ?> f && f.get("url") instanceof String u) {
                    boolean hasVideo = f.get("vcodec") instanceof String v && !v.equals("none");
                    if (hasVideo && video == null) {
                        video = u;
                    } else if (!hasVideo && audio == null) {
                        audio = u;
                    }
                    headers((Map<String, Object>) f, headers);
                }
            }
        }
        if (video == null && m.get("url") instanceof String u) {
            video = u;
            headers((Map<String, Object>) m, headers);
        }
        if (video == null && audio != null) {
            video = audio;
            audio = null;
        }
        if (video == null) {
            throw new Refusal(404, "the extractor found no media URL");
        }
        URI thumb = m.get("thumbnail") instanceof String t ? URI.create(t) : null;
        double duration = m.get("duration") instanceof Double d ? d : 0;
        String title = m.get("title") instanceof String t ? t : "";
        return new ResolvedSource(URI.create(video), audio == null ? null : URI.create(audio), headers, title, thumb,
                duration);
    }

    private static void headers(Map<String, Object> format, Map<String, String> into) {
        if (format.get("http_headers") instanceof Map<?, ?> h) {
            h.forEach((k, v) -> {
                if (k instanceof String name && v instanceof String value && name.matches("[A-Za-z0-9-]{1,64}")
                        && value.chars().noneMatch(c -> c == '\r' || c == '\n')) {
                    into.put(name, value);
                }
            });
        }
    }
}
