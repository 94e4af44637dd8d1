package io.osprey.spi.access;

/**
 * The answer of the admission hook. An admitted connection holds its permit until {@link #release()}, which
 * frees whatever the policies counted (connection slots); release is idempotent.
 */
public final class Admission {

    private static final Runnable NOTHING = () -> { };

    private final boolean admitted;
    private final String reason;
    private final long retryAfterSeconds;
    private volatile Runnable release;

    private Admission(boolean admitted, String reason, long retryAfterSeconds, Runnable release) {
        this.admitted = admitted;
        this.reason = reason == null ? "" : reason;
        this.retryAfterSeconds = retryAfterSeconds;
        this.release = release == null ? NOTHING : release;
    }

    /** Admitted; nothing to release. */
    public static Admission admit() {
        return new Admission(true, "", 0, NOTHING);
    }

    /** Admitted; {@code onRelease} runs once when the permit is released. */
    public static Admission admit(Runnable onRelease) {
        return new Admission(true, "", 0, onRelease);
    }

    /** Refused; the client may retry after {@code retryAfterSeconds} (HTTP 429 with {@code Retry-After}). */
    public static Admission reject(String reason, long retryAfterSeconds) {
        return new Admission(false, reason, Math.max(0, retryAfterSeconds), NOTHING);
    }

    public boolean admitted() {
        return admitted;
    }

    public String reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Frees the permit. Idempotent, thread-safe. */
    public void release() {
        Runnable r;
        synchronized (this) {
            r = release;
            release = NOTHING;
        }
        r.run();
    }
}
