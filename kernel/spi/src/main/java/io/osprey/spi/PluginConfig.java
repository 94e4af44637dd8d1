package io.osprey.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Optional interface for a plugin's typed config class: the kernel calls {@link #validate()} after binding the
 * section and before the plugin sees the object, both at start-up and when the file is edited at runtime.
 *
 * <p>Defaults are field initialisers: keys missing from the file keep them. Each key is described with
 * {@link Setting} (one-line doc, range, allowed values): the kernel checks those rules before {@link #validate()},
 * serves them as the plugin's config schema and builds the console's form and the {@code OSPREY_PLUGINS_*} names
 * from them, so {@code validate()} only needs the rules that involve several keys.
 * <pre>{@code
 * public final class RtmpConfig implements PluginConfig {
 *     @Setting(value = "RTMP port; 0 picks a free one.", min = 0, max = 65535)
 *     public int port = 1935;
 *     @Setting(value = "Largest chunk size a peer may set.", max = 16 << 20)
 *     public int maxChunkSize = 16 << 20;
 *     @Setting(value = "Smallest chunk size a peer may set.", min = 1)
 *     public int minChunkSize = 128;
 *     public void validate() {
 *         ConfigException.check(minChunkSize <= maxChunkSize, "minChunkSize", "must be at most maxChunkSize");
 *     }
 * }
 * }</pre>
 */
@ConsumerType
public interface PluginConfig {

    /** Checks the values together; throw {@link ConfigException} naming the key (relative to the section). */
    void validate() throws ConfigException;
}
