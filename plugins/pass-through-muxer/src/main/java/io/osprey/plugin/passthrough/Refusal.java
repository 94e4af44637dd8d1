package io.osprey.plugin.passthrough;

/** A request refused with an HTTP status, a reason the client may see (no secrets) and maybe a Retry-After. */
final class Refusal extends RuntimeException {

    private final int status;
    private final long retryAfterSeconds;

    Refusal(int status, String reason) {
        this(status, reason, 0);
    }

    Refusal(int status, String reason, long retryAfterSeconds) {
        super(reason, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    int status() {
        return status;
    }

    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The refusal behind {@code t} (unwrapping completion wrappers), or a 502 naming it. */
    static Refusal of(Throwable t) {
        Throwable c = t;
        while ((c instanceof java.util.concurrent.CompletionException
                || c instanceof java.util.concurrent.ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        if (c instanceof Refusal r) {
            return r;
        }
        if (c instanceof java.io.UncheckedIOException u && u.getCause() != null) {
            c = u.getCause();
        }
        if (c instanceof java.net.SocketTimeoutException) {
            return new Refusal(504, "the source did not answer in time");
        }
        if (c instanceof java.net.ConnectException) {
            return new Refusal(502, "cannot connect to the source");
        }
        if (c instanceof java.io.IOException) {
            return new Refusal(502, "cannot reach the source: " + c.getMessage());
        }
        return new Refusal(502, String.valueOf(c.getMessage()));
    }
}
