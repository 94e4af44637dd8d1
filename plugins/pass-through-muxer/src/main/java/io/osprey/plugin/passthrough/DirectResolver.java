package io.osprey.plugin.passthrough;

import io.osprey.spi.source.ResolvedSource;
import io.osprey.spi.source.SourceRequest;
import io.osprey.spi.source.SourceResolver;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@code direct} (the default): the URL is the media. */
final class DirectResolver implements SourceResolver {

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public CompletionStage<ResolvedSource> resolve(SourceRequest request) {
        return CompletableFuture.completedFuture(ResolvedSource.direct(request));
    }
}
