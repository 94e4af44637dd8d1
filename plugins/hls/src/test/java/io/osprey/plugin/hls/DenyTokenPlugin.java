package io.osprey.plugin.hls;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessDecision;
import io.osprey.spi.access.Action;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/** A test-only guard: denies playing with {@code token=deny}, and counts the checks it is asked. */
public final class DenyTokenPlugin implements Plugin {
    static final AtomicInteger CHECKS = new AtomicInteger();

    @Override
    public String id() {
        return "deny-token";
    }

    @Override
    public void start(PluginContext ctx) {
        ctx.addAccessPolicy(r -> {
            if (r.action() == Action.PLAY && "hls".equals(r.protocol())) {
                CHECKS.incrementAndGet();
            }
            return CompletableFuture.completedFuture("deny".equals(r.token())
                    ? AccessDecision.deny("token refused", 403) : AccessDecision.ALLOW);
        });
    }
}
