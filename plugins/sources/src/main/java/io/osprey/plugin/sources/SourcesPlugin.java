package io.osprey.plugin.sources;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.worker.Tool;
import java.lang.System.Logger.Level;
import java.util.Map;

/**
 * Pulled streams: cameras, remote streams and local files, each read by a supervised ffmpeg worker into the bus
 * under its stream key, on demand (a viewer on any protocol starts it) or always on. See {@link SourceManager} for
 * the lifecycle, {@link Source} for one source's supervision and {@link SourcesApi} for the admin API.
 */
public final class SourcesPlugin implements Plugin {

    private static final System.Logger LOG = System.getLogger(SourcesPlugin.class.getName());

    private SourceManager manager;

    @Override
    public String id() {
        return "sources";
    }

    @Override
    public Class<?> configType() {
        return SourcesConfig.class;
    }

    @Override
    public void start(PluginContext ctx) {
        SourcesConfig config = ctx.config(SourcesConfig.class);
        SourceStore store = new SourceStore(ctx.dataDir());
        manager = new SourceManager(ctx, config);
        ctx.onStop(manager);
        ctx.http().adminRoute(SourcesApi.ROOT, new SourcesApi(manager, store));
        ctx.http().adminRoute(SourcesApi.ROOT + "/*", new SourcesApi(manager, store));
        config.streams.forEach((k, spec) -> manager.add(StreamKey.parse(k), spec, true, false));
        for (Map.Entry<StreamKey, SourceSpec> e : store.load().entrySet()) {
            if (!manager.add(e.getKey(), e.getValue(), false, false)) {
                LOG.log(Level.WARNING, "sources: {0} from the data folder is also configured; the configured one is"
                        + " used", e.getKey());
            }
        }
        LOG.log(Level.INFO, "sources: {0} sources ({1} configured)", manager.all().size(), config.streams.size());
        // resolve the bundled ffmpeg off the start path, then start the always-on sources
        ctx.scheduler().execute(() -> {
            try {
                ctx.workers().executable(Tool.FFMPEG);
                ctx.workers().executable(Tool.FFPROBE);
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "sources: the bundled ffmpeg is not usable: " + e.getMessage());
            }
            manager.startAlwaysOn();
        });
    }

    /**
     * A config edit applies in place ({@link SourceManager#reconfigure}): only the sources whose entries changed,
     * appeared or went are restarted, started or stopped; every other source and its viewers carry on.
     */
    @Override
    public boolean reconfigure(Object newConfig) {
        manager.reconfigure((SourcesConfig) newConfig);
        return true;
    }
}
