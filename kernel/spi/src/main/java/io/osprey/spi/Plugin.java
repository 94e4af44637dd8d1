package io.osprey.spi;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A capability of the server: an ingest, a packager, an output, a guard.
 *
 * <p>A plugin is found by the kernel through {@code META-INF/services/io.osprey.spi.Plugin}, both when it runs as
 * an OSGi bundle under the embedded Felix and when it sits on a flat classpath (ServiceLoader mode). It needs no
 * OSGi API of its own. It must have a public no-argument constructor.
 *
 * <p><b>Lifecycle.</b> The kernel calls {@link #start} once, then {@link #stop} once, from one kernel thread;
 * the two never overlap. A stopped plugin instance is discarded: a restart creates a new instance. Everything
 * the plugin registered through its {@link PluginContext} is released by the kernel after {@code stop} returns
 * (or throws), so {@code stop} only has to release what the plugin made itself.
 *
 * <p><b>Failures.</b> An exception from {@code start}, {@code stop} or any callback the plugin gave the kernel
 * marks the plugin {@code FAILED} with that reason; the kernel and the other plugins keep running.
 *
 * <pre>{@code
 * public final class HelloPlugin implements Plugin {
 *     public String id() { return "hello"; }
 *     public Class<?> configType() { return HelloConfig.class; }
 *     public void start(PluginContext ctx) {
 *         HelloConfig cfg = ctx.config(HelloConfig.class);
 *         ctx.http().route("/hello", new Handler.Abstract() {
 *             public boolean handle(Request rq, Response rs, Callback cb) {
 *                 Content.Sink.write(rs, true, cfg.greeting, cb);
 *                 return true;
 *             }
 *         });
 *     }
 * }
 * }</pre>
 */
@ConsumerType
public interface Plugin {

    /**
     * The plugin's id: lower case letters, digits and dashes. It names the config section
     * ({@code plugins.<id>}), the admin API path and the metrics prefix.
     */
    String id();

    /**
     * The class the plugin's config section binds to (with Jackson; unknown keys are errors), or {@code null}
     * when the plugin has no settings beyond {@code enabled}. If it implements {@link PluginConfig}, its
     * {@link PluginConfig#validate()} runs before the plugin sees it.
     */
    default Class<?> configType() {
        return null;
    }

    /**
     * Starts the plugin. Registrations made here through {@code context} are live when this returns.
     *
     * @throws Exception any failure; the kernel releases what was registered and marks the plugin failed
     */
    void start(PluginContext context) throws Exception;

    /** Stops the plugin; the kernel releases the context's registrations afterwards. */
    default void stop() throws Exception {
    }

    /**
     * Applies a changed config section without a restart, if the plugin can. Called on the kernel's config thread,
     * never concurrently with {@link #start}, {@link #stop} or another {@code reconfigure}; the plugin's own threads
     * may be running, so the plugin publishes the new values safely (e.g. a volatile field holding the config).
     *
     * <p>Config changes are transactional: a change applies to every affected plugin or to none. So:
     * <ul>
     * <li>{@code true}: applied in place; connections and streams are kept; from then on
     *     {@link PluginContext#config} answers {@code newConfig}.</li>
     * <li>{@code false} (the default): the kernel restarts the plugin with the new section. If that start fails,
     *     the kernel restarts it with the old section and rejects the whole change.</li>
     * <li>an exception: the plugin refuses the new section (for example the new port cannot be bound) and
     *     <em>must still run on its old config</em>, untouched; the kernel rejects the whole change, logs the
     *     exception's message with the changed keys, and rolls back the plugins it already changed. Check
     *     everything that can fail (bind the new port) before changing any state.</li>
     * </ul>
     * If another plugin fails later in the same change, the kernel calls {@code reconfigure} again with the old
     * config object to roll this one back.
     *
     * @param newConfig the new, already validated config object of {@link #configType()}
     * @return {@code true} if applied; {@code false} (the default) makes the kernel restart the plugin
     * @throws Exception the new section is refused; the plugin still runs on its old one
     */
    default boolean reconfigure(Object newConfig) throws Exception {
        return false;
    }
}
