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

    /** Checks that every known plugin's section binds under {@code next}. */
    public synchronized void validate(Config next) throws ConfigError {
        for (Host h : hosts.values()) {
            next.bindPlugin(h.descriptor.id(), h.descriptor.configType());
        }
    }

    /**
     * Applies a new, validated config: plugins whose section changed are reconfigured or restarted, enabled or
     * disabled; the others are not touched.
     */
    public synchronized void apply(Config next) {
        Config old = this.config;
        this.config = next;
        for (Host h : hosts.values()) {
            String id = h.descriptor.id();
            boolean wasEnabled = old.pluginEnabled(id);
            boolean enabled = next.pluginEnabled(id);
            ObjectNode before = old.pluginSettings(id);
            ObjectNode after = next.pluginSettings(id);
            if (!enabled) {
                if (wasEnabled && h.state == PluginState.ACTIVE) {
                    LOG.log(Level.INFO, "plugin {0} disabled in config", id);
                    stop(h, PluginState.STOPPED, "");
                }
                continue;
            }
            if (!wasEnabled) {
                LOG.log(Level.INFO, "plugin {0} enabled in config", id);
                if (h.state != PluginState.ACTIVE) {
                    start(h);
                }
                continue;
            }
            if (!before.equals(after)) {
                reconfigure(h);
            }
        }
    }

    private void reconfigure(Host h) {
        String id = h.descriptor.id();
        if (h.state != PluginState.ACTIVE) {
            start(h);
            return;
        }
        try {
            Object cfg = config.bindPlugin(id, h.descriptor.configType());
            if (h.instance.reconfigure(cfg)) {
                h.context.setConfig(cfg);
                LOG.log(Level.INFO, "plugin {0} reconfigured", id);
                return;
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "plugin " + id + " failed to reconfigure; restarting it", t);
        }
        LOG.log(Level.INFO, "plugin {0} restarting for its new config", id);
        stop(h, PluginState.STOPPED, "");
        start(h);
    }

    private void start(Host h) {
        String id = h.descriptor.id();
        long t0 = System.nanoTime();
        Object cfg;
        try {
            cfg = config.bindPlugin(id, h.descriptor.configType());
        } catch (ConfigError e) {
            mark(h, PluginState.FAILED, "bad config: " + e.getMessage());
            LOG.log(Level.ERROR, "plugin {0} not started: {1}", id, e.getMessage());
            return;
        }
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
            LOG.log(Level.ERROR, "plugin " + id + " failed to start", t);
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
}
