package io.osprey.spi.access;

/**
 * Allow or deny. A denial's reason is logged and may be shown to the client; it must not contain secrets.
 *
 * @param allowed whether the action may go ahead
 * @param reason  why not (empty when allowed)
 * @param status  the HTTP status an HTTP output should answer with when denied (401, 403, 404...)
 */
public record AccessDecision(boolean allowed, String reason, int status) {

    public static final AccessDecision ALLOW = new AccessDecision(true, "", 200);

    public AccessDecision {
        reason = reason == null ? "" : reason;
    }

    public static AccessDecision deny(String reason) {
        return new AccessDecision(false, reason, 403);
    }

    public static AccessDecision deny(String reason, int status) {
        return new AccessDecision(false, reason, status);
    }
}
