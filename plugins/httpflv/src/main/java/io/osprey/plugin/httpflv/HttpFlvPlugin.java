package io.osprey.plugin.httpflv;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTP-FLV live output: {@code GET /{app}/{stream}.flv} streams the FLV header, metadata, codec configs and the
 * cached GOP, then live tags, for as long as the stream and the viewer last.
 */
public final class HttpFlvPlugin implements Plugin {

    private final Set<FlvViewer> viewers = ConcurrentHashMap.newKeySet();

    @Override
    public String id() {
        return "httpflv";
    }

    @Override
    public Class<?> configType() {
        return HttpFlvConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        HttpFlvConfig config = ctx.config(HttpFlvConfig.class);
        ctx.http().route("*.flv", new FlvHandler(ctx, config, viewers));
        ctx.metrics().gauge("osprey_httpflv_viewers", "HTTP-FLV viewers connected now", () -> viewers.size());
    }

    @Override
    public void stop() {
        for (FlvViewer v : viewers) {
            v.abort("the httpflv plugin stopped");
        }
        viewers.clear();
    }
}
