package io.osprey.plugin.ratelimit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block, {@code 10.0.0.0/8} or {@code 2001:db8::/32} (RFC 4632 3.1, RFC 4291 2.3), or one address.
 * Only literal addresses are accepted: nothing is resolved.
 */
record Cidr(byte[] network, int prefix) {

    static Cidr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty CIDR");
        }
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        if (!addr.matches("[0-9A-Fa-f:.]+")) {
            throw new IllegalArgumentException("not an IP address: '" + s + "'");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP address: '" + s + "'");
        }
        int max = bytes.length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad prefix length in '" + s + "'");
            }
            if (prefix < 0 || prefix > max) {
                throw new IllegalArgumentException("prefix length must be 0.." + max + " in '" + s + "'");
            }
        }
        return new Cidr(bytes, prefix);
    }

    boolean contains(InetAddress a) {
        if (a instanceof Inet4Address && network.length == 4) {
            // Inet4Address.hashCode() is the address as an int (stable since JDK 1.0): no array copy per request
            int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
            int net = (network[0] & 0xff) << 24 | (network[1] & 0xff) << 16 | (network[2] & 0xff) << 8
                    | (network[3] & 0xff);
            return (a.hashCode() & mask) == (net & mask);
        }
        byte[] b = a.getAddress();
        if (b.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (b[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = 0xff << (8 - rest);
        return (b[full] & mask) == (network[full] & mask);
    }
}
