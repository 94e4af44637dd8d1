package io.osprey.plugin.hls;

import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.bus.DemandRequest;
import io.osprey.spi.bus.MediaKind;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.bus.StreamView;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /hls/{app}/{stream}/master.m3u8}, for every stream: the source as one variant, plus the renditions
 * on-demand providers offer for it ({@code MediaBus.variants}: a transcoder's ladder, learnt without knowing that
 * plugin). After the same access check as the stream's playlist, every offered rendition is demanded (starting an
 * on-demand ladder) and waited for up to {@code startTimeoutMs}; those that started are listed, one that did not
 * (refused by a cap, failed) is left out, so the master always plays. The viewer's query (a token) is carried to
 * the variant URIs. Everything else goes to the media-playlist and segment handler.
 */
final class MasterHandler extends Handler.Wrapper {

    private static final String NAME = "/master.m3u8";

    private final PluginContext ctx;
    private final Responses responses;
    private final long startTimeoutMs;

    MasterHandler(PluginContext ctx, Handler.Abstract next, Responses responses, long startTimeoutMs) {
        super(next);
        this.ctx = ctx;
        this.responses = responses;
        this.startTimeoutMs = startTimeoutMs;
    }

    @Override
    public boolean handle(Request rq, Response rs, Callback cb) throws Exception {
        String path = Request.getPathInContext(rq);
        StreamKey key = path.endsWith(NAME) ? key(path) : null;
        if (key == null || !(HttpMethod.GET.is(rq.getMethod()) || HttpMethod.HEAD.is(rq.getMethod()))) {
            return super.handle(rq, rs, cb);
        }
        String query = rq.getHttpURI().getQuery();
        Map<String, String> params = params(rq);
        SocketAddress sa = rq.getConnectionMetaData().getRemoteSocketAddress();
        InetSocketAddress remote = sa instanceof InetSocketAddress isa ? isa : null;
        ctx.access().check(new AccessRequest(Action.PLAY, key, "hls", remote, params)).whenComplete((d, t) -> {
            if (t != null || d == null || !d.allowed()) {
                responses.error(rs, cb, t != null || d == null ? 500 : d.status(),
                        t != null || d == null ? "access check failed" : d.reason(), null);
                return;
            }
            Duration wait = Duration.ofMillis(Math.max(1, startTimeoutMs));
            DemandRequest demand = new DemandRequest("hls", params);
            ctx.bus().demand(key, demand, wait).whenComplete((source, failed) -> {
                if (failed != null) {
                    responses.error(rs, cb, 404, "no such stream: " + key, null);
                    return;
                }
                List<StreamKey> offered = ctx.bus().variants(key);
                List<CompletableFuture<StreamView>> started = new ArrayList<>();
                for (StreamKey v : offered) {
                    started.add(ctx.bus().demand(v, demand, wait).toCompletableFuture()
                            .exceptionally(e -> null));
                }
                long deadline = System.nanoTime() + wait.toNanos();
                CompletableFuture.allOf(started.toArray(CompletableFuture[]::new)).whenComplete((x, y) ->
                        whenDescribed(rs, cb, source, started, HlsHandler.carry(query == null ? "" : query),
                                HttpMethod.HEAD.is(rq.getMethod()), deadline));
            });
        });
        return true;
    }

    /**
     * A rendition's demand completes when it is published, its tracks a moment later: waits (bounded) until every
     * started one has its video config (and its audio one when the source has audio), so its variant gets the full
     * CODECS and RESOLUTION.
     */
    private void whenDescribed(Response rs, Callback cb, StreamView source, List<CompletableFuture<StreamView>> started,
                               String carry, boolean head, long deadline) {
        boolean audio = source.tracks().stream().anyMatch(t -> t.kind() == MediaKind.AUDIO);
        boolean described = started.stream().map(f -> f.getNow(null)).allMatch(v -> v == null || v.isEnded()
                || (has(v, MediaKind.VIDEO) && (!audio || has(v, MediaKind.AUDIO))));
        if (described || System.nanoTime() - deadline >= 0) {
            write(rs, cb, source, started, carry, head);
        } else {
            ctx.scheduler().schedule(() -> whenDescribed(rs, cb, source, started, carry, head, deadline), 50,
                    TimeUnit.MILLISECONDS);
        }
    }

    private static boolean has(StreamView v, MediaKind kind) {
        return v.tracks().stream().anyMatch(t -> t.kind() == kind && t.config().hasRemaining());
    }

    private void write(Response rs, Callback cb, StreamView source, List<CompletableFuture<StreamView>> started,
                       String carry, boolean head) {
        String q = carry == null ? "" : "?" + carry;
        List<MasterPlaylist.Variant> variants = new ArrayList<>();
        variants.add(new MasterPlaylist.Variant(source, "index.m3u8" + q));
        for (CompletableFuture<StreamView> f : started) {
            StreamView v = f.getNow(null);
            if (v != null && !v.isEnded()) {
                variants.add(new MasterPlaylist.Variant(v, "../" + v.key().name() + "/index.m3u8" + q));
            }
        }
        byte[] body = MasterPlaylist.render(variants).getBytes(StandardCharsets.UTF_8);
        responses.send(rs, cb, 200, Responses.PLAYLIST_TYPE, Responses.NO_CACHE,
                Served.of(java.nio.ByteBuffer.wrap(body), false), null, head, null);
    }

    /** {@code /hls/{app}/{stream}/master.m3u8} → the key, or null. */
    private static StreamKey key(String path) {
        if (!path.startsWith(HlsHandler.PREFIX)) {
            return null;
        }
        String rest = path.substring(HlsHandler.PREFIX.length(), path.length() - NAME.length());
        int slash = rest.indexOf('/');
        if (slash < 0 || slash != rest.lastIndexOf('/')) {
            return null;
        }
        String app = rest.substring(0, slash);
        String name = rest.substring(slash + 1);
        return StreamKey.isValidPart(app) && StreamKey.isValidPart(name) ? new StreamKey(app, name) : null;
    }

    private static Map<String, String> params(Request rq) {
        Map<String, String> out = new HashMap<>();
        for (Fields.Field f : Request.extractQueryParameters(rq)) {
            if (out.size() >= 32) {
                break;
            }
            out.put(f.getName(), f.getValue());
        }
        return out;
    }
}
