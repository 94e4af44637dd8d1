package io.osprey.kernel.config;

import io.osprey.spi.ConfigException;
import io.osprey.spi.PluginConfig;

/** The {@code server} section: listeners, folders, admin token, plugin hosting. */
public final class ServerConfig implements PluginConfig {

    public Http http = new Http();
    public Https https = new Https();
    /**
     * The host name (or address) clients are told to use in the addresses the pages, {@code GET /api/info} and the
     * start-up banner print, for a server behind NAT or a proxy; empty: the host the page was loaded from (the
     * banner: {@code localhost} and this machine's addresses).
     */
    public String publicHost = "";
    /**
     * The RTMP base address to advertise instead of {@code rtmp://<host>:<port>}, e.g.
     * {@code rtmp://live.example.com:19350} when a proxy forwards another port; {@code /app/stream} is appended.
     */
    public String publicRtmpUrl = "";
    /** Where recordings and other data go; relative paths are against the server's home folder. */
    public String dataDir = "data";
    public Admin admin = new Admin();
    public Plugins plugins = new Plugins();
    public Connections connections = new Connections();
    public Memory memory = new Memory();
    public Threads threads = new Threads();
    /** Refused clients (caps, deadlines, bad requests, wrong tokens) are logged once per client and rule per this. */
    public long refusalLogIntervalMs = 60_000;
    /** Folder served at {@code /} (the players and console); relative to home; empty for none. */
    public String webDir = "web";
    /** How often the config file is checked for edits, ms; 0 turns reloading off. */
    public long configScanIntervalMs = 1000;

    /** {@code server.http}. */
    public static final class Http {
        public String host = "";
        public int port = 8080;
        public long idleTimeoutMs = 30_000;
        public int maxRequestHeaderBytes = 8192;
        /**
         * Listen backlog: connections the kernel completes before Jetty accepts them. A burst of viewers larger than
         * this loses SYNs, and each loss costs that client a 1 s (then 3 s, 7 s...) retransmit. The kernel caps it
         * at {@code net.core.somaxconn}.
         */
        public int acceptQueueSize = 1024;
        /** Selector threads of the HTTP connector; 0 = one per core. */
        public int selectors = 0;
        /**
         * Time a new HTTP connection has to send its first request line and headers, ms; 0 for none. Closes
         * slowloris connections that a byte every few seconds keeps from the idle timeout; responses being streamed
         * (HTTP-FLV, WebSocket) are not affected.
         */
        public long headerTimeoutMs = 10_000;
        /**
         * Plain GETs that a plugin can answer from prepared bytes (HLS playlists and segments) are answered on the
         * selector thread before Jetty's request handling; false sends every request through Jetty.
         */
        public boolean fastGet = true;
        /**
         * Fast GET bodies that are files (HLS segments in {@code plugins.hls.zeroCopyDir}) are sent with
         * {@code sendfile} under {@code TCP_CORK}, as nginx's {@code sendfile on; tcp_nopush on}; false writes them
         * from memory like any other body.
         */
        public boolean sendfile = true;
        /**
         * New HTTP connections fill the first selector up to this many open connections before the next selector
         * gets any (then the least loaded); 0 deals them round robin as Jetty does.
         */
        public int selectorFill = 256;
    }

    /**
     * {@code server.https}: HTTPS (HTTP/2 and HTTP/1.1 by ALPN) on a second port of the same server, on when a PEM
     * certificate chain + key or a PKCS12 key store is given. The files are watched and a changed certificate is
     * loaded without a restart.
     */
    public static final class Https {
        /** The HTTPS port; 0 for any free one. */
        public int port = 8443;
        /** PEM file of the certificate chain, the server's certificate first (with {@link #keyFile}). */
        public String certFile = "";
        /** PEM file of the private key: PKCS#8 ({@code BEGIN PRIVATE KEY}) or PKCS#1 RSA ({@code BEGIN RSA PRIVATE KEY}). */
        public String keyFile = "";
        /** Or a PKCS12 (or JKS) key store holding the key and chain. */
        public String keyStore = "";
        public String keyStorePassword = "";
        /** How often the certificate files are checked for changes, ms; 0: never reloaded. */
        public long reloadCheckMs = 10_000;

        public boolean enabled() {
            return !certFile.isEmpty() || !keyStore.isEmpty();
        }
    }

    /** {@code server.connections}: the cap on open client connections across HTTP and the plugins' listeners. */
    public static final class Connections {
        /** Cap on open connections; 0 = the process's fd limit less {@link #reservedFds}. */
        public int max = 0;
        /** Descriptors kept back for recordings, jars, config and logs; 0 = a tenth of the fd limit, 256..4096. */
        public int reservedFds = 0;
    }

    /**
     * {@code server.threads}: the one thread pool of HTTP, WebSocket, RTMP and the bus. Connections are
     * non-blocking, so viewers and publishers take no thread of their own: the pool holds the selectors and
     * acceptors, deliveries (at most one drain task per core), and the handlers that block (admin API, static files).
     */
    public static final class Threads {
        /** Most threads; 0 = 16 per core, at least 64. */
        public int max = 0;
        /** Threads kept even when idle. */
        public int min = 8;
        /** Threads above {@link #min} leave at a quarter of {@link #max} per this, ms (when they run out of jobs). */
        public long idleTimeoutMs = 30_000;
        /** Threads kept spinning for a selector to hand its work to; -1 = Jetty's choice (about one per core). */
        public int reserved = -1;
    }

    /** {@code server.memory}: giving idle media buffers back to the OS after load. */
    public static final class Memory {
        /** How often the direct buffer pool gives back what stayed idle through the last period, ms; 0 = never. */
        public long poolTrimIntervalMs = 10_000;
        /** Idle pooled bytes kept anyway, ready for the next burst. */
        public long poolKeepBytes = 4L << 20;
        /**
         * Direct memory in use above which, once it has grown by half since the last time, the trim asks for a
         * collection to free dead media buffers; 0 = never (the JVM then collects only at MaxDirectMemorySize).
         */
        public long directGcBytes = 256L << 20;
        /** Minimum time between two such collections, ms. */
        public long directGcIntervalMs = 30_000;
    }

    /** {@code server.admin}. */
    public static final class Admin {
        /** Bearer token for {@code /api}; empty: generated at first start into {@code <dataDir>/admin.token}. */
        public String token = "";
    }

    /** {@code server.plugins}. */
    public static final class Plugins {
        /** {@code osgi}, {@code classpath} or {@code auto} (osgi when {@link #dir} exists). */
        public String mode = "auto";
        /** The folder of plugin bundles watched in OSGi mode; relative to home. */
        public String dir = "plugins";
        /** How often the plugin folder is scanned for new, replaced or removed jars, ms. */
        public long scanIntervalMs = 1000;
    }

    @Override
    public void validate() {
        ConfigException.check(http.port >= 0 && http.port <= 65535, "http.port", "must be 0..65535, was " + http.port);
        ConfigException.check(http.idleTimeoutMs > 0, "http.idleTimeoutMs", "must be positive");
        ConfigException.check(http.acceptQueueSize >= 1 && http.acceptQueueSize <= 65535, "http.acceptQueueSize",
                "must be 1..65535, was " + http.acceptQueueSize);
        ConfigException.check(http.selectors >= 0 && http.selectors <= 64, "http.selectors",
                "must be 0 (one per core) .. 64, was " + http.selectors);
        ConfigException.check(http.selectorFill >= 0, "http.selectorFill",
                "must be 0 (round robin) or more, was " + http.selectorFill);
        ConfigException.check(http.maxRequestHeaderBytes >= 1024, "http.maxRequestHeaderBytes", "must be at least 1024");
        ConfigException.check(http.headerTimeoutMs >= 0, "http.headerTimeoutMs", "must be 0 (none) or positive");
        ConfigException.check(https.port >= 0 && https.port <= 65535, "https.port",
                "must be 0..65535, was " + https.port);
        ConfigException.check(https.certFile.isEmpty() == https.keyFile.isEmpty(), https.certFile.isEmpty()
                ? "https.certFile" : "https.keyFile", "https.certFile and https.keyFile go together");
        ConfigException.check(https.certFile.isEmpty() || https.keyStore.isEmpty(), "https.keyStore",
                "give either https.certFile + https.keyFile or https.keyStore, not both");
        ConfigException.check(https.reloadCheckMs == 0 || https.reloadCheckMs >= 100, "https.reloadCheckMs",
                "must be 0 (never) or at least 100");
        ConfigException.check(publicHost != null && !publicHost.contains("/") && !publicHost.contains(" "),
                "publicHost", "must be a bare host name or address (no scheme, path or spaces)");
        ConfigException.check(publicRtmpUrl.isEmpty() || publicRtmpUrl.matches("rtmps?://[^/\\s]+/?"),
                "publicRtmpUrl", "must be rtmp://host[:port] or rtmps://host[:port], was '" + publicRtmpUrl + "'");
        ConfigException.check(connections.max >= 0, "connections.max", "must be 0 (from the fd limit) or positive");
        ConfigException.check(connections.reservedFds >= 0, "connections.reservedFds",
                "must be 0 (a tenth of the fd limit) or positive");
        ConfigException.check(threads.max == 0 || threads.max >= 16, "threads.max",
                "must be 0 (16 per core, at least 64) or at least 16, was " + threads.max);
        ConfigException.check(threads.min >= 1 && (threads.max == 0 || threads.min <= threads.max), "threads.min",
                "must be 1..threads.max, was " + threads.min);
        ConfigException.check(threads.idleTimeoutMs >= 1000, "threads.idleTimeoutMs", "must be at least 1000");
        ConfigException.check(threads.reserved >= -1, "threads.reserved", "must be -1 (Jetty's choice), 0 or more");
        ConfigException.check(memory.poolTrimIntervalMs == 0 || memory.poolTrimIntervalMs >= 100,
                "memory.poolTrimIntervalMs", "must be 0 (never) or at least 100");
        ConfigException.check(memory.poolKeepBytes >= 0, "memory.poolKeepBytes", "must not be negative");
        ConfigException.check(memory.directGcBytes >= 0, "memory.directGcBytes", "must be 0 (never) or positive");
        ConfigException.check(memory.directGcIntervalMs >= 1000, "memory.directGcIntervalMs", "must be at least 1000");
        ConfigException.check(refusalLogIntervalMs >= 1000, "refusalLogIntervalMs", "must be at least 1000");
        ConfigException.check(dataDir != null && !dataDir.isBlank(), "dataDir", "must not be empty");
        ConfigException.check(admin.token != null, "admin.token", "must be a string");
        ConfigException.check(admin.token.isEmpty() || admin.token.length() >= 16, "admin.token",
                "must be at least 16 characters (or empty to generate one)");
        ConfigException.check(plugins.mode.equals("osgi") || plugins.mode.equals("classpath")
                || plugins.mode.equals("auto"), "plugins.mode", "must be osgi, classpath or auto, was '" + plugins.mode + "'");
        ConfigException.check(plugins.scanIntervalMs >= 100, "plugins.scanIntervalMs", "must be at least 100");
        ConfigException.check(configScanIntervalMs == 0 || configScanIntervalMs >= 100, "configScanIntervalMs",
                "must be 0 (off) or at least 100");
    }
}
