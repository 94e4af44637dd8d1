package io.osprey.kernel.metrics;

import io.osprey.spi.Health;
import io.osprey.spi.Registration;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** Named health checks; the worst verdict wins. */
public final class HealthRegistry {

    private static final System.Logger LOG = System.getLogger(HealthRegistry.class.getName());

    private final Map<String, Supplier<Health>> checks = new ConcurrentHashMap<>();

    public Registration add(String name, Supplier<Health> check) {
        checks.put(name, check);
        return () -> checks.remove(name, check);
    }

    /** Runs every check; a check that throws counts as unhealthy. */
    public Map<String, Health> run() {
        Map<String, Health> out = new LinkedHashMap<>();
        new java.util.TreeMap<>(checks).forEach((name, check) -> {
            Health h;
            try {
                h = check.get();
                if (h == null) {
                    h = Health.OK;
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "health check " + name + " threw", e);
                h = Health.unhealthy("check failed: " + e);
            }
            out.put(name, h);
        });
        return out;
    }
}
