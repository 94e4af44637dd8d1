package io.osprey.kernel.plugin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.osprey.kernel.config.Config;
import io.osprey.kernel.config.ConfigError;
import io.osprey.spi.Plugin;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Starts, stops, reconfigures and replaces plugins. All transitions are serialised on this object; one plugin's
 * exception marks only that plugin failed.
 */
public final class PluginManager {

    private static final System.Logger LOG = System.getLogger(PluginManager.class.getName());

    private final KernelServices services;
    private final Map<String, Host> hosts = new TreeMap<>();
    private volatile Config config;

    /** One plugin: its descriptor and, while running, its instance and context. */
    private static final class Host {
        PluginDescriptor descriptor;
        volatile PluginState state = PluginState.STOPPED;
        volatile String reason = "";
        volatile Instant since = Instant.now();
        Plugin instance;
        PluginContextImpl context;

        Host(PluginDescriptor d) {
            descriptor = d;
        }
    }

    public PluginManager(KernelServices services, Config config) {
        this.services = services;
        this.config = config;
    }

    /** Registers a discovered plugin and starts it if the config enables it. */
    public synchronized void add(PluginDescriptor d) {
        Host existing = hosts.get(d.id());
        if (existing != null) {
            LOG.log(Level.ERROR, "plugin id {0} from {1} ignored: already provided by {2}", d.id(), d.origin(),
                    existing.descriptor.origin());
            return;
        }
        Host h = new Host(d);
        hosts.put(d.id(), h);
        LOG.log(Level.INFO, "plugin {0} {1} found ({2})", d.id(), d.version(), d.origin());
        if (config.pluginEnabled(d.id())) {
            start(h);
        }
    }

    /** Stops and forgets every plugin that came from {@code bundleId}; returns the ids that were active. */
    public synchronized List<String> removeBundle(long bundleId) {
        List<String> active = new ArrayList<>();
        for (Host h : new ArrayList<>(hosts.values())) {
            if (h.descriptor.bundleId() == bundleId) {
                if (h.state == PluginState.ACTIVE) {
                    active.add(h.descriptor.id());
                }
                stop(h, PluginState.STOPPED, "");
                hosts.remove(h.descriptor.id());
            }
        }
        return active;
    }

    /** Starts plugin {@code id} (API); false if unknown. */
    public synchronized boolean start(String id) {
        Host h = hosts.get(id);
        if (h == null) {
            return false;
        }
        if (h.state != PluginState.ACTIVE) {
            start(h);
        }
        return true;
    }

    /** Stops plugin {@code id} (API); false if unknown. */
    public synchronized boolean stop(String id) {
        Host h = hosts.get(id);
        if (h == null) {
            return false;
        }
        if (h.state == PluginState.ACTIVE) {
            stop(h, PluginState.STOPPED, "");
        }
        return true;
    }

    /**
     * Checks that every known plugin's section binds under {@code next}, and that every section names a known
     * plugin: a misspelt id ({@code plugins.hsl}) is an error, not a silently ignored section. A section for a
     * plugin that is not installed is allowed only with {@code enabled: false} (or when it comes from the built-in
     * defaults).
     */
    public synchronized void validate(Config next) throws ConfigError {
        next.checkPluginEnv(hosts.keySet());
        for (Host h : hosts.values()) {
            next.bindPlugin(h.descriptor.id(), h.descriptor.configType());
        }
        for (String id : next.pluginIds()) {
            if (!hosts.containsKey(id) && next.pluginEnabled(id) && !next.pluginInDefaults(id)) {
                throw next.error("plugins." + id, "unknown plugin; installed: " + String.join(", ", hosts.keySet())
                        + " (remove the section, or set enabled: false to keep it for a plugin not installed)");
            }
        }
    }

    /**
     * Applies a new, validated config to every affected plugin or to none: plugins whose section changed are
     * reconfigured in place or restarted, enabled or disabled; the others are not touched. If any of them refuses
     * the new section or fails to start with it, the plugins already changed are put back on their old sections
     * and the running config stays.
     *
     * @throws ConfigError naming the plugin's changed keys and the failure; everything runs as before the call
     */
    public synchronized void apply(Config next) throws ConfigError {
        Config old = this.config;
        ConfigChange change = new ConfigChange(old, next);
        this.config = next;
        try {
            for (Host h : hosts.values()) {
                applyTo(h, old, next, change);
            }
        } catch (ConfigError e) {
            this.config = old;
            change.rollBack();
            throw e;
        }
    }

    private void applyTo(Host h, Config old, Config next, ConfigChange change) throws ConfigError {
        String id = h.descriptor.id();
        boolean wasEnabled = old.pluginEnabled(id);
        boolean enabled = next.pluginEnabled(id);
        if (!enabled) {
            if (wasEnabled && h.state == PluginState.ACTIVE) {
                LOG.log(Level.INFO, "plugin {0} disabled in config", id);
                stop(h, PluginState.STOPPED, "");
                change.undo(() -> start(h, old));
            }
            return;
        }
        if (!wasEnabled) {
            if (h.state != PluginState.ACTIVE) {
                LOG.log(Level.INFO, "plugin {0} enabled in config", id);
                if (!start(h, next)) {
                    throw change.failed(id, "plugins." + id + ".enabled", h.reason);
                }
                change.undo(() -> stop(h, PluginState.STOPPED, ""));
            }
            return;
        }
        if (old.pluginSettings(id).equals(next.pluginSettings(id))) {
            return;
        }
        String keys = change.changedKeys(id);
        if (h.state != PluginState.ACTIVE) {
            if (!start(h, next)) {
                throw change.failed(id, keys, h.reason);
            }
            change.undo(() -> stop(h, PluginState.STOPPED, ""));
            return;
        }
        Object oldCfg = h.context.configObject();
        Object cfg = next.bindPlugin(id, h.descriptor.configType());
        boolean inPlace;
        try {
            inPlace = h.instance.reconfigure(cfg);
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "plugin " + id + " refused its new config", t);
            throw change.failed(id, keys, "refused: " + message(t));
        }
        if (inPlace) {
            h.context.setConfig(cfg);
            LOG.log(Level.INFO, "config change {0}: applied in place by plugin {1}, its clients kept", keys, id);
            change.undo(() -> rollBackInPlace(h, oldCfg, old));
            return;
        }
        LOG.log(Level.INFO, "config change {0}: plugin {1} restarts to apply it (its clients are dropped)", keys, id);
        stop(h, PluginState.STOPPED, "");
        if (!start(h, next)) {
            String reason = h.reason;
            LOG.log(Level.WARNING, "plugin {0} failed with its new config; restarting it on the old one", id);
            start(h, old);
            throw change.failed(id, keys, reason);
        }
        change.undo(() -> {
            stop(h, PluginState.STOPPED, "");
            start(h, old);
        });
    }

    private void rollBackInPlace(Host h, Object oldCfg, Config old) {
        try {
            if (h.instance != null && h.instance.reconfigure(oldCfg)) {
                h.context.setConfig(oldCfg);
                return;
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "plugin " + h.descriptor.id() + " could not take its old config back in place", t);
        }
        stop(h, PluginState.STOPPED, "");
        start(h, old);
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /** Starts {@code h} on its section of {@code cfg}; false (and the host marked failed with the reason) if not. */
    private boolean start(Host h, Config cfg) {
        String id = h.descriptor.id();
        Object bound;
        try {
            bound = cfg.bindPlugin(id, h.descriptor.configType());
        } catch (ConfigError e) {
            mark(h, PluginState.FAILED, "bad config: " + e.getMessage());
            LOG.log(Level.ERROR, "plugin {0} not started: {1}", id, e.getMessage());
            return false;
        }
        startBound(h, bound);
        return h.state == PluginState.ACTIVE;
    }

    private void start(Host h) {
        start(h, config);
    }

    private void startBound(Host h, Object cfg) {
        String id = h.descriptor.id();
        long t0 = System.nanoTime();
        mark(h, PluginState.STARTING, "");
        PluginContextImpl ctx = new PluginContextImpl(id, services, cfg, this::failed);
        Plugin p;
        try {
            p = h.descriptor.factory().get();
            h.instance = p;
            h.context = ctx;
            p.start(ctx);
        } catch (Throwable t) {
            ctx.close();
            h.instance = null;
            h.context = null;
            mark(h, PluginState.FAILED, "start failed: " + t);
            if (t instanceof java.io.IOException) {
                // a port in use, a missing key store: the message says it all, a stack trace would bury it
                LOG.log(Level.ERROR, "plugin {0} failed to start: {1}", id, t.getMessage());
            } else {
                LOG.log(Level.ERROR, "plugin " + id + " failed to start", t);
            }
            return;
        }
        mark(h, PluginState.ACTIVE, "");
        LOG.log(Level.INFO, "plugin {0} {1} started in {2} ms", id, h.descriptor.version(),
                String.valueOf((System.nanoTime() - t0) / 1_000_000));
    }

    private void stop(Host h, PluginState end, String reason) {
        if (h.instance == null) {
            if (end == PluginState.FAILED || h.state != PluginState.FAILED) {
                mark(h, end, reason);
            }
            return;
        }
        String id = h.descriptor.id();
        mark(h, PluginState.STOPPING, "");
        String finalReason = reason;
        PluginState finalState = end;
        try {
            h.instance.stop();
        } catch (Throwable t) {
            LOG.log(Level.ERROR, "plugin " + id + " threw while stopping", t);
            finalState = PluginState.FAILED;
            finalReason = (reason.isEmpty() ? "" : reason + "; ") + "stop failed: " + t;
        } finally {
            h.context.close();
            h.instance = null;
            h.context = null;
        }
        mark(h, finalState, finalReason);
        LOG.log(Level.INFO, "plugin {0} {1}", id, finalState == PluginState.FAILED ? "failed: " + finalReason : "stopped");
    }

    private void failed(PluginContextImpl ctx, String reason, Throwable cause) {
        LOG.log(Level.ERROR, "plugin " + ctx.pluginId() + " failed: " + reason, cause);
        Thread t = new Thread(() -> {
            synchronized (this) {
                Host h = hosts.get(ctx.pluginId());
                if (h != null && h.context == ctx) {
                    stop(h, PluginState.FAILED, reason);
                }
            }
        }, "osprey-plugin-failure");
        t.setDaemon(true);
        t.start();
    }

    private static void mark(Host h, PluginState s, String reason) {
        h.state = s;
        h.reason = reason;
        h.since = Instant.now();
    }

    /** Stops every plugin, in reverse id order. */
    public synchronized void stopAll() {
        List<Host> all = new ArrayList<>(hosts.values());
        Collections.reverse(all);
        for (Host h : all) {
            if (h.instance != null) {
                stop(h, PluginState.STOPPED, "");
            }
        }
    }

    public List<PluginStatus> list() {
        List<PluginStatus> out = new ArrayList<>();
        List<Host> all;
        synchronized (this) {
            all = new ArrayList<>(hosts.values());
        }
        Config c = config;
        for (Host h : all) {
            PluginDescriptor d = h.descriptor;
            out.add(new PluginStatus(d.id(), d.version(), h.state, h.reason, d.origin(), c.pluginEnabled(d.id()),
                    h.since, services.host().router().count(d.id())));
        }
        return out;
    }

    public Optional<PluginStatus> status(String id) {
        return list().stream().filter(s -> s.id().equals(id)).findFirst();
    }

    public Config config() {
        return config;
    }

    /** Installed plugin ids and config classes, live: what {@code OSPREY_PLUGINS_*} names resolve against. */
    public synchronized java.util.Set<String> ids() {
        return java.util.Set.copyOf(hosts.keySet());
    }

    /** The config class of plugin {@code id}; null if it is not installed or has no settings. */
    public synchronized Class<?> configType(String id) {
        Host h = hosts.get(id);
        return h == null ? null : h.descriptor.configType();
    }
}
