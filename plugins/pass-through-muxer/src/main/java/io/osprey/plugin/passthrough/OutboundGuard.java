package io.osprey.plugin.passthrough;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Outbound (SSRF) rules for every URL this plugin or its ffmpeg child fetches, and every redirect hop: http or
 * https only, no user-info, and every address the host resolves to must be public (not loopback, private, link
 * local, unique local, multicast, unspecified, carrier-grade NAT or an address of this server) unless
 * {@code allowPrivate} or the host is in {@code allowHosts}. Blocking (DNS): call it off the selector.
 *
 * <p>A host found public is not resolved again for 10 s (the JVM caches DNS answers for 30 s anyway), so a request's
 * URL, its redirect hops and its playlist's hosts cost one resolution per host; the server's own addresses are
 * listed at most once a minute. Thread-safe.
 *
 * <p>Residual risk: ffmpeg resolves the host again when it connects, so a name whose DNS answer changes between the
 * check and the connection (DNS rebinding with a zero TTL) can still reach a private address. Pinning the address
 * would break TLS (the certificate names the host) and virtual hosting; operators who need a hard boundary run the
 * server behind an egress firewall.
 */
final class OutboundGuard {

    /** How long a host found public stays so: the JVM caches its DNS answers for 30 s anyway. */
    private static final long VERDICT_NANOS = 10_000_000_000L;
    private static final int MAX_VERDICTS = 1024;
    /** How long the list of this server's own addresses is reused. */
    private static final long LOCAL_NANOS = 60_000_000_000L;
    private static volatile LocalAddresses local = new LocalAddresses(Set.of(), Long.MIN_VALUE);

    private final boolean allowPrivate;
    private final Set<String> allowHosts = new HashSet<>();
    /** Hosts recently found public, with when that expires: one resolution per host and request, not per hop. */
    private final java.util.Map<String, Long> publicHosts = new java.util.concurrent.ConcurrentHashMap<>();
    /** Host resolutions made (for tests). */
    final java.util.concurrent.atomic.AtomicLong resolutions = new java.util.concurrent.atomic.AtomicLong();

    OutboundGuard(boolean allowPrivate, List<String> allowHosts) {
        this.allowPrivate = allowPrivate;
        for (String h : allowHosts) {
            this.allowHosts.add(h.toLowerCase(Locale.ROOT));
        }
    }

    /** Parses and checks a client-given URL; throws a 400/403 {@link Refusal} with the reason. */
    URI check(String url) {
        if (url == null || url.isBlank()) {
            throw new Refusal(400, "a url parameter is required");
        }
        if (url.length() > 8192) {
            throw new Refusal(400, "url longer than 8192 characters");
        }
        URI u;
        try {
            u = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new Refusal(400, "not a valid URL: " + e.getReason());
        }
        return check(u);
    }

    URI check(URI u) {
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new Refusal(400, "only http and https URLs are fetched, not '" + scheme + "'");
        }
        String host = u.getHost();
        if (host == null || host.isEmpty()) {
            throw new Refusal(400, "the URL has no host");
        }
        if (u.getRawUserInfo() != null) {
            throw new Refusal(400, "user:password@ in the URL is not accepted; use headers");
        }
        if (u.getRawFragment() != null || u.toASCIIString().chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
            throw new Refusal(400, "the URL has a fragment or control characters");
        }
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (allowPrivate || allowHosts.contains(h)) {
            return u;
        }
        long now = System.nanoTime();
        Long until = publicHosts.get(h);
        if (until != null && until - now > 0) {
            return u;
        }
        InetAddress[] all;
        resolutions.incrementAndGet();
        try {
            all = InetAddress.getAllByName(h);
        } catch (UnknownHostException e) {
            throw new Refusal(400, "unknown host " + host);
        }
        for (InetAddress a : all) {
            String why = forbidden(a);
            if (why != null) {
                throw new Refusal(403, "host " + host + " resolves to " + why + " address " + a.getHostAddress()
                        + " (set allowPrivate or allowHosts to permit it)");
            }
        }
        if (publicHosts.size() >= MAX_VERDICTS) {
            publicHosts.clear();
        }
        publicHosts.put(h, now + VERDICT_NANOS);
        return u;
    }

    /** Why {@code a} may not be fetched, or null. */
    static String forbidden(InetAddress a) {
        if (a.isLoopbackAddress()) {
            return "a loopback";
        }
        if (a.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local";
        }
        if (a.isSiteLocalAddress()) {
            return "a private";
        }
        if (a.isMulticastAddress()) {
            return "a multicast";
        }
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            int b0 = b[0] & 0xff;
            int b1 = b[1] & 0xff;
            if (b0 == 0 || b0 >= 240 || (b0 == 100 && b1 >= 64 && b1 < 128) || (b0 == 198 && (b1 == 18 || b1 == 19))
                    || (b0 == 192 && b1 == 0 && (b[2] & 0xff) == 0)) {
                return "a reserved";
            }
        } else if (a instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return "a unique-local";
            }
            if (isMapped(b)) {
                try {
                    String why = forbidden(InetAddress.getByAddress(java.util.Arrays.copyOfRange(b, 12, 16)));
                    if (why != null) {
                        return why;
                    }
                } catch (UnknownHostException ignored) {
                    // four bytes are always an address
                }
            }
        }
        if (isLocalInterface(a)) {
            return "this server's";
        }
        return null;
    }

    private static boolean isMapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }

    /** Whether {@code a} is an address of this server (its interfaces, listed at most once a minute). */
    private static boolean isLocalInterface(InetAddress a) {
        LocalAddresses l = local;
        long now = System.nanoTime();
        if (now - l.listedAt() > LOCAL_NANOS || l.listedAt() == Long.MIN_VALUE) {
            Set<InetAddress> all = new HashSet<>();
            try {
                for (NetworkInterface n : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    all.addAll(Collections.list(n.getInetAddresses()));
                }
            } catch (SocketException e) {
                // keep what was listed before
                all.addAll(l.addresses());
            }
            l = new LocalAddresses(Set.copyOf(all), now);
            local = l;
        }
        return l.addresses().contains(a);
    }

    private record LocalAddresses(Set<InetAddress> addresses, long listedAt) {
    }
}
