package io.osprey.kernel.http;

import io.osprey.kernel.config.ServerConfig;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The HTTPS connector ({@code server.https}): TLS, then ALPN choosing HTTP/2 (RFC 9113 3.2, "h2") or HTTP/1.1, in
 * front of the same handlers as the HTTP port, so every page, API, HLS, HTTP-FLV and WebSocket-FLV route ({@code
 * wss://}, on an HTTP/1.1 connection) answers on both. The certificate files are checked every
 * {@code reloadCheckMs} and, when their size or modification time changed, loaded into the running
 * {@link SslContextFactory} (new handshakes use the new certificate; open connections keep theirs). A file that
 * does not load is logged and the old certificate stays.
 */
final class HttpsListener {

    private static final System.Logger LOG = System.getLogger(HttpsListener.class.getName());

    private final ServerConfig.Https config;
    private final Path home;
    private final SslContextFactory.Server ssl = new SslContextFactory.Server();
    private volatile List<String> stamp;

    HttpsListener(ServerConfig.Https config, Path home) {
        this.config = config;
        this.home = home;
    }

    /** Builds the connector (not started): {@code factories} come after TLS and ALPN. */
    ServerConnector connector(JettyHost host, HttpConfiguration http, ConnectionGuard.HeaderDeadline deadline)
            throws IOException {
        stamp = stamp();
        configure(ssl);
        HttpConfiguration hc = new HttpConfiguration(http);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        secure.setSniHostCheck(false); // the browser checks the certificate's names; a Host by IP is not refused
        hc.addCustomizer(secure);
        HTTP2ServerConnectionFactory h2 = new HTTP2ServerConnectionFactory(hc);
        // no RFC 8441 extended CONNECT: browsers then open WebSocket-FLV (wss://) on an HTTP/1.1 connection of its own,
        // which the WebSocket route answers (over h2 Chromium's CONNECT got a 404 from the upgrade handler)
        h2.setConnectProtocolEnabled(false);
        HttpConnectionFactory h1 = new HttpConnectionFactory(hc);
        // no protocol list: ALPN negotiates among the factories that follow it on the connector (h2, then http/1.1)
        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory();
        alpn.setDefaultProtocol(h1.getProtocol());
        SslConnectionFactory tls = new SslConnectionFactory(ssl, alpn.getProtocol());
        ServerConnector c = host.guarded(tls, alpn, h2, h1);
        c.addBean(deadline);
        c.setName("https");
        c.setPort(config.port);
        return c;
    }

    private void configure(SslContextFactory.Server f) throws IOException {
        if (!config.keyStore.isEmpty()) {
            Path ks = resolve(config.keyStore);
            if (!Files.isReadable(ks)) {
                throw new IOException("server.https.keyStore: cannot read " + ks);
            }
            f.setKeyStorePath(ks.toString());
            f.setKeyStorePassword(config.keyStorePassword);
        } else {
            KeyStore ks = PemKeyStore.load(resolve(config.certFile), resolve(config.keyFile));
            f.setKeyStore(ks);
            f.setKeyStorePassword(new String(PemKeyStore.PASSWORD));
        }
    }

    /** Starts checking the files for changes. */
    void watch(Scheduler scheduler) {
        if (config.reloadCheckMs > 0) {
            scheduler.schedule(() -> check(scheduler), config.reloadCheckMs, TimeUnit.MILLISECONDS);
        }
    }

    private void check(Scheduler scheduler) {
        try {
            List<String> now = stamp();
            if (!now.equals(stamp)) {
                stamp = now;
                ssl.reload(this::reconfigure);
                LOG.log(Level.INFO, "HTTPS certificate reloaded from {0}", files());
            }
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "HTTPS certificate not reloaded, the previous one stays: {0}", String.valueOf(t.getMessage()));
        } finally {
            if (ssl.isRunning()) {
                scheduler.schedule(() -> check(scheduler), config.reloadCheckMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    private void reconfigure(SslContextFactory f) {
        try {
            configure((SslContextFactory.Server) f);
        } catch (IOException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Size and modification time of each file: what changes when a certificate is renewed. */
    private List<String> stamp() {
        return files().stream().map(p -> {
            try {
                return p + " " + Files.size(p) + " " + Files.getLastModifiedTime(p).toMillis();
            } catch (IOException e) {
                return p + " missing";
            }
        }).toList();
    }

    private List<Path> files() {
        return config.keyStore.isEmpty() ? List.of(resolve(config.certFile), resolve(config.keyFile))
                : List.of(resolve(config.keyStore));
    }

    private Path resolve(String file) {
        return home.resolve(file).toAbsolutePath().normalize();
    }
}
