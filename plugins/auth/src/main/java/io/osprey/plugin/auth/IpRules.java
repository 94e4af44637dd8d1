package io.osprey.plugin.auth;

import java.net.InetAddress;
import java.util.List;

/** Allow and deny lists for one action: a deny match refuses; a non-empty allow list admits only its blocks. */
record IpRules(List<Cidr> allow, List<Cidr> deny) {

    static IpRules of(AuthConfig.IpLists l) {
        return new IpRules(l.allow.stream().map(Cidr::parse).toList(), l.deny.stream().map(Cidr::parse).toList());
    }

    boolean active() {
        return !allow.isEmpty() || !deny.isEmpty();
    }

    /** Why {@code a} is refused, or {@code null} if it may go ahead. Internal clients (no address) always may. */
    String refusal(InetAddress a) {
        if (a == null) {
            return null;
        }
        for (Cidr c : deny) {
            if (c.contains(a)) {
                return "address denied";
            }
        }
        if (allow.isEmpty()) {
            return null;
        }
        for (Cidr c : allow) {
            if (c.contains(a)) {
                return null;
            }
        }
        return "address not allowed";
    }
}
