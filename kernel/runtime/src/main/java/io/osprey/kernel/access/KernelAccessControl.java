package io.osprey.kernel.access;

import io.osprey.spi.Registration;
import io.osprey.spi.access.AccessControl;
import io.osprey.spi.access.AccessDecision;
import io.osprey.spi.access.AccessPolicy;
import io.osprey.spi.access.AccessRequest;
import io.osprey.spi.access.Admission;
import io.osprey.spi.access.AdmissionPolicy;
import io.osprey.spi.access.AdmissionRequest;
import io.osprey.spi.access.SessionEnd;
import io.osprey.spi.access.SessionListener;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/** The access and admission hooks: every registered policy in turn; the first denial wins. */
public final class KernelAccessControl implements AccessControl {

    private static final System.Logger LOG = System.getLogger(KernelAccessControl.class.getName());

    private final CopyOnWriteArrayList<AccessPolicy> access = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<AdmissionPolicy> admission = new CopyOnWriteArrayList<>();
    /** The admission policies as an array, read per request without an iterator. */
    private volatile AdmissionPolicy[] policies = new AdmissionPolicy[0];

    public Registration add(AccessPolicy p) {
        access.add(p);
        return () -> access.remove(p);
    }

    public Registration add(AdmissionPolicy p) {
        synchronized (admission) {
            admission.add(p);
            policies = admission.toArray(new AdmissionPolicy[0]);
        }
        return () -> {
            synchronized (admission) {
                admission.remove(p);
                policies = admission.toArray(new AdmissionPolicy[0]);
            }
        };
    }

    private static final CompletionStage<AccessDecision> ALLOWED =
            CompletableFuture.completedStage(AccessDecision.ALLOW);

    @Override
    public CompletionStage<AccessDecision> check(AccessRequest request) {
        Iterator<AccessPolicy> it = access.iterator(); // a snapshot
        if (!it.hasNext()) {
            return ALLOWED; // the common case without auth plugins: no futures per request
        }
        AccessPolicy first = it.next();
        if (!it.hasNext()) { // one auth plugin, answering from memory: its own stage, nothing chained
            CompletionStage<AccessDecision> one = ask(first, request);
            if (one instanceof CompletableFuture<AccessDecision> f && f.isDone() && !f.isCompletedExceptionally()
                    && f.join().allowed()) {
                return one;
            }
            return one.thenApply(d -> logged(request, d));
        }
        CompletionStage<AccessDecision> result = CompletableFuture.completedFuture(AccessDecision.ALLOW);
        for (AccessPolicy p : access) {
            result = result.thenCompose(d -> d.allowed() ? ask(p, request) : CompletableFuture.completedFuture(d));
        }
        return result.thenApply(d -> logged(request, d));
    }

    /** One policy's answer; a failure or a throw is a denial. */
    private static CompletionStage<AccessDecision> ask(AccessPolicy p, AccessRequest request) {
        try {
            CompletionStage<AccessDecision> s = p.check(request);
            if (s instanceof CompletableFuture<AccessDecision> f && f.isDone() && !f.isCompletedExceptionally()) {
                return s; // answered from memory: no extra stage
            }
            return s.exceptionally(t -> AccessDecision.deny("access check failed: " + t));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "access policy threw", e);
            return CompletableFuture.completedFuture(AccessDecision.deny("access check failed"));
        }
    }

    private static AccessDecision logged(AccessRequest request, AccessDecision d) {
        if (!d.allowed()) {
            LOG.log(Level.INFO, "{0} {1} via {2} from {3} denied: {4}", request.action(), request.stream(),
                    request.protocol(), request.remote(), d.reason());
        }
        return d;
    }

    @Override
    public void ended(SessionEnd end) {
        for (AccessPolicy p : access) {
            if (p instanceof SessionListener l) {
                try {
                    l.sessionEnded(end);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "session listener threw", e);
                }
            }
        }
    }

    /** Whether any admission policy is registered (the HTTP host skips the hook entirely when none is). */
    @Override
    public boolean hasAccessPolicies() {
        return !access.isEmpty();
    }

    public boolean admissionPolicies() {
        return policies.length > 0;
    }

    /** One policy's answer; a policy that throws refuses (with a log line), it never lets the caller fail. */
    private static Admission ask(AdmissionPolicy p, AdmissionRequest request) {
        try {
            return p.admit(request);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "admission policy threw; refusing", e);
            return Admission.reject("admission check failed", 1);
        }
    }

    @Override
    public Admission admit(AdmissionRequest request) {
        AdmissionPolicy[] ps = policies;
        if (ps.length == 0) {
            return Admission.admit();
        }
        if (ps.length == 1) { // the usual case (one rate-limit plugin): its answer as it is, no wrapper
            return ask(ps[0], request);
        }
        List<Admission> granted = new ArrayList<>();
        for (AdmissionPolicy p : ps) {
            Admission a = ask(p, request);
            if (!a.admitted()) {
                granted.forEach(Admission::release);
                return a;
            }
            granted.add(a);
        }
        Admission all = Admission.admit(() -> granted.forEach(Admission::release));
        for (Admission a : granted) {
            a.onRevoke(all::revoke); // one policy taking its permit back ends the connection
        }
        return all;
    }
}
