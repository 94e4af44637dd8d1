package io.osprey.plugin.passthrough;

import io.osprey.spi.source.ResolvedSource;
import io.osprey.spi.source.SourceRequest;
import io.osprey.spi.source.SourceResolver;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code hls}: an m3u8 URL. A multivariant playlist resolves to its highest-BANDWIDTH variant and, when that
 * variant names an AUDIO group, the group's DEFAULT rendition with a URI (RFC 8216 4.3.4.1 EXT-X-MEDIA, 4.3.4.2
 * EXT-X-STREAM-INF). The chosen media playlists are read and every host their segments and keys are on is checked
 * by the outbound guard, since ffmpeg fetches them itself.
 */
final class HlsResolver implements SourceResolver {

    private static final int MAX_PLAYLIST = 4 << 20;

    private final Fetcher fetcher;

    HlsResolver(Fetcher fetcher) {
        this.fetcher = fetcher;
    }

    @Override
    public String name() {
        return "hls";
    }

    @Override
    public CompletionStage<ResolvedSource> resolve(SourceRequest rq) {
        StringBuilder text = new StringBuilder();
        return fetcher.text(rq.url(), rq.headers(), MAX_PLAYLIST, text).thenCompose(loc -> {
            String body = text.toString();
            if (!body.startsWith("#EXTM3U")) {
                throw new Refusal(400, "not an HLS playlist (no #EXTM3U)");
            }
            URI video = loc.uri();
            URI audio = rq.audio();
            if (body.contains("#EXT-X-STREAM-INF")) {
                Choice c = choose(body, loc.uri());
                video = c.video;
                if (audio == null) {
                    audio = c.audio;
                }
            }
            CompletableFuture<?> checks = checkSegments(video, rq);
            if (audio != null && audio != rq.audio()) {
                checks = CompletableFuture.allOf(checks, checkSegments(audio, rq));
            }
            URI v = video;
            URI a = audio;
            return checks.thenApply(x -> new ResolvedSource(v, a, rq.headers(), "", null, 0));
        });
    }

    private CompletableFuture<Void> checkSegments(URI media, SourceRequest rq) {
        StringBuilder text = new StringBuilder();
        return fetcher.text(media, rq.headers(), MAX_PLAYLIST, text).thenAccept(loc -> {
            Map<String, URI> hosts = new HashMap<>();
            for (String line : text.toString().split("\r?\n")) {
                String l = line.strip();
                String ref = l.startsWith("#") ? attribute(l, "URI") : l;
                if (ref == null || ref.isEmpty() || ref.startsWith("#")) {
                    continue;
                }
                URI u = loc.uri().resolve(URI.create(ref.replace(" ", "%20")));
                hosts.putIfAbsent(u.getScheme() + "://" + u.getAuthority(), u);
            }
            hosts.values().forEach(u -> fetcher.guard().check(u));
        });
    }

    /** The best variant and its audio rendition. */
    static Choice choose(String body, URI base) {
        String[] lines = body.split("\r?\n");
        long best = -1;
        String bestUri = null;
        String bestGroup = null;
        Map<String, List<String[]>> audio = new HashMap<>();
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("#EXT-X-MEDIA:") && "AUDIO".equals(attribute(l, "TYPE"))) {
                String uri = attribute(l, "URI");
                if (uri != null) {
                    audio.computeIfAbsent(attribute(l, "GROUP-ID"), k -> new ArrayList<>())
                            .add(new String[] {uri, attribute(l, "DEFAULT")});
                }
            } else if (l.startsWith("#EXT-X-STREAM-INF:")) {
                String bw = attribute(l, "BANDWIDTH");
                long b = bw == null ? 0 : Long.parseLong(bw.replaceAll("[^0-9]", "0"));
                int j = i + 1;
                while (j < lines.length && (lines[j].isBlank() || lines[j].startsWith("#"))) {
                    j++;
                }
                if (j < lines.length && b > best) {
                    best = b;
                    bestUri = lines[j].strip();
                    bestGroup = attribute(l, "AUDIO");
                }
            }
        }
        if (bestUri == null) {
            throw new Refusal(400, "the multivariant playlist lists no variant");
        }
        URI a = null;
        List<String[]> group = bestGroup == null ? null : audio.get(bestGroup);
        if (group != null && !group.isEmpty()) {
            String[] pick = group.stream().filter(r -> "YES".equals(r[1])).findFirst().orElse(group.get(0));
            a = base.resolve(URI.create(pick[0]));
        }
        return new Choice(base.resolve(URI.create(bestUri)), a);
    }

    /** RFC 8216 4.2 attribute lists: {@code NAME=value} or {@code NAME="quoted"}, comma-separated. */
    static String attribute(String line, String name) {
        int colon = line.indexOf(':');
        int i = colon + 1;
        while (i > 0 && i < line.length()) {
            int eq = line.indexOf('=', i);
            if (eq < 0) {
                return null;
            }
            String key = line.substring(i, eq).strip();
            int end;
            String value;
            if (eq + 1 < line.length() && line.charAt(eq + 1) == '"') {
                end = line.indexOf('"', eq + 2);
                if (end < 0) {
                    return null;
                }
                value = line.substring(eq + 2, end);
                end = line.indexOf(',', end);
            } else {
                end = line.indexOf(',', eq);
                value = line.substring(eq + 1, end < 0 ? line.length() : end);
            }
            if (key.equals(name)) {
                return value;
            }
            i = end < 0 ? -1 : end + 1;
        }
        return null;
    }

    record Choice(URI video, URI audio) {
    }
}
