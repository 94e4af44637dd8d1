package io.osprey.spi.source;

import java.util.concurrent.CompletionStage;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Turns a client's URL into media URLs. Registered with {@code PluginContext.sourceResolvers().add(...)};
 * removed when the providing plugin stops.
 *
 * <p><b>Threading.</b> {@link #resolve} may be called on any thread, concurrently, and must not block: a resolver
 * that fetches or runs something returns a stage completed later (e.g. from {@code HttpClient.sendAsync} or a
 * {@code Workers.run}). A failed stage is reported to the client as a 4xx/5xx with the exception's message, which
 * must therefore hold no secrets.
 *
 * <pre>{@code
 * ctx.sourceResolvers().add(new SourceResolver() {
 *     public String name() { return "vimeo"; }
 *     public CompletionStage<ResolvedSource> resolve(SourceRequest rq) { return lookUp(rq.url()); }
 * });
 * }</pre>
 */
@ConsumerType
public interface SourceResolver {

    /** The name clients and config use to pick it ({@code resolver=name}): lower case letters, digits, dashes. */
    String name();

    CompletionStage<ResolvedSource> resolve(SourceRequest request);
}
