package io.osprey.spi.net;

import io.osprey.spi.Registration;
import org.osgi.annotation.versioning.ProviderType;

/** A bound listener; {@link #close()} stops it and closes its connections. */
@ProviderType
public interface TcpListener extends Registration {

    String name();

    /** The bound port (the real one when 0 was asked for). */
    int port();

    /** Connections open now. */
    int connections();
}
