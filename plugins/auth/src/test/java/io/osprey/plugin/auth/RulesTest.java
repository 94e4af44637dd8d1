package io.osprey.plugin.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.spi.ConfigException;
import io.osprey.spi.bus.StreamKey;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** Publish keys, play signatures against an independent HMAC, CIDR matching and config validation. */
class RulesTest {

    private static final String SECRET = "0123456789abcdef-secret";
    private static final StreamKey KEY = new StreamKey("live", "cam1");

    @Test
    void publishKeysPerAppWithAWildcard() {
        AuthConfig c = new AuthConfig();
        c.publishKeys = Map.of("live", "s3cret", "*", "other");
        Rules r = new Rules(c);
        assertEquals("publish key missing", r.publishKeyRefusal(KEY, Map.of()));
        assertEquals("publish key invalid", r.publishKeyRefusal(KEY, Map.of("key", "s3cre")));
        assertEquals("publish key invalid", r.publishKeyRefusal(KEY, Map.of("key", "other")));
        assertNull(r.publishKeyRefusal(KEY, Map.of("key", "s3cret")));
        assertNull(r.publishKeyRefusal(new StreamKey("tv", "x"), Map.of("key", "other")));
        c.publishKeys = Map.of("live", "s3cret");
        assertNull(new Rules(c).publishKeyRefusal(new StreamKey("tv", "x"), Map.of()), "no key for tv");
    }

    @Test
    void signaturesMatchTheDocumentedFormulaAndExpire() throws Exception {
        AuthConfig c = new AuthConfig();
        c.playSecret = SECRET;
        Rules r = new Rules(c);
        long now = 1_700_000_000L;
        long exp = now + 60;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal(("live/cam1:" + exp).getBytes(StandardCharsets.UTF_8)));
        assertEquals(expected, r.signer().sign(KEY, exp));
        assertNull(r.signatureRefusal(KEY, Map.of("expires", "" + exp, "sign", expected), now));
        assertEquals("signature expired", r.signatureRefusal(KEY, Map.of("expires", "" + exp, "sign", expected),
                exp + 1));
        String tampered = (expected.charAt(0) == 'a' ? "b" : "a") + expected.substring(1);
        assertEquals("signature invalid", r.signatureRefusal(KEY, Map.of("expires", "" + exp, "sign", tampered), now));
        assertEquals("signature invalid", r.signatureRefusal(new StreamKey("live", "cam2"),
                Map.of("expires", "" + exp, "sign", expected), now), "bound to the stream");
        assertEquals("signature invalid", r.signatureRefusal(KEY, Map.of("expires", "" + (exp + 1), "sign", expected),
                now), "bound to the expiry");
        assertEquals("signature missing", r.signatureRefusal(KEY, Map.of(), now));
        assertEquals("signature malformed", r.signatureRefusal(KEY, Map.of("expires", "x", "sign", expected), now));
        assertEquals("signature malformed", r.signatureRefusal(KEY, Map.of("expires", "" + exp,
                "sign", "zz" + expected.substring(2)), now));
        c.signedApps = List.of("vip");
        assertFalse(new Rules(c).signs(KEY), "only vip is signed");
        assertNull(new Rules(c).signatureRefusal(KEY, Map.of(), now));
    }

    @Test
    void cidrBlocksForIpv4AndIpv6() throws Exception {
        AuthConfig.IpLists l = new AuthConfig.IpLists();
        l.allow = List.of("127.0.0.0/8", "2001:db8::/32");
        l.deny = List.of("127.0.0.2");
        IpRules ip = IpRules.of(l);
        assertNull(ip.refusal(InetAddress.getByName("127.0.0.1")));
        assertEquals("address denied", ip.refusal(InetAddress.getByName("127.0.0.2")));
        assertEquals("address not allowed", ip.refusal(InetAddress.getByName("10.0.0.1")));
        assertNull(ip.refusal(InetAddress.getByName("2001:db8:1::5")));
        assertEquals("address not allowed", ip.refusal(InetAddress.getByName("2001:db9::5")));
        assertNull(ip.refusal(null), "internal clients");
        assertTrue(Cidr.parse("10.1.2.3/12").contains(InetAddress.getByName("10.15.255.255")));
        assertFalse(Cidr.parse("10.1.2.3/12").contains(InetAddress.getByName("10.16.0.0")));
        assertTrue(Cidr.parse("0.0.0.0/0").contains(InetAddress.getByName("8.8.8.8")));
        for (String bad : new String[] {"example.com", "10.0.0.0/33", "::/129", "10.0.0", "", "1.2.3.4/x"}) {
            assertThrows(IllegalArgumentException.class, () -> Cidr.parse(bad), bad);
        }
    }

    @Test
    void badConfigNamesTheKey() {
        AuthConfig c = new AuthConfig();
        c.play.deny = List.of("localhost");
        assertEquals("play.deny", assertThrows(ConfigException.class, c::validate).key());
        c = new AuthConfig();
        c.playSecret = "short";
        assertEquals("playSecret", assertThrows(ConfigException.class, c::validate).key());
        c = new AuthConfig();
        c.hooks.onPlay = "ftp://x";
        assertEquals("hooks.onPlay", assertThrows(ConfigException.class, c::validate).key());
        c = new AuthConfig();
        assertFalse(new Rules(c).active(), "an empty section sets no rule");
    }
}
