package io.osprey.plugin.passthrough;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.worker.Tool;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * Remote media URL(s) → fragmented MP4 streamed to the client as an ffmpeg child makes it (codecs copied), behind a
 * connection gate (503 at once) and a worker gate (a bounded FIFO), with outbound checks on every URL fetched.
 * Resolvers {@code direct}, {@code hls} and (when configured) {@code command} are registered for every plugin.
 */
public final class PassthroughPlugin implements Plugin {

    private static final System.Logger LOG = System.getLogger(PassthroughPlugin.class.getName());

    @Override
    public String id() {
        return "pass-through-muxer";
    }

    @Override
    public Class<?> configType() {
        return PassthroughConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        PassthroughConfig config = ctx.config(PassthroughConfig.class);
        OutboundGuard guard = new OutboundGuard(config.allowPrivate, config.allowHosts);
        Fetcher fetcher = new Fetcher(guard, ctx.scheduler(), config.maxRedirects, config.connectTimeoutMs);
        ctx.sourceResolvers().add(new DirectResolver());
        ctx.sourceResolvers().add(new HlsResolver(fetcher));
        if (config.command.enabled) {
            ctx.sourceResolvers().add(new CommandResolver(ctx.workers(), config.command));
        }
        Gates gates = new Gates(config.maxConnections, config.maxWorkers,
                (ms, task) -> ctx.scheduler().schedule(task, ms, TimeUnit.MILLISECONDS));
        Sources sources = new Sources(config, guard, fetcher, ctx.sourceResolvers(), ctx.scheduler());
        PassthroughService service = new PassthroughService(config, gates, sources, ctx.workers(), ctx.access(),
                probes -> new PassthroughMetrics(ctx.metrics(), gates, probes));
        ctx.http().route(PassthroughHandler.PREFIX + "*", new PassthroughHandler(service, config));
        ctx.http().adminRoute(PassthroughHandler.PREFIX + "status", PassthroughHandler.status(service));
        // resolve the bundled ffmpeg and set up TLS now, off the start path, so the first download does not wait
        ctx.scheduler().execute(() -> {
            Fetcher.warmTls();
            try {
                ctx.workers().executable(Tool.FFMPEG);
                ctx.workers().executable(Tool.FFPROBE);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "pass-through-muxer: the bundled ffmpeg is not usable: " + e.getMessage());
            }
        });
    }
}
