package io.osprey.spi;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Describes one key of a plugin's typed config class (see {@link PluginConfig}): its one-line documentation and
 * the simple rules the kernel checks for it. The kernel derives everything else from the field itself: the key is
 * the field name, the type is the field type, the default is the field initialiser. From these it builds the
 * plugin's config schema ({@code GET /api/plugins/{id}/config}, the console's config form) and the
 * {@code OSPREY_PLUGINS_<ID>_<KEY>} environment variable names, so nothing about a key is written twice.
 *
 * <p>The rules are checked when the section is bound, before {@link PluginConfig#validate()}, at start-up, on a
 * file change and on a save from the console; the console checks the same rules in the browser with the same
 * messages. A rejected value is reported as {@code plugins.<id>.<key>} with the reason, e.g.
 * {@code must be 1000..30000, was 0}. Rules that involve several keys ({@code partMs} at most half of
 * {@code segmentMs}) stay in {@link PluginConfig#validate()}.
 *
 * <p>Nested sections are classes whose fields carry {@code @Setting} in turn; a {@code Map} of such classes (per
 * app overrides) is checked entry by entry, with keys such as {@code apps.live.segmentMs}. A {@code null} value
 * (an optional override that is not set) is not checked.
 *
 * <pre>{@code
 * public final class HelloConfig implements PluginConfig {
 *     @Setting(value = "Greeting sent to every client.", allowed = {"hello", "hi"})
 *     public String greeting = "hello";
 *     @Setting(value = "Port of the hello listener.", min = 1, max = 65535)
 *     public int port = 7000;
 *     public void validate() {
 *     }
 * }
 * }</pre>
 *
 * <p>Reading the annotation is the kernel's job; a plugin only declares it. Since SPI 1.3.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.FIELD)
public @interface Setting {

    /** One line of documentation: what the key does, with its unit if it has one ("ms", "bytes"). */
    String value();

    /** Smallest allowed value of a number key (inclusive); {@link Long#MIN_VALUE}, the default, means none. */
    long min() default Long.MIN_VALUE;

    /** Largest allowed value of a number key (inclusive); {@link Long#MAX_VALUE}, the default, means none. */
    long max() default Long.MAX_VALUE;

    /**
     * The only values a string key may take (an enum key's constants are used when this is empty). A YAML 1.1
     * boolean read for a key whose allowed values include {@code on} and {@code off} is taken as that word.
     */
    String[] allowed() default {};
}
