package io.osprey.spi.access;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told when a publish, play or recording session ends. An {@link AccessPolicy} that also implements this interface
 * is registered for both by {@code PluginContext.addAccessPolicy}: the kernel calls {@link #sessionEnded} for every
 * {@link AccessControl#ended(SessionEnd)}, and stops when the policy's registration is closed.
 *
 * <p><b>Threading.</b> Called on the reporting plugin's thread, which may be a selector or writer thread: return
 * quickly and never block (hand slow work such as an HTTP notification to an executor). An exception is logged and
 * ignored; it does not reach the reporter or the other listeners.
 *
 * <pre>{@code
 * final class Webhooks implements AccessPolicy, SessionListener {
 *     public CompletionStage<AccessDecision> check(AccessRequest r) { ... }
 *     public void sessionEnded(SessionEnd e) { executor.execute(() -> post("on_" + e.kind() + "_done", e)); }
 * }
 * }</pre>
 *
 * @since 1.1
 */
@ConsumerType
@FunctionalInterface
public interface SessionListener {

    void sessionEnded(SessionEnd end);
}
