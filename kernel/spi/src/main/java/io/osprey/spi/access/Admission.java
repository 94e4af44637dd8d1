package io.osprey.spi.access;

import java.util.function.Consumer;

/**
 * The answer of the admission hook. An admitted connection holds its permit until {@link #release()}, which
 * frees whatever the policies counted (connection slots); release is idempotent.
 *
 * <p><b>Revocation</b> (since 1.1): a policy whose limits were lowered may take a permit back with
 * {@link #revoke}: the permit is released at once and the holder's {@link #onRevoke} action closes its
 * connection. A holder that can close its connection from any thread registers that action right after it is
 * admitted:
 * <pre>{@code
 * Admission a = ctx.access().admit(request);
 * a.onRevoke(reason -> connection.close("admission revoked: " + reason));
 * }</pre>
 */
public final class Admission {

    private static final Runnable NOTHING = () -> { };

    private final boolean admitted;
    private final String reason;
    private final long retryAfterSeconds;
    private volatile Runnable release;
    private Consumer<String> onRevoke;
    private String revoked;

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

    /**
     * Sets how the holder ends its connection when the permit is {@link #revoke revoked}; runs at once if it already
     * was. Called by the holder (an ingest or output), at most once. Thread-safe.
     *
     * @since 1.1
     */
    public void onRevoke(Consumer<String> close) {
        String already;
        synchronized (this) {
            onRevoke = close;
            already = revoked;
        }
        if (already != null) {
            close.accept(already);
        }
    }

    /**
     * Takes the permit back: releases it now, then asks the holder to close its connection with {@code reason}
     * (if it registered {@link #onRevoke}). Called by a policy, from any thread; idempotent.
     *
     * @since 1.1
     */
    public void revoke(String reason) {
        Consumer<String> close;
        synchronized (this) {
            if (revoked != null) {
                return;
            }
            revoked = reason == null ? "revoked" : reason;
            close = onRevoke;
        }
        release();
        if (close != null) {
            close.accept(revoked);
        }
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
