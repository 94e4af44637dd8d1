package io.osprey.plugin.ratelimit;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The clients refused recently, for {@code /api/ratelimit} and the console: per address the refusals since its
 * first one in the window, the last rule and protocol. An address with no refusal for the window is forgotten; at
 * most {@value #MAX_CLIENTS} addresses are tracked (a flood from more is counted as {@link #untracked}), so memory
 * stays bounded whatever the attack.
 */
final class Refusals {

    static final int MAX_CLIENTS = 10_000;

    /** One client's refusals; fields written by the refusing thread, read by the API. */
    static final class Client {
        final InetAddress address;
        final AtomicLong count = new AtomicLong();
        volatile String rule;
        volatile String protocol;
        volatile long lastMillis;

        Client(InetAddress address) {
            this.address = address;
        }
    }

    private final ConcurrentHashMap<InetAddress, Client> clients = new ConcurrentHashMap<>();
    private final AtomicLong untracked = new AtomicLong();

    void record(InetAddress address, String rule, String protocol, long nowMillis) {
        Client c = clients.get(address);
        if (c == null) {
            if (clients.size() >= MAX_CLIENTS) {
                untracked.incrementAndGet();
                return;
            }
            c = clients.computeIfAbsent(address, Client::new);
        }
        c.count.incrementAndGet();
        c.rule = rule;
        c.protocol = protocol;
        c.lastMillis = nowMillis;
    }

    void sweep(long nowMillis, long windowMillis) {
        clients.values().removeIf(c -> nowMillis - c.lastMillis > windowMillis);
    }

    /** The {@code n} clients refused most often, most first. */
    List<Client> top(int n) {
        List<Client> all = new ArrayList<>(clients.values());
        all.sort(Comparator.comparingLong((Client c) -> c.count.get()).reversed());
        return all.subList(0, Math.min(n, all.size()));
    }

    long untracked() {
        return untracked.get();
    }

    int size() {
        return clients.size();
    }
}
