package io.osprey.kernel.plugin;

import io.osprey.kernel.metrics.PluginMetrics;
import io.osprey.spi.Health;
import io.osprey.spi.PluginContext;
import io.osprey.spi.Registration;
import io.osprey.spi.Scheduler;
import io.osprey.spi.ServerInfo;
import io.osprey.spi.access.AccessControl;
import io.osprey.spi.access.AccessPolicy;
import io.osprey.spi.access.AdmissionPolicy;
import io.osprey.spi.bus.MediaBus;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.cluster.ClusterNode;
import io.osprey.spi.cluster.ClusterRegistry;
import io.osprey.spi.cluster.OwnershipListener;
import io.osprey.spi.cluster.SharedCounters;
import io.osprey.spi.cluster.StreamOwner;
import io.osprey.spi.http.FastGet;
import io.osprey.spi.http.HttpRoutes;
import io.osprey.spi.http.WebSocketFactory;
import io.osprey.spi.metrics.Metrics;
import io.osprey.spi.net.TcpListener;
import io.osprey.spi.net.TcpListenerSpec;
import io.osprey.spi.net.TcpListeners;
import io.osprey.spi.recording.Recorder;
import io.osprey.spi.recording.RecordingRegistry;
import io.osprey.spi.source.SourceResolvers;
import io.osprey.spi.worker.Workers;
import io.osprey.kernel.worker.PluginWorkers;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;

/** The context of one plugin start; {@link #close()} releases everything registered through it. */
final class PluginContextImpl implements PluginContext, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PluginContextImpl.class.getName());

    private final String id;
    private final KernelServices k;
    private final Resources resources;
    private final PluginBus bus;
    private final PluginMetrics metrics;
    private final FailureSink failures;
    private volatile Object config;
    private PluginWorkers workers;

    /** Where {@link #fail} reports go. */
    interface FailureSink {
        void failed(PluginContextImpl ctx, String reason, Throwable cause);
    }

    PluginContextImpl(String id, KernelServices k, Object config, FailureSink failures) {
        this.id = id;
        this.k = k;
        this.config = config;
        this.failures = failures;
        this.resources = new Resources(id);
        this.bus = new PluginBus(k.bus(), this);
        this.metrics = new PluginMetrics(k.registry(), resources::add);
    }

    Resources resources() {
        return resources;
    }

    Object configObject() {
        return config;
    }

    void setConfig(Object config) {
        this.config = config;
    }

    @Override
    public String pluginId() {
        return id;
    }

    @Override
    public <C> C config(Class<C> type) {
        Object c = config;
        if (c == null || !type.isInstance(c)) {
            throw new IllegalArgumentException("plugin " + id + " has no config of type " + type.getName()
                    + " (declare it with Plugin.configType())");
        }
        return type.cast(c);
    }

    @Override
    public MediaBus bus() {
        return bus;
    }

    @Override
    public HttpRoutes http() {
        return new HttpRoutes() {
            @Override
            public Registration route(String pathSpec, Handler handler) {
                checkOpen();
                return tracked(k.host().router().add(id, pathSpec, handler));
            }

            @Override
            public Registration adminRoute(String pathSpec, Handler handler) {
                checkOpen();
                if (pathSpec == null || !pathSpec.startsWith("/api/") || pathSpec.equals("/api/*")
                        || pathSpec.startsWith("/api/health")) {
                    throw new IllegalArgumentException("an admin route must lie under /api/ (not /api/* or"
                            + " /api/health): " + pathSpec);
                }
                return tracked(k.host().router().add(id, pathSpec, k.adminAuth().guard(handler)));
            }

            @Override
            public Registration webSocket(String pathSpec, WebSocketFactory factory) {
                checkOpen();
                return tracked(k.host().webSocket(id, pathSpec, factory));
            }

            @Override
            public Registration fastGet(String prefix, FastGet responder) {
                checkOpen();
                return tracked(k.host().router().fastGet(id, prefix, responder));
            }
        };
    }

    @Override
    public TcpListeners tcp() {
        return new TcpListeners() {
            @Override
            public TcpListener listen(TcpListenerSpec spec, ConnectionFactory factory) throws IOException {
                checkOpen();
                return resources.add(k.host().listen(spec, factory));
            }
        };
    }

    @Override
    public AccessControl access() {
        return k.access();
    }

    @Override
    public Registration addAccessPolicy(AccessPolicy policy) {
        return tracked(k.access().add(policy));
    }

    @Override
    public Registration addAdmissionPolicy(AdmissionPolicy policy) {
        return tracked(k.access().add(policy));
    }

    @Override
    public SharedCounters counters() {
        return k.counters();
    }

    @Override
    public ClusterRegistry cluster() {
        ClusterRegistry c = k.cluster();
        return new ClusterRegistry() {
            @Override
            public String nodeId() {
                return c.nodeId();
            }

            @Override
            public boolean clustered() {
                return c.clustered();
            }

            @Override
            public CompletionStage<Optional<StreamOwner>> owner(StreamKey key) {
                return c.owner(key);
            }

            @Override
            public CompletionStage<List<ClusterNode>> nodes() {
                return c.nodes();
            }

            @Override
            public Registration listen(OwnershipListener listener) {
                checkOpen();
                return tracked(c.listen(listener));
            }
        };
    }

    @Override
    public Metrics metrics() {
        return metrics;
    }

    @Override
    public Scheduler scheduler() {
        return new Scheduler() {
            @Override
            public Registration schedule(Runnable task, long delay, TimeUnit unit) {
                checkOpen();
                Registration[] self = new Registration[1];
                ScheduledFuture<?> f = k.scheduler().schedule(() -> {
                    resources.remove(self[0]);
                    guarded(task).run();
                }, delay, unit);
                self[0] = () -> f.cancel(false);
                return resources.add(self[0]);
            }

            @Override
            public Registration scheduleWithFixedDelay(Runnable task, long initialDelay, long period, TimeUnit unit) {
                checkOpen();
                ScheduledFuture<?> f = k.scheduler().scheduleWithFixedDelay(() -> {
                    try {
                        task.run();
                    } catch (Throwable t) {
                        LOG.log(Level.WARNING, "periodic task of plugin " + id + " threw; it will not run again", t);
                        throw t;
                    }
                }, initialDelay, period, unit);
                return resources.add(() -> f.cancel(false));
            }

            @Override
            public void execute(Runnable task) {
                checkOpen();
                k.host().executor().execute(guarded(task));
            }
        };
    }

    private Runnable guarded(Runnable task) {
        return () -> {
            if (resources.isClosed()) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                LOG.log(Level.WARNING, "task of plugin " + id + " threw", t);
            }
        };
    }

    @Override
    public Registration healthCheck(String name, Supplier<Health> check) {
        return tracked(k.health().add(id + "/" + name, check));
    }

    @Override
    public RecordingRegistry recordings() {
        return new RecordingRegistry() {
            @Override
            public RecorderRegistration register(Recorder recorder) {
                checkOpen();
                RecorderRegistration r = k.recordings().register(id, recorder);
                resources.add(r);
                return new RecorderRegistration() {
                    @Override
                    public void ready() {
                        r.ready();
                    }

                    @Override
                    public void close() {
                        resources.remove(r);
                        r.close();
                    }
                };
            }

            @Override
            public java.util.List<Entry> recorders() {
                return k.recordings().recorders();
            }
        };
    }

    @Override
    public Path dataDir() {
        Path d = k.server().dataDir();
        try {
            Files.createDirectories(d);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create data folder " + d + ": " + e.getMessage(), e);
        }
        return d;
    }

    @Override
    public ServerInfo server() {
        return k.server();
    }

    @Override
    public synchronized Workers workers() {
        checkOpen();
        if (workers == null) {
            workers = resources.add(k.workers().forPlugin(id));
        }
        return workers;
    }

    @Override
    public SourceResolvers sourceResolvers() {
        return k.resolvers().view(this::tracked);
    }

    @Override
    public Registration onStop(AutoCloseable resource) {
        resources.add(resource);
        return () -> {
            resources.remove(resource);
            try {
                resource.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "closing a resource of plugin " + id, e);
            }
        };
    }

    @Override
    public void fail(String reason, Throwable cause) {
        failures.failed(this, reason, cause);
    }

    /** Tracks {@code r} until the plugin stops or {@code r} is closed, whichever comes first. */
    Registration tracked(Registration r) {
        resources.add(r);
        return () -> {
            resources.remove(r);
            r.close();
        };
    }

    private void checkOpen() {
        if (resources.isClosed()) {
            throw new IllegalStateException("plugin " + id + " is stopped");
        }
    }

    @Override
    public void close() {
        resources.closeAll();
    }
}
