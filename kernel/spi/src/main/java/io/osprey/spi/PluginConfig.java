package io.osprey.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optional interface for a plugin's typed config class: the kernel calls {@link #validate()} after binding the
 * section and before the plugin sees the object, both at start-up and when the file is edited at runtime.
 *
 * <p>Defaults are field initialisers: keys missing from the file keep them.
 * <pre>{@code
 * public final class RtmpConfig implements PluginConfig {
 *     public int port = 1935;
 *     public void validate() {
 *         ConfigException.check(port > 0 && port < 65536, "port", "must be 1..65535, was " + port);
 *     }
 * }
 * }</pre>
 */
@ConsumerType
public interface PluginConfig {

    /** Checks the values together; throw {@link ConfigException} naming the key (relative to the section). */
    void validate() throws ConfigException;
}
