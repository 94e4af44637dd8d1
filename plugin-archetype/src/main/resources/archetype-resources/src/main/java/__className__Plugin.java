package ${package};

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.bus.StreamView;
import io.osprey.spi.bus.StreamWatcher;
import io.osprey.spi.bus.SubscribeOptions;
import io.osprey.spi.bus.Subscription;
import io.osprey.spi.bus.StreamNotFoundException;
import io.osprey.spi.metrics.Counter;
import java.lang.System.Logger.Level;

/**
 * The ${pluginId} plugin: subscribes to every live stream, counts its frames, remembers the size of its latest
 * video key frame, and serves that as JSON on {@code GET /${pluginId}/streams}.
 *
 * <p>Lifecycle: the server calls {@code start(PluginContext)} once and {@code stop()} once on one of its threads. Everything
 * registered through the {@link PluginContext} (the route, the watcher, the subscriptions, the metric) is removed by
 * the server when the plugin stops, so {@code stop} has nothing to release here.
 *
 * <p>Threads: {@link StreamWatcher} callbacks come from the thread that starts or ends a stream (a publisher's
 * connection); {@link StreamCounts#onReadable} from a bus thread or inline on the publisher's thread. Neither may
 * block. The route runs on Jetty's threads. {@link StreamCounts} is what they share, and it is thread-safe.
 */
public final class ${className}Plugin implements Plugin {

    static final String ID = "${pluginId}";
    private static final System.Logger LOG = System.getLogger(${className}Plugin.class.getName());

    private StreamCounts counts;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public Class<?> configType() {
        return ${className}Config.class;
    }

    @Override
    public void start(PluginContext ctx) {
        ${className}Config config = ctx.config(${className}Config.class); // already validated
        Counter frames = ctx.metrics().counter("osprey_" + ID.replace('-', '_') + "_frames_total",
                "frames the " + ID + " plugin read, by kind (video, audio, data)", "kind");
        counts = new StreamCounts(config.maxStreams, (kind, n) -> frames.labels(kind).inc(n));
        ctx.bus().watch(new StreamWatcher() {
            @Override
            public void onStreamStarted(StreamView stream) {
                if (!counts.admit(stream.key())) {
                    LOG.log(Level.WARNING, "{0}: not counting {1}, maxStreams ({2}) are counted already", ID,
                            stream.key(), config.maxStreams);
                    return;
                }
                try {
                    // a packager subscription: not counted as a viewer, never closed for being slow
                    Subscription s = ctx.bus().subscribe(stream.key(), SubscribeOptions.packager(ID), counts);
                    s.demand();
                } catch (StreamNotFoundException ended) {
                    counts.remove(stream.key());
                }
            }

            @Override
            public void onStreamEnded(StreamView stream) {
                counts.remove(stream.key());
            }
        });
        ctx.http().route("/" + ID + "/streams", new StreamsRoute(counts, config.pretty));
        LOG.log(Level.INFO, "{0}: counting frames of up to {1} streams on /{0}/streams", ID, config.maxStreams);
    }

    @Override
    public void stop() {
        // the server closes the subscriptions and removes the route and the metric after this returns
        LOG.log(Level.INFO, "{0}: stopped", ID);
    }
}
