package io.osprey.spi.source;

import io.osprey.spi.Registration;
import java.util.List;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The server's registry of {@link SourceResolver}s, shared by every plugin. Thread-safe. A resolver added through a
 * plugin's context is removed when that plugin stops.
 */
@ProviderType
public interface SourceResolvers {

    /**
     * Adds a resolver.
     *
     * @throws IllegalArgumentException if another resolver has the same name, or the name is not lower case
     *                                  letters, digits and dashes
     */
    Registration add(SourceResolver resolver);

    /** The resolver with that name, if registered. */
    Optional<SourceResolver> find(String name);

    /** Every registered resolver, in the order added. */
    List<SourceResolver> list();
}
