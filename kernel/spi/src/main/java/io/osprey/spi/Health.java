package io.osprey.spi;

import java.util.Objects;

/** A health verdict, as {@code GET /api/health} reports it: a status and, unless healthy, a reason. */
public record Health(Health.Status status, String reason) {

    /** Worst wins when verdicts are combined. */
    public enum Status {
        HEALTHY, DEGRADED, UNHEALTHY;

        /** {@code healthy}, {@code degraded} or {@code unhealthy}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final Health OK = new Health(Status.HEALTHY, "");

    public Health {
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
    }

    public static Health degraded(String reason) {
        return new Health(Status.DEGRADED, reason);
    }

    public static Health unhealthy(String reason) {
        return new Health(Status.UNHEALTHY, reason);
    }
}
