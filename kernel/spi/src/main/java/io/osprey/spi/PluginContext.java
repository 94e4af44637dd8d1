package io.osprey.spi;

import io.osprey.spi.access.AccessControl;
import io.osprey.spi.access.AccessPolicy;
import io.osprey.spi.access.AdmissionPolicy;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.cluster.ClusterRegistry;
import io.osprey.spi.cluster.SharedCounters;
import io.osprey.spi.http.HttpRoutes;
import io.osprey.spi.metrics.Metrics;
import io.osprey.spi.net.TcpListeners;
import io.osprey.spi.recording.RecordingRegistry;
import io.osprey.spi.source.SourceResolvers;
import io.osprey.spi.worker.Workers;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.osgi.annotation.versioning.ProviderType;

/**
 * What the kernel gives a running plugin. One context per plugin start; it is closed when the plugin stops, and
 * every registration made through it (routes, WebSocket endpoints, TCP listeners, bus subscriptions and
 * publishers, watchers, policies, health checks, metrics, scheduled tasks, {@link #onStop} resources) is
 * released then, in reverse order of registration.
 *
 * <p>All methods are thread-safe. After the plugin has stopped, registration methods throw
 * {@link IllegalStateException}.
 */
@ProviderType
public interface PluginContext {

    /** The plugin's id. */
    String pluginId();

    /**
     * The plugin's config section bound to {@code type} (which must be the plugin's {@link Plugin#configType()}),
     * validated. The same instance for the whole life of this context.
     */
    <C> C config(Class<C> type);

    /** The media bus. Publishers and subscriptions made through it are closed when the plugin stops. */
    MediaBus bus();

    /** HTTP routes and WebSocket endpoints on the shared Jetty server. */
    HttpRoutes http();

    /** Raw TCP/TLS listeners on the shared Jetty server. */
    TcpListeners tcp();

    /** The access and admission hooks every ingest and output must ask. */
    AccessControl access();

    /**
     * Adds a policy to the access hook (auth plugins). A policy that also implements
     * {@link io.osprey.spi.access.SessionListener} is told of ended sessions too (access 1.1).
     */
    Registration addAccessPolicy(AccessPolicy policy);

    /** Adds a policy to the admission hook (rate-limit plugins). */
    Registration addAdmissionPolicy(AdmissionPolicy policy);

    /**
     * Counters, slots and token buckets shared by the cluster's nodes (this node's alone without a cluster).
     *
     * @since 1.1
     */
    SharedCounters counters();

    /**
     * The cluster's registry of nodes and stream owners (this node alone without a cluster). Listeners added
     * through it are removed when the plugin stops.
     *
     * @since 1.2
     */
    ClusterRegistry cluster();

    /** Metrics exposed on {@code /metrics}, unregistered when the plugin stops. */
    Metrics metrics();

    /** Timers and background work; pending tasks are cancelled when the plugin stops. */
    Scheduler scheduler();

    /** Adds a health check consulted by {@code GET /api/health}; it must answer quickly. */
    Registration healthCheck(String name, Supplier<Health> check);

    /**
     * The recordings registry: recorders register their root folders here, {@code /api/recordings} and the cleaner
     * read it. Recorders registered through this context are removed when the plugin stops.
     */
    RecordingRegistry recordings();

    /** The server's shared data folder ({@code server.dataDir}), created if missing. */
    Path dataDir();

    /** Facts about the running server. */
    ServerInfo server();

    /**
     * Supervised child processes (ffmpeg, ffprobe) for native work; every worker started through it is killed when
     * the plugin stops.
     *
     * @since 1.1
     */
    Workers workers();

    /**
     * The shared registry of source URL resolvers; resolvers added through it are removed when the plugin stops.
     *
     * @since 1.1
     */
    SourceResolvers sourceResolvers();

    /** Registers a resource of the plugin's own to close when the plugin stops (after {@link Plugin#stop}). */
    Registration onStop(AutoCloseable resource);

    /**
     * Reports that the plugin can no longer work (e.g. a listener died). The kernel marks it failed with
     * {@code reason}, stops it and releases its registrations. Returns at once.
     */
    void fail(String reason, Throwable cause);
}
