package io.osprey.kernel.plugin;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;

/** What one plugin start registered, released in reverse order when it stops. */
final class Resources {

    private static final System.Logger LOG = System.getLogger(Resources.class.getName());

    private final String owner;
    private final LinkedHashSet<AutoCloseable> items = new LinkedHashSet<>();
    private boolean closed;

    Resources(String owner) {
        this.owner = owner;
    }

    /** Tracks {@code r}; if already released, closes it at once and throws. */
    <T extends AutoCloseable> T add(T r) {
        synchronized (this) {
            if (!closed) {
                items.add(r);
                return r;
            }
        }
        closeQuietly(r);
        throw new IllegalStateException("plugin " + owner + " is stopped");
    }

    synchronized void remove(AutoCloseable r) {
        items.remove(r);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized int size() {
        return items.size();
    }

    void closeAll() {
        List<AutoCloseable> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(items);
            items.clear();
        }
        Collections.reverse(all);
        for (AutoCloseable r : all) {
            closeQuietly(r);
        }
    }

    private void closeQuietly(AutoCloseable r) {
        try {
            r.close();
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "releasing a resource of plugin " + owner + " failed", t);
        }
    }
}
