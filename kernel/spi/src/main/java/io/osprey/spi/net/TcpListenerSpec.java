package io.osprey.spi.net;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how to listen.
 *
 * @param name              a short name for logs and metrics, e.g. {@code rtmp}, {@code rtmps}
 * @param host              the address to bind, {@code null} or empty for all
 * @param port              the port, 0 for any free one
 * @param idleTimeoutMillis connections with no traffic in either direction for this long are closed
 * @param keyStore          a PKCS12 or JKS key store for TLS, or {@code null} for plain TCP
 * @param keyStorePassword  the key store's password
 */
public record TcpListenerSpec(String name, String host, int port, long idleTimeoutMillis, Path keyStore,
                              String keyStorePassword) {

    public TcpListenerSpec {
        Objects.requireNonNull(name, "name");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (idleTimeoutMillis <= 0) {
            throw new IllegalArgumentException("idle timeout must be positive");
        }
    }

    public static TcpListenerSpec plain(String name, String host, int port, long idleTimeoutMillis) {
        return new TcpListenerSpec(name, host, port, idleTimeoutMillis, null, null);
    }

    public boolean tls() {
        return keyStore != null;
    }
}
