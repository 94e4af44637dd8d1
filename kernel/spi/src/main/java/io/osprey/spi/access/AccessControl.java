package io.osprey.spi.access;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The kernel's hooks, combining every registered policy: the first denial wins; with no policy, everything is
 * allowed. Every ingest and output calls both before it publishes or plays.
 */
@ProviderType
public interface AccessControl {

    /** Asks every access policy; completes with the first denial, or {@link AccessDecision#ALLOW}. */
    CompletionStage<AccessDecision> check(AccessRequest request);

    /**
     * Asks every admission policy; a refusal releases the permits already granted by the others. An admitted
     * connection must {@link Admission#release()} its permit when it closes.
     */
    Admission admit(AdmissionRequest request);

    /**
     * Reports that a publish, play or recording session ended, to every registered policy that is also a
     * {@link SessionListener}. Every ingest, output and recorder calls it once per session it admitted (after the
     * last byte). Returns at once and never throws; safe from any thread, including selector threads.
     *
     * @since 1.1
     */
    default void ended(SessionEnd end) {
    }

    /**
     * Whether any access policy is registered: with none, {@link #check} allows everything at once, and a caller
     * may skip building the request (a fast path that cannot wait for an answer takes only such requests).
     *
     * @since 1.2
     */
    default boolean hasAccessPolicies() {
        return true;
    }
}
