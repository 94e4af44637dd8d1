package io.osprey.kernel.http;

import io.osprey.kernel.config.ServerConfig;
import io.osprey.spi.Registration;
import io.osprey.spi.http.WebSocketFactory;
import io.osprey.spi.net.TcpListener;
import io.osprey.spi.net.RefusalLog;
import io.osprey.spi.net.TcpListenerSpec;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * The one Jetty server: the HTTP connector, the root {@link Router}, the static web folder, and raw TCP
 * connectors that plugins add and remove at runtime.
 */
public final class JettyHost {

    private static final System.Logger LOG = System.getLogger(JettyHost.class.getName());

    private final ServerConfig.Http config;
    private final ConnectionGuard guard;
    private final RefusalLog refusals;
    private final Server server;
    private final Router router = new Router();
    private final ContextHandler context;
    private ServerConnector http;
    private ServerConnector https;
    private final List<Bound> listeners = new CopyOnWriteArrayList<>();

    /**
     * A raw TCP listener bound now, as {@code GET /api/info} and the start-up banner report it.
     *
     * @param name the plugin's name for it ({@code rtmp}, {@code rtmps})
     * @param port the bound port
     * @param tls  whether TLS is in front
     */
    public record Bound(String name, int port, boolean tls) {
    }

    public JettyHost(ServerConfig.Http config) {
        this(config, new ServerConfig.Connections(), RefusalLog.DEFAULT_INTERVAL_MILLIS);
    }

    public JettyHost(ServerConfig.Http config, ServerConfig.Connections connections, long refusalIntervalMs) {
        this(config, connections, new ServerConfig.Threads(), refusalIntervalMs);
    }

    /** The {@code server} section's listener, connection cap and thread pool settings. */
    public JettyHost(ServerConfig server) {
        this(server.http, server.connections, server.threads, server.refusalLogIntervalMs);
    }

    /**
     * @param connections      the connection cap (applied to HTTP and every {@link #listen} connector)
     * @param threads          the thread pool ({@link ServerThreads})
     * @param refusalIntervalMs refused clients are logged once per client and rule per this
     */
    public JettyHost(ServerConfig.Http config, ServerConfig.Connections connections, ServerConfig.Threads threads,
                     long refusalIntervalMs) {
        this.config = config;
        QueuedThreadPool pool = ServerThreads.create(threads);
        this.server = new Server(pool);
        server.setStopAtShutdown(false);
        this.refusals = new RefusalLog(System.getLogger("io.osprey.kernel.refused"), refusalIntervalMs);
        long fdLimit = FdBudget.processLimit();
        int cap = FdBudget.cap(fdLimit, connections.reservedFds, connections.max);
        this.guard = new ConnectionGuard(cap, config.headerTimeoutMs, server.getScheduler(), refusals);
        String shortfall = FdBudget.shortfall(fdLimit, connections.reservedFds, connections.max);
        if (shortfall != null) {
            LOG.log(Level.WARNING, shortfall);
        }
        LOG.log(Level.INFO, "connection cap {0} (fd limit {1}; server.connections.max, server.connections.reservedFds);"
                + " request header deadline {2} ms; threads {3}..{4} (server.threads)", String.valueOf(cap),
                String.valueOf(fdLimit), String.valueOf(config.headerTimeoutMs), String.valueOf(pool.getMinThreads()),
                String.valueOf(pool.getMaxThreads()));
        server.setErrorHandler(new RefusalErrorHandler(refusals));
        context = new ContextHandler("/");
        context.setHandler(router);
        server.setHandler(context);
    }

    /** Binds the HTTP port and starts the server. */
    public void start() throws Exception {
        start(null, null);
    }

    /**
     * Binds the HTTP port, and the HTTPS port when {@code httpsConfig} is {@link ServerConfig.Https#enabled()
     * enabled} (its files relative to {@code home}), and starts the server.
     */
    public void start(ServerConfig.Https httpsConfig, Path home) throws Exception {
        HttpConfiguration hc = new HttpConfiguration();
        hc.setSendServerVersion(false);
        hc.setSendXPoweredBy(false);
        hc.setRequestHeaderSize(config.maxRequestHeaderBytes);
        ConnectionGuard.HeaderDeadline deadline = guard.headerDeadline();
        hc.addCustomizer(deadline);
        HttpConnectionFactory h1 = config.fastGet ? new FallbackHttpConnectionFactory(hc) : new HttpConnectionFactory(hc);
        GuardedConnector guarded = config.fastGet ? new GuardedConnector(server, selectors(), config.selectorFill,
                guard, new FastGetConnectionFactory(h1, router, deadline), h1)
                : new GuardedConnector(server, selectors(), config.selectorFill, guard, h1);
        guarded.sendFiles(config.sendfile);
        http = guarded;
        http.addBean(deadline);
        http.setAcceptQueueSize(config.acceptQueueSize);
        http.setHost(config.host == null || config.host.isEmpty() ? null : config.host);
        http.setPort(config.port);
        http.setIdleTimeout(config.idleTimeoutMs);
        http.setName("http");
        server.addConnector(http);
        HttpsListener tls = null;
        if (httpsConfig != null && httpsConfig.enabled()) {
            tls = new HttpsListener(httpsConfig, home);
            https = tls.connector(this, hc, deadline);
            https.setAcceptQueueSize(config.acceptQueueSize);
            https.setHost(http.getHost());
            https.setIdleTimeout(config.idleTimeoutMs);
            server.addConnector(https);
        }
        try {
            server.start();
        } catch (IOException e) {
            boolean httpFailed = https == null || !https.isFailed();
            ServerConnector c = httpFailed ? http : https;
            throw new IOException("cannot listen for " + (httpFailed ? "HTTP" : "HTTPS") + " on "
                    + (c.getHost() == null ? "*" : c.getHost()) + ":" + c.getPort() + ": " + rootMessage(e), e);
        }
        if (tls != null) {
            tls.watch(server.getScheduler());
        }
    }

    /** Jetty's "Failed to bind to /0.0.0.0:8080" and the reason under it: "Address already in use". */
    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e || root.getMessage() == null ? String.valueOf(e.getMessage())
                : e.getMessage() + " (" + root.getMessage() + ")";
    }

    /** A connector under the connection cap, with {@code factories} in order. */
    ServerConnector guarded(ConnectionFactory... factories) {
        return new GuardedConnector(server, selectors(), guard, factories);
    }

    /**
     * Selector threads per connector: one per core unless configured. Connections whose reads run on the selector
     * (HTTP handlers, RTMP) get all cores, and HTTP-FLV fan-out completes most of its writes there (Jetty's own
     * default, one per two cores, capped it at one core on 2 cores: 98 % vs 137 % CPU at 8,000 viewers).
     */
    private int selectors() {
        return config.selectors > 0 ? config.selectors : Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    public void stop() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping Jetty", e);
        }
    }

    public Server server() {
        return server;
    }

    /** The client's IP address (no port) for logs. */
    public static String clientAddress(Request request) {
        return ConnectionGuard.address(request.getConnectionMetaData().getRemoteSocketAddress());
    }

    /** The connection cap and header deadline shared by all connectors. */
    public ConnectionGuard guard() {
        return guard;
    }

    /** The kernel's refusal log (logger {@code io.osprey.kernel.refused}). */
    public RefusalLog refusals() {
        return refusals;
    }

    public Router router() {
        return router;
    }

    /** The HTTP connector (for tests and diagnostics). */
    public ServerConnector httpConnector() {
        return http;
    }

    public int httpPort() {
        return http.getLocalPort();
    }

    /** The bound HTTPS port, or -1 when HTTPS is off. */
    public int httpsPort() {
        return https == null ? -1 : https.getLocalPort();
    }

    /** The raw TCP listeners plugins hold now, in the order they were bound. */
    public List<Bound> listeners() {
        return List.copyOf(listeners);
    }

    public Executor executor() {
        return server.getThreadPool();
    }

    public Scheduler scheduler() {
        return server.getScheduler();
    }

    /** Serves {@code dir} at {@code /} (lowest precedence), if it exists. */
    public Registration serveStatic(Path dir) {
        if (dir == null || !Files.isDirectory(dir)) {
            return () -> { };
        }
        ResourceHandler rh = new ResourceHandler();
        rh.setBaseResource(ResourceFactory.of(server).newResource(dir.toAbsolutePath().normalize()));
        rh.setDirAllowed(false);
        rh.setWelcomeFiles("index.html");
        rh.setCacheControl("no-cache");
        return router.add("kernel", "/", rh);
    }

    /** A WebSocket route: upgrade requests go to {@code factory}, others fall through to the next route. */
    public Registration webSocket(String owner, String pathSpec, WebSocketFactory factory) {
        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
        ws.addMapping("/*", new WebSocketNegotiator() {
            @Override
            public org.eclipse.jetty.websocket.core.FrameHandler negotiate(ServerUpgradeRequest request,
                    ServerUpgradeResponse response, org.eclipse.jetty.util.Callback callback) {
                org.eclipse.jetty.websocket.core.FrameHandler handler = factory.newFrameHandler(request, response);
                if (handler == null) {
                    // refused: Jetty treats the request as handled, so the response must be completed here
                    int status = response.getStatus();
                    Response.writeError(request, response, callback, status >= 400 ? status : 404);
                }
                return handler;
            }
        });
        // Jetty's handler answers a plain request on a mapped path itself (404); let it fall through instead
        Handler.Wrapper upgradesOnly = new Handler.Wrapper(ws) {
            @Override
            public boolean handle(Request request, Response response, org.eclipse.jetty.util.Callback callback)
                    throws Exception {
                return isWebSocketUpgrade(request) && super.handle(request, response, callback);
            }
        };
        return router.add(owner, pathSpec, upgradesOnly);
    }

    /** RFC 6455 4.1 ({@code Upgrade: websocket}) or RFC 8441 4 (extended CONNECT with {@code :protocol}). */
    static boolean isWebSocketUpgrade(Request request) {
        if (HttpMethod.CONNECT.is(request.getMethod())) {
            return "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeader.C_PROTOCOL));
        }
        return HttpMethod.GET.is(request.getMethod()) && request.getHeaders().contains(HttpHeader.UPGRADE, "websocket");
    }

    /** Adds and starts a raw TCP connector. */
    public TcpListener listen(TcpListenerSpec spec, ConnectionFactory factory) throws IOException {
        ServerConnector c;
        if (spec.tls()) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(spec.keyStore().toAbsolutePath().toString());
            ssl.setKeyStorePassword(spec.keyStorePassword());
            c = new GuardedConnector(server, selectors(), guard, new SslConnectionFactory(ssl, factory.getProtocol()),
                    factory);
        } else {
            c = new GuardedConnector(server, selectors(), guard, factory);
        }
        c.setHost(spec.host() == null || spec.host().isEmpty() ? null : spec.host());
        c.setPort(spec.port());
        c.setIdleTimeout(spec.idleTimeoutMillis());
        c.setName(spec.name());
        server.addConnector(c);
        try {
            c.start();
        } catch (Exception e) {
            server.removeConnector(c);
            try {
                c.stop();
            } catch (Exception ignored) {
                // already failed
            }
            String hint = String.valueOf(e.getMessage()).contains("Insufficient configured threads")
                    ? " (raise server.threads.max)" : "";
            throw new IOException("cannot listen for " + spec.name() + " on "
                    + (c.getHost() == null ? "*" : c.getHost()) + ":" + spec.port() + ": " + rootMessage(e) + hint, e);
        }
        LOG.log(Level.INFO, "{0} listening on port {1}", spec.name(), String.valueOf(c.getLocalPort()));
        Bound bound = new Bound(spec.name(), c.getLocalPort(), spec.tls());
        listeners.add(bound);
        return new TcpListener() {
            private volatile boolean closed;

            @Override
            public String name() {
                return spec.name();
            }

            @Override
            public int port() {
                return c.getLocalPort();
            }

            @Override
            public int connections() {
                return c.getConnectedEndPoints().size();
            }

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                listeners.remove(bound);
                try {
                    c.stop();
                } catch (Exception e) {
                    LOG.log(Level.WARNING, "stopping listener " + spec.name(), e);
                }
                server.removeConnector(c);
            }
        };
    }
}
