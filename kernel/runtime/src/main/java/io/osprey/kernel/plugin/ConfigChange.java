package io.osprey.kernel.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import io.osprey.kernel.config.Config;
import io.osprey.kernel.config.ConfigError;
import java.lang.System.Logger.Level;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.TreeSet;

/**
 * One config change being applied to the plugins: what changed (for error messages that name the keys), and the
 * steps that undo what was applied so far, run newest first when a later plugin fails.
 */
final class ConfigChange {

    private static final System.Logger LOG = System.getLogger(ConfigChange.class.getName());

    private final Config old;
    private final Config next;
    private final Deque<Runnable> undo = new ArrayDeque<>();

    ConfigChange(Config old, Config next) {
        this.old = old;
        this.next = next;
    }

    /** Remembers how to put back what was just applied. */
    void undo(Runnable step) {
        undo.push(step);
    }

    /**
     * The keys under {@code plugins.<id>} that differ between the old and the new config, as dotted paths down to
     * the leaves that changed ({@code plugins.hls.apps.live.segmentMs}), sorted and comma-separated.
     */
    String changedKeys(String id) {
        TreeSet<String> keys = new TreeSet<>();
        diff("plugins." + id, old.pluginSettings(id), next.pluginSettings(id), keys);
        return keys.isEmpty() ? "plugins." + id : String.join(", ", keys);
    }

    private static void diff(String path, JsonNode a, JsonNode b, TreeSet<String> out) {
        if (a == null || b == null || !a.isObject() || !b.isObject()) {
            if (a == null ? b != null : !a.equals(b)) {
                out.add(path);
            }
            return;
        }
        for (Iterator<String> it = a.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            diff(path + "." + k, a.get(k), b.get(k), out);
        }
        for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!a.has(k)) {
                out.add(path + "." + k);
            }
        }
    }

    /** The error for plugin {@code id} failing on {@code keys}; the caller throws it. */
    ConfigError failed(String id, String keys, String reason) {
        String first = keys.contains(",") ? keys.substring(0, keys.indexOf(',')) : keys;
        ConfigError e = next.error(first, "plugin " + id + " cannot run with the new value"
                + (keys.contains(",") ? "s of " + keys : "") + ": " + reason + "; the whole change is rolled back");
        return new ConfigError(keys, e.source(), e.reason());
    }

    /** Undoes every applied step, newest first; one failing step does not stop the others. */
    void rollBack() {
        while (!undo.isEmpty()) {
            try {
                undo.pop().run();
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "rolling back a config change", e);
            }
        }
    }
}
