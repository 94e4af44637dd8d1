package io.osprey.plugin.ratelimit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class CidrTest {

    private static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void matchesByPrefix() throws Exception {
        Cidr c = Cidr.parse("10.1.0.0/16");
        assertTrue(c.contains(ip("10.1.255.3")));
        assertFalse(c.contains(ip("10.2.0.1")));
        assertTrue(Cidr.parse("127.0.0.4").contains(ip("127.0.0.4")));
        assertFalse(Cidr.parse("127.0.0.4").contains(ip("127.0.0.5")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(ip("192.0.2.1")));
        assertTrue(Cidr.parse("192.168.1.128/25").contains(ip("192.168.1.200")));
        assertFalse(Cidr.parse("192.168.1.128/25").contains(ip("192.168.1.100")));
        assertTrue(Cidr.parse("2001:db8::/32").contains(ip("2001:db8:1::5")));
        assertFalse(Cidr.parse("2001:db8::/32").contains(ip("2001:db9::5")));
        assertFalse(Cidr.parse("2001:db8::/32").contains(ip("10.0.0.1")), "families never match");
    }

    @Test
    void rejectsWhatIsNotALiteralBlock() {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("example.com/8"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse("10.0.0.0/x"));
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(""));
    }
}
