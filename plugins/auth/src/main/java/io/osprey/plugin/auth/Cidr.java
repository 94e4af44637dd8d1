package io.osprey.plugin.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An address block in CIDR notation (RFC 4632 3.1 for IPv4, RFC 4291 2.3 for IPv6): {@code 10.0.0.0/8},
 * {@code 2001:db8::/32}, or one address ({@code 127.0.0.2}, {@code ::1}). Only literals: a host name is an error,
 * never a DNS lookup. An IPv4 block matches IPv4 addresses only, an IPv6 block IPv6 addresses only.
 */
record Cidr(byte[] network, int prefix, String text) {

    static Cidr parse(String s) {
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException("empty address block");
        }
        String t = s.trim();
        int slash = t.indexOf('/');
        String addr = slash < 0 ? t : t.substring(0, slash);
        for (int i = 0; i < addr.length(); i++) {
            char c = addr.charAt(i);
            if (!(c == '.' || c == ':' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                throw new IllegalArgumentException("'" + s + "' is not an IP address or CIDR block");
            }
        }
        if (addr.isEmpty() || (addr.indexOf(':') < 0 && addr.chars().filter(c -> c == '.').count() != 3)) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address or CIDR block");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(addr).getAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + s + "' is not an IP address or CIDR block");
        }
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(t.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("'" + s + "': prefix must be 0.." + bits);
            }
        }
        return new Cidr(mask(bytes, prefix), prefix, t);
    }

    boolean contains(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != network.length) {
            return false;
        }
        byte[] masked = mask(b, prefix);
        return java.util.Arrays.equals(masked, network);
    }

    private static byte[] mask(byte[] bytes, int prefix) {
        byte[] out = bytes.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    @Override
    public String toString() {
        return text;
    }
}
