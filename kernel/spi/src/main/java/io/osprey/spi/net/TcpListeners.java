package io.osprey.spi.net;

import java.io.IOException;
import org.eclipse.jetty.server.ConnectionFactory;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Raw TCP listeners on the shared Jetty server: each is a Jetty {@code ServerConnector} whose connections come
 * from the plugin's {@link ConnectionFactory} (a protocol is an {@code AbstractConnection}: non-blocking, idle
 * timeouts, no thread per connection). With a key store, TLS is put in front of the factory. The listener and
 * its open connections are closed when the plugin stops.
 */
@ProviderType
public interface TcpListeners {

    /**
     * Binds and starts a listener.
     *
     * @throws IOException if the port cannot be bound (the message names host and port)
     */
    TcpListener listen(TcpListenerSpec spec, ConnectionFactory factory) throws IOException;
}
