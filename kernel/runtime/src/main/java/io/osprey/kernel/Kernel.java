package io.osprey.kernel;

import io.osprey.kernel.access.KernelAccessControl;
import io.osprey.kernel.admin.AdminApi;
import io.osprey.kernel.http.AdminAuth;
import io.osprey.kernel.metrics.HealthRegistry;
import io.osprey.kernel.admin.InfoApi;
import io.osprey.kernel.admin.MetricsHandler;
import io.osprey.kernel.admin.PluginConfigApi;
import io.osprey.kernel.admin.PluginUploadApi;
import io.osprey.kernel.admin.RecordingsApi;
import io.osprey.kernel.bus.Bus;
import io.osprey.kernel.cluster.ClusterMetrics;
import io.osprey.kernel.cluster.ClusterRedis;
import io.osprey.kernel.cluster.KernelCluster;
import io.osprey.kernel.cluster.KernelCounters;
import io.osprey.kernel.cluster.StreamClaims;
import io.osprey.kernel.admin.ClusterApi;
import io.osprey.kernel.config.Config;
import io.osprey.kernel.config.ConfigError;
import io.osprey.kernel.config.ConfigLoader;
import io.osprey.kernel.http.ConnectionGuard;
import io.osprey.kernel.http.FdBudget;
import io.osprey.kernel.http.JettyHost;
import io.osprey.kernel.http.Router;
import io.osprey.kernel.config.ServerConfig;
import io.osprey.kernel.memory.MemoryTrimmer;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.osprey.kernel.osgi.OsgiPlugins;
import io.osprey.kernel.plugin.ClasspathPlugins;
import io.osprey.kernel.plugin.KernelServices;
import io.osprey.kernel.plugin.PluginManager;
import io.osprey.kernel.plugin.PluginStatus;
import io.osprey.kernel.recording.KernelRecordings;
import io.osprey.kernel.source.ResolverRegistry;
import io.osprey.kernel.worker.WorkerHost;
import io.osprey.spi.ServerInfo;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The running server: config, Jetty host, bus, hooks, metrics, admin API and the plugins, in either run mode.
 * {@link #start} returns once every enabled plugin has started (or failed); {@link #close} stops everything.
 */
public final class Kernel implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Kernel.class.getName());

    private final KernelOptions options;
    private final ConfigLoader loader;
    private final ScheduledThreadPoolExecutor scheduler;
    private volatile Config config;
    private JettyHost host;
    private Bus bus;
    private volatile PluginManager plugins;
    private WorkerHost workers;
    private OsgiPlugins osgi;
    private PluginUploadApi uploads;
    private volatile boolean configPending;
    private String adminToken;
    /** Where the admin token is, for the banner: the config key that set it, or the file it was saved in. */
    private String tokenAt;
    private InfoApi infoApi;
    private volatile byte[] configDigest;
    private boolean osgiMode;
    private volatile boolean ready;
    private ClusterRedis redis;
    private KernelCounters counters;
    private KernelCluster cluster;

    private Kernel(KernelOptions options) {
        this.options = options;
        this.loader = new ConfigLoader(options.configFile(), options.sets(), options.env()).pluginTypes(
                new io.osprey.kernel.config.PluginTypes() {
                    @Override
                    public java.util.Set<String> ids() {
                        PluginManager p = plugins;
                        return p == null ? java.util.Set.of() : p.ids();
                    }

                    @Override
                    public Class<?> configType(String id) {
                        PluginManager p = plugins;
                        return p == null ? null : p.configType(id);
                    }
                });
        this.scheduler = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "osprey-scheduler");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** Version of the kernel, from the build. */
    public static String version() {
        try (InputStream in = Kernel.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /**
     * Loads the config and starts everything.
     *
     * @throws ConfigError if the config is invalid (nothing was started)
     * @throws Exception   if a port cannot be bound or the plugin host cannot start (everything started is stopped)
     */
    public static Kernel start(KernelOptions options) throws Exception {
        Kernel k = new Kernel(options);
        try {
            k.doStart();
            return k;
        } catch (Throwable t) {
            k.close();
            throw t;
        }
    }

    private void doStart() throws Exception {
        long t0 = System.nanoTime();
        config = loader.load();
        configDigest = digestConfigFile();
        Path home = options.home();
        Path dataDir = home.resolve(config.server().dataDir).toAbsolutePath().normalize();
        Files.createDirectories(dataDir);
        adminToken = resolveToken(dataDir);

        host = new JettyHost(config.server());
        host.start(config.server().https, home);
        bus = new Bus(config.bus().settings(), host.executor(), scheduler);
        String mode = config.server().plugins.mode;
        Path pluginsDir = home.resolve(config.server().plugins.dir).toAbsolutePath().normalize();
        osgiMode = mode.equals("osgi") || (mode.equals("auto") && Files.isDirectory(pluginsDir));
        ServerInfo info = new ServerInfo(version(), host.httpPort(), dataDir, osgiMode);
        PrometheusRegistry registry = new PrometheusRegistry();
        HealthRegistry health = new HealthRegistry();
        KernelAccessControl access = new KernelAccessControl();
        host.router().admission(access);
        AdminAuth adminAuth = new AdminAuth(adminToken, host.refusals());
        KernelRecordings recordings = new KernelRecordings();
        String nodeId = config.cluster().nodeId.isEmpty() ? hostName() + "-" + host.httpPort() : config.cluster().nodeId;
        String advertise = config.cluster().advertiseUrl.isEmpty() ? "http://" + hostName() + ":" + host.httpPort()
                : config.cluster().advertiseUrl.replaceAll("/+$", "");
        if (!config.cluster().redisUrl.isEmpty()) {
            redis = new ClusterRedis(config.cluster(), nodeId, scheduler);
        }
        counters = new KernelCounters(redis, scheduler);
        StreamClaims claims = new StreamClaims(redis, nodeId, advertise);
        bus.claims(claims);
        cluster = new KernelCluster(redis, claims, bus, nodeId, advertise, host.executor());
        ClusterMetrics.register(registry, redis, counters, claims);
        workers = new WorkerHost(scheduler, dataDir, registry);
        plugins = new PluginManager(new KernelServices(bus, host, access, registry, health, scheduler, info,
                adminAuth, recordings, counters, workers, new ResolverRegistry(), cluster), config);

        host.router().add("kernel", "/api/*", new AdminApi(plugins, bus, health,
                () -> osgi == null ? Map.of() : osgi.errors(), adminAuth, () -> ready));
        host.router().add("kernel", "/api/recordings", adminAuth.guard(new RecordingsApi(recordings)));
        host.router().add("kernel", "uri-template:/api/plugins/{id}/config", adminAuth.guard(new PluginConfigApi(plugins,
                new PluginConfigApi.ConfigFile() {
                    @Override
                    public Path path() {
                        return options.configFile();
                    }

                    @Override
                    public void write(byte[] text) throws ConfigError, IOException {
                        writeConfig(text);
                    }
                })));
        uploads = new PluginUploadApi(() -> osgi);
        host.router().add("kernel", "/api/plugins/*", adminAuth.guard(uploads));
        infoApi = new InfoApi(version(), host, () -> config, plugins::list);
        host.router().add("kernel", "/api/info", infoApi);
        host.router().add("kernel", "/api/cluster", adminAuth.guard(new ClusterApi(cluster)));
        host.router().add("kernel", "/metrics", new MetricsHandler(registry, bus, plugins));
        if (!config.server().webDir.isEmpty()) {
            host.serveStatic(home.resolve(config.server().webDir));
        }

        if (osgiMode) {
            osgi = new OsgiPlugins(pluginsDir, dataDir.resolve(".osgi-cache"), plugins);
            osgi.onChange(this::retryPendingConfig);
            osgi.start();
            long scan = config.server().plugins.scanIntervalMs;
            scheduler.scheduleWithFixedDelay(this::scanPlugins, scan, scan, TimeUnit.MILLISECONDS);
        } else {
            ClasspathPlugins.discover(options.pluginLoader(), plugins);
        }
        plugins.validate(config); // a bad plugin section fails start-up, naming the key, like a bad server key
        long trim = config.server().memory.poolTrimIntervalMs;
        if (trim > 0) {
            ServerConfig.Memory m = config.server().memory;
            scheduler.scheduleWithFixedDelay(MemoryTrimmer.forProcess(m.poolKeepBytes, m.directGcBytes,
                    m.directGcIntervalMs, bus::bytesIn), trim, trim, TimeUnit.MILLISECONDS);
        }
        registerConnectionMetrics(registry);
        long cfgScan = config.server().configScanIntervalMs;
        if (options.configFile() != null && cfgScan > 0) {
            scheduler.scheduleWithFixedDelay(this::checkConfigFile, cfgScan, cfgScan, TimeUnit.MILLISECONDS);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        String summary = plugins.list().stream().map(p -> p.id() + " " + p.state().label())
                .collect(Collectors.joining(", "));
        long sinceJvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        LOG.log(Level.INFO, "Osprey {0} ready {1} ms after JVM start (kernel start {2} ms, {3} mode): http on port {4};"
                + " plugins: {5}", version(), String.valueOf(sinceJvm), String.valueOf(ms),
                osgiMode ? "OSGi" : "ServiceLoader", String.valueOf(host.httpPort()), summary.isEmpty() ? "none" : summary);
        String webDir = config.server().webDir;
        LOG.log(Level.INFO, Banner.render(infoApi.info(), config, webDir.isEmpty() ? null : home.resolve(webDir), dataDir,
                tokenAt, osgiMode ? "OSGi" : "ServiceLoader", sinceJvm));
        ready = true; // after the banner: whoever waits for a healthy server finds the banner printed
    }

    private void registerConnectionMetrics(PrometheusRegistry registry) {
        ConnectionGuard g = host.guard();
        GaugeWithCallback.builder().name("osprey_connections_open")
                .help("Client connections open across HTTP and the plugins' listeners")
                .callback(cb -> cb.call(g.open())).register(registry);
        GaugeWithCallback.builder().name("osprey_connections_max")
                .help("Cap on open client connections (server.connections.max, or from the fd limit)")
                .callback(cb -> cb.call(g.cap())).register(registry);
        CounterWithCallback.builder().name("osprey_connections_refused")
                .help("Connections closed at accept because the cap was reached")
                .callback(cb -> cb.call(g.refusedOverCap())).register(registry);
        CounterWithCallback.builder().name("osprey_http_header_deadline_closed")
                .help("HTTP connections closed for not sending their request headers in time")
                .callback(cb -> cb.call(g.closedByHeaderDeadline())).register(registry);
        Router router = host.router();
        CounterWithCallback.builder().name("osprey_http_fast_get")
                .help("GETs answered from prepared bytes before Jetty's request handling (server.http.fastGet)")
                .callback(cb -> cb.call(router.fastAnswered())).register(registry);
        CounterWithCallback.builder().name("osprey_connections_evicted")
                .help("HTTP connections without request headers closed at the cap to let a new connection in")
                .callback(cb -> cb.call(g.evictedAtCap())).register(registry);
        GaugeWithCallback.builder().name("osprey_open_fds").help("File descriptors the process has open")
                .callback(cb -> cb.call(FdBudget.openNow())).register(registry);
    }

    private void scanPlugins() {
        try {
            osgi.scan();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "plugin folder scan failed", t);
        }
    }

    private void checkConfigFile() {
        try {
            byte[] d = digestConfigFile();
            if (d == null || Arrays.equals(d, configDigest)) {
                return;
            }
            configDigest = d;
            configPending = !reloadConfig();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "config reload failed", t);
        }
    }

    /**
     * A config file edit that was rejected may name keys only a newer plugin jar knows (the jar and its config
     * section updated together): when a bundle changes, the file is read and checked again.
     */
    private void retryPendingConfig() {
        if (configPending) {
            LOG.log(Level.INFO, "a plugin bundle changed: checking the config file edit rejected before again");
            configPending = !reloadConfig();
        }
    }

    /** Re-reads the config; applies it if valid, otherwise logs why and keeps the running one. */
    public synchronized boolean reloadConfig() {
        Config next;
        try {
            next = loader.load();
            plugins.validate(next);
        } catch (ConfigError e) {
            LOG.log(Level.ERROR, "config change rejected, keeping the running config: {0}", e.getMessage());
            return false;
        }
        if (!next.tree().path("server").equals(config.tree().path("server"))) {
            LOG.log(Level.WARNING, "changes to the server section take effect at the next start");
        }
        try {
            plugins.apply(next); // all affected plugins or none
        } catch (ConfigError e) {
            LOG.log(Level.ERROR, "config change rejected, keeping the running config: {0}", e.getMessage());
            return false;
        }
        bus.setSettings(next.bus().settings());
        config = next;
        LOG.log(Level.INFO, "config reloaded from {0}", options.configFile());
        return true;
    }

    /**
     * Checks {@code text} as the new config file by the rules of {@link #reloadConfig()}, writes it in place of the
     * file and applies it the same way (all affected plugins or none). Nothing is written when it is refused; the
     * old text is put back when the apply fails.
     */
    public synchronized void writeConfig(byte[] text) throws ConfigError, IOException {
        Path f = options.configFile();
        if (f == null) {
            throw new ConfigError("", "(built-in defaults)", "the server runs without a config file");
        }
        Config next = loader.load(text);
        plugins.validate(next);
        byte[] before = Files.readAllBytes(f);
        replace(f, text);
        try {
            plugins.apply(next);
        } catch (ConfigError e) {
            replace(f, before);
            throw e;
        }
        if (!next.tree().path("server").equals(config.tree().path("server"))) {
            LOG.log(Level.WARNING, "changes to the server section take effect at the next start");
        }
        bus.setSettings(next.bus().settings());
        config = next;
    }

    /** Writes {@code text} to a sibling and moves it over {@code f}: the file scan never reads half a file. */
    private void replace(Path f, byte[] text) throws IOException {
        Path tmp = f.resolveSibling("." + f.getFileName() + ".saving");
        Files.write(tmp, text);
        try {
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.AtomicMoveNotSupportedException e) {
            Files.move(tmp, f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        configDigest = digestConfigFile();
    }

    private byte[] digestConfigFile() {
        Path f = options.configFile();
        if (f == null) {
            return null;
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
        } catch (IOException e) {
            return null;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String resolveToken(Path dataDir) throws IOException {
        String configured = config.server().admin.token;
        Path file = dataDir.resolve("admin.token");
        if (!configured.isEmpty()) {
            tokenAt = "server.admin.token, set in " + config.sourceOf("server.admin.token");
            return configured;
        }
        tokenAt = file.toString();
        if (Files.exists(file)) {
            String t = Files.readString(file, StandardCharsets.UTF_8).trim();
            if (t.length() >= 16) {
                return t;
            }
        }
        byte[] raw = new byte[24];
        new SecureRandom().nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Files.writeString(file, token + "\n", StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
        LOG.log(Level.WARNING, "server.admin.token is not set: generated one for the admin API and saved it in {0}. "
                + "Token: {1}", file, token);
        return token;
    }

    public int httpPort() {
        return host.httpPort();
    }

    public String adminToken() {
        return adminToken;
    }

    public PluginManager plugins() {
        return plugins;
    }

    public Bus bus() {
        return bus;
    }

    public JettyHost host() {
        return host;
    }

    /** The shared counters plugins get ({@code io.osprey.spi.cluster}). */
    public KernelCounters counters() {
        return counters;
    }

    /** The cluster registry ({@code io.osprey.spi.cluster}). */
    public KernelCluster cluster() {
        return cluster;
    }

    /** The cluster's Redis client, or {@code null} without {@code cluster.redisUrl}. */
    public ClusterRedis clusterRedis() {
        return redis;
    }

    public Config config() {
        return config;
    }

    public boolean osgiMode() {
        return osgiMode;
    }

    /** Plugins as the admin API lists them. */
    public java.util.List<PluginStatus> pluginStatus() {
        return plugins == null ? Collections.emptyList() : plugins.list();
    }

    @Override
    public synchronized void close() {
        scheduler.shutdownNow();
        if (plugins != null) {
            plugins.stopAll();
        }
        if (workers != null) {
            workers.close(); // after the plugins: anything a plugin's stop missed, and the shutdown hook
        }
        if (bus != null) {
            bus.close();
        }
        if (uploads != null) {
            uploads.close();
        }
        if (osgi != null) {
            osgi.close();
        }
        if (host != null) {
            host.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static String hostName() {
        try {
            String h = java.net.InetAddress.getLocalHost().getHostName();
            return h.replaceAll("[^A-Za-z0-9_.-]", "-");
        } catch (java.net.UnknownHostException e) {
            return "localhost";
        }
    }
}
