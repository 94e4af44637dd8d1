package io.osprey.plugin.ratelimit;

import io.osprey.spi.access.Action;
import io.osprey.spi.access.Admission;
import io.osprey.spi.bus.StreamKey;
import io.osprey.spi.cluster.SharedCounters;
import io.osprey.spi.metrics.Gauge;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The concurrent caps of {@code plugins.ratelimit.viewers} and {@code publishers}: one slot counter per rule and
 * key in the kernel's {@link SharedCounters} (cluster-wide when the cluster has Redis, this node's otherwise), taken
 * all or nothing when a viewer or publisher starts and given back exactly once when it ends.
 */
final class Caps {

    /** A cap. */
    enum Rule {
        VIEWERS_PER_IP("viewers.perIp"), VIEWERS_PER_TOKEN("viewers.perToken"),
        VIEWERS_PER_STREAM("viewers.perStream"), VIEWERS_PER_APP("viewers.perApp"), VIEWERS_TOTAL("viewers.total"),
        PUBLISHERS_PER_IP("publishers.perIp"), PUBLISHERS_PER_APP("publishers.perApp"),
        PUBLISHERS_TOTAL("publishers.total");

        final String key;

        Rule(String key) {
            this.key = key;
        }

        long limit(RateLimitConfig c) {
            return switch (this) {
                case VIEWERS_PER_IP -> c.viewers.perIp;
                case VIEWERS_PER_TOKEN -> c.viewers.perToken;
                case VIEWERS_PER_STREAM -> c.viewers.perStream;
                case VIEWERS_PER_APP -> c.viewers.perApp;
                case VIEWERS_TOTAL -> c.viewers.total;
                case PUBLISHERS_PER_IP -> c.publishers.perIp;
                case PUBLISHERS_PER_APP -> c.publishers.perApp;
                case PUBLISHERS_TOTAL -> c.publishers.total;
            };
        }
    }

    /** Slots held by one viewer or publisher; {@link #release} is idempotent and thread-safe. */
    final class Held {
        private final Rule[] rules;
        private final String[] names;
        private final AtomicBoolean released = new AtomicBoolean();
        private final long seq = sequence.incrementAndGet();
        /** The permit of a connection (null for an HLS session), to revoke on a lowered cap. */
        private volatile Admission admission;

        private Held(Rule[] rules, String[] names) {
            this.rules = rules;
            this.names = names;
        }

        /** Tracks this connection's permit for {@link #enforce}. */
        Admission admitted() {
            Admission a = Admission.admit(this::release);
            admission = a;
            live.put(seq, this);
            if (released.get()) {
                live.remove(seq);
            }
            return a;
        }

        /** The first rule whose new limit the slots held now exceed, or null. */
        Rule over(RateLimitConfig c) {
            for (int i = 0; i < names.length; i++) {
                long limit = rules[i].limit(c);
                if (limit > 0 && counters.held(names[i]) > limit) {
                    return rules[i];
                }
            }
            return null;
        }

        void release() {
            if (released.compareAndSet(false, true)) {
                live.remove(seq);
                for (int i = 0; i < names.length; i++) {
                    counters.release(names[i]);
                    held(rules[i], -1);
                }
            }
        }
    }

    /** Either the slots taken, or the rule that refused and its limit. */
    record Outcome(Held held, Rule refused, long limit) {
    }

    private final SharedCounters counters;
    private final Gauge gauge;
    private final AtomicLongArray local = new AtomicLongArray(Rule.values().length);
    private final AtomicLong sequence = new AtomicLong();
    /** Connections holding slots, oldest first. */
    private final ConcurrentSkipListMap<Long, Held> live = new ConcurrentSkipListMap<>();

    Caps(SharedCounters counters, Gauge gauge) {
        this.counters = counters;
        this.gauge = gauge;
    }

    Outcome acquire(RateLimitConfig c, Action action, InetAddress ip, String token, StreamKey stream) {
        List<Rule> rules = new ArrayList<>(5);
        List<String> names = new ArrayList<>(5);
        List<Long> limits = new ArrayList<>(5);
        String addr = ip.getHostAddress();
        if (action == Action.PUBLISH) {
            add(rules, names, limits, Rule.PUBLISHERS_PER_IP, c.publishers.perIp, addr);
            add(rules, names, limits, Rule.PUBLISHERS_PER_APP, c.publishers.perApp, stream.app());
            add(rules, names, limits, Rule.PUBLISHERS_TOTAL, c.publishers.total, "");
        } else {
            add(rules, names, limits, Rule.VIEWERS_PER_IP, c.viewers.perIp, addr);
            if (token != null) {
                add(rules, names, limits, Rule.VIEWERS_PER_TOKEN, c.viewers.perToken, token);
            }
            add(rules, names, limits, Rule.VIEWERS_PER_STREAM, c.viewers.perStream, stream.toString());
            add(rules, names, limits, Rule.VIEWERS_PER_APP, c.viewers.perApp, stream.app());
            add(rules, names, limits, Rule.VIEWERS_TOTAL, c.viewers.total, "");
        }
        for (int i = 0; i < names.size(); i++) {
            if (!counters.tryAcquire(names.get(i), limits.get(i))) {
                for (int j = 0; j < i; j++) {
                    counters.release(names.get(j));
                }
                return new Outcome(null, rules.get(i), limits.get(i));
            }
        }
        Rule[] r = rules.toArray(new Rule[0]);
        for (Rule rule : r) {
            held(rule, 1);
        }
        return new Outcome(new Held(r, names.toArray(new String[0])), null, 0);
    }

    private static void add(List<Rule> rules, List<String> names, List<Long> limits, Rule rule, long limit,
                            String key) {
        if (limit > 0) {
            rules.add(rule);
            names.add("ratelimit:" + rule.key + ":" + key);
            limits.add(limit);
        }
    }

    private void held(Rule rule, int delta) {
        local.addAndGet(rule.ordinal(), delta);
        gauge.labels(rule.key).inc(delta);
    }

    /**
     * After a config change with {@code enforceOnReconfigure}: revokes connections, newest first, while a cap they
     * count under is over its new limit. Returns how many were revoked.
     */
    int enforce(RateLimitConfig c) {
        int n = 0;
        for (Held h : live.descendingMap().values()) {
            Rule r = h.over(c);
            Admission a = h.admission;
            if (r != null && a != null) {
                a.revoke("over " + r.key + " (" + r.limit(c) + ") after a config change");
                n++;
            }
        }
        return n;
    }

    /** Slots this node holds under {@code rule}. */
    long held(Rule rule) {
        return local.get(rule.ordinal());
    }

    /** Slots held over the cluster (this node's without one) of {@code rule} for {@code key}. */
    long clusterHeld(Rule rule, String key) {
        return counters.held("ratelimit:" + rule.key + ":" + key);
    }
}
