package io.osprey.spi.access;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One access rule set (publish keys, signed URLs, HTTP callbacks, IP lists). Asynchronous so a policy can call
 * out (e.g. an {@code on_publish} webhook) without holding a thread; a policy that answers from memory returns a
 * completed stage. A failed stage counts as a denial.
 */
@ConsumerType
@FunctionalInterface
public interface AccessPolicy {

    CompletionStage<AccessDecision> check(AccessRequest request);
}
