package io.osprey.kernel.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.Registration;
import io.osprey.spi.access.AccessDecision;
import io.osprey.spi.access.AccessPolicy;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Action;
import io.osprey.spi.access.SessionEnd;
import io.osprey.spi.access.SessionListener;
import io.osprey.spi.bus.StreamKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/** The access hook's combination of policies and its session-ended fan-out. */
class KernelAccessControlTest {

    private static final AccessRequest PLAY = new AccessRequest(Action.PLAY, new StreamKey("live", "a"), "hls", null,
            Map.of());

    private static AccessDecision decide(KernelAccessControl k) {
        return k.check(PLAY).toCompletableFuture().join();
    }

    @Test
    void oneOrManyPoliciesTheFirstDenialWinsAndFailuresDeny() {
        KernelAccessControl k = new KernelAccessControl();
        assertTrue(decide(k).allowed(), "no policy: allowed");
        Registration allow = k.add((AccessPolicy) r -> CompletableFuture.completedFuture(AccessDecision.ALLOW));
        assertTrue(decide(k).allowed());
        Registration deny = k.add((AccessPolicy) r -> CompletableFuture.completedFuture(AccessDecision.deny("no", 401)));
        assertEquals(new AccessDecision(false, "no", 401), decide(k));
        allow.close();
        assertEquals("no", decide(k).reason(), "one denying policy");
        deny.close();
        k.add((AccessPolicy) r -> CompletableFuture.failedFuture(new IllegalStateException("down")));
        assertFalse(decide(k).allowed(), "a failed stage denies");
        KernelAccessControl t = new KernelAccessControl();
        t.add((AccessPolicy) r -> {
            throw new IllegalStateException("bug");
        });
        assertFalse(decide(t).allowed(), "a throwing policy denies");
        KernelAccessControl later = new KernelAccessControl();
        CompletableFuture<AccessDecision> pending = new CompletableFuture<>();
        later.add((AccessPolicy) r -> pending);
        CompletionStage<AccessDecision> s = later.check(PLAY);
        assertFalse(s.toCompletableFuture().isDone());
        pending.complete(AccessDecision.deny("late"));
        assertEquals("late", s.toCompletableFuture().join().reason());
    }

    private static final class Listening implements AccessPolicy, SessionListener {
        final List<SessionEnd> ends = new ArrayList<>();

        @Override
        public CompletionStage<AccessDecision> check(AccessRequest request) {
            return CompletableFuture.completedFuture(AccessDecision.ALLOW);
        }

        @Override
        public void sessionEnded(SessionEnd end) {
            ends.add(end);
        }
    }

    @Test
    void endedSessionsReachPoliciesThatListenAndAThrowingListenerHarmsNoOther() {
        KernelAccessControl k = new KernelAccessControl();
        Listening a = new Listening();
        k.add(new AccessPolicy() {
            @Override
            public CompletionStage<AccessDecision> check(AccessRequest r) {
                return CompletableFuture.completedFuture(AccessDecision.ALLOW);
            }
        });
        k.add((AccessPolicy) new ThrowingListener());
        Registration ra = k.add((AccessPolicy) a);
        SessionEnd end = new SessionEnd(SessionEnd.Kind.PLAY, new StreamKey("live", "a"), "httpflv", null, 1500, 9000,
                "client left", null);
        k.ended(end);
        assertEquals(List.of(end), a.ends);
        assertTrue(end.details().isEmpty(), "null details read as none");
        ra.close();
        k.ended(end);
        assertEquals(1, a.ends.size(), "not after its registration is closed");
    }

    private static final class ThrowingListener implements AccessPolicy, SessionListener {
        @Override
        public CompletionStage<AccessDecision> check(AccessRequest request) {
            return CompletableFuture.completedFuture(AccessDecision.ALLOW);
        }

        @Override
        public void sessionEnded(SessionEnd end) {
            throw new IllegalStateException("listener bug");
        }
    }
}
