package io.osprey.plugin.rtmp;

import io.osprey.spi.Plugin;
import io.osprey.spi.PluginContext;
import io.osprey.spi.access.AccessDecision;
import io.osprey.spi.access.Action;
import java.util.concurrent.CompletableFuture;

/**
 * A test access policy, found through {@code META-INF/services} in the test resources: publishing or playing a
 * stream whose name starts with {@code denied} is refused unless {@code token=letmein}; playing {@code live/noplay}
 * is refused.
 */
public final class DenyingAccessPlugin implements Plugin {

    @Override
    public String id() {
        return "test-access";
    }

    @Override
    public void start(PluginContext ctx) {
        ctx.addAccessPolicy(r -> CompletableFuture.completedFuture(
                r.stream().name().startsWith("denied") && !"letmein".equals(r.token())
                        ? AccessDecision.deny("test policy: no " + r.action().name().toLowerCase() + " of "
                        + r.stream() + " without a token")
                        : r.action() == Action.PLAY && r.stream().name().equals("noplay")
                        ? AccessDecision.deny("test policy: no play of " + r.stream())
                        : AccessDecision.ALLOW));
    }
}
