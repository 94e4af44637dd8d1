package io.osprey.kernel.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RedisUrlTest {

    @Test
    void parsesHostPortPasswordDatabaseAndTls() {
        RedisUrl u = RedisUrl.parse("redis://:s%40cret@cache.example:6380/2");
        assertFalse(u.tls());
        assertEquals("cache.example", u.host());
        assertEquals(6380, u.port());
        assertNull(u.user());
        assertEquals("s@cret", u.password());
        assertEquals(2, u.database());
        assertFalse(u.toString().contains("cret"), "the password never reaches a log: " + u);

        RedisUrl t = RedisUrl.parse("rediss://app:pw@10.0.0.5");
        assertTrue(t.tls());
        assertEquals(6379, t.port());
        assertEquals("app", t.user());
    }

    @Test
    void refusesWhatIsNotARedisUrl() {
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("http://x:6379"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://h/db"));
        assertThrows(IllegalArgumentException.class, () -> RedisUrl.parse("redis://user@h"));
    }
}
