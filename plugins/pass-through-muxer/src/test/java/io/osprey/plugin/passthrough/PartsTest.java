package io.osprey.plugin.passthrough;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.osprey.media.json.Json;
import io.osprey.spi.source.ResolvedSource;
import io.osprey.spi.source.SourceRequest;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure parts: address classes, file names, playlist choice, JSON, extractor output, argument lists. */
class PartsTest {

    @Test
    void addressClasses() throws Exception {
        for (String a : List.of("127.0.0.1", "10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "0.0.0.0",
                "100.64.0.1", "224.0.0.1", "::1", "fe80::1", "fd00::1", "::ffff:192.168.1.1", "255.255.255.255")) {
            assertTrue(OutboundGuard.forbidden(InetAddress.getByName(a)) != null, a);
        }
        for (String a : List.of("8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "172.32.0.1")) {
            assertNull(OutboundGuard.forbidden(InetAddress.getByName(a)), a);
        }
    }

    @Test
    void guardRefusesBadUrlsWithoutResolving() {
        OutboundGuard g = new OutboundGuard(false, List.of());
        assertEquals(400, assertThrows(Refusal.class, () -> g.check("gopher://x/")).status());
        assertEquals(400, assertThrows(Refusal.class, () -> g.check("http:///nohost")).status());
        assertEquals(400, assertThrows(Refusal.class, () -> g.check("http://a b/")).status());
        assertEquals(403, assertThrows(Refusal.class, () -> g.check("http://127.0.0.1/")).status());
        assertEquals("http://127.0.0.1/x", new OutboundGuard(true, List.of()).check("http://127.0.0.1/x").toString());
    }

    @Test
    void aPublicHostIsResolvedOncePerRequestNotPerHop() {
        OutboundGuard g = new OutboundGuard(false, List.of());
        g.check("http://1.1.1.1/a.m3u8");
        g.check(URI.create("http://1.1.1.1/b/seg1.ts"));
        g.check(URI.create("http://1.1.1.1/b/seg2.ts"));
        assertEquals(1, g.resolutions.get());
        assertThrows(Refusal.class, () -> g.check("http://10.0.0.1/"));
        assertThrows(Refusal.class, () -> g.check("http://10.0.0.1/")); // refusals are never cached as allowed
        assertEquals(3, g.resolutions.get());
    }

    @Test
    void fileNames() {
        assertEquals("My Clip.mp4", Filenames.safe("My Clip"));
        assertEquals("etc_passwd.mp4", Filenames.safe("../../etc/passwd"));
        assertEquals("a_b_.mp4", Filenames.safe("a\"b\r\n"));
        assertEquals("download.mp4", Filenames.safe("..."));
        assertEquals("Ünïcode 映画.mp4", Filenames.safe("Ünïcode 映画.mp4"));
        assertEquals(104, Filenames.safe("x".repeat(500)).length());
        assertEquals("attachment; filename=\"_.mp4\"; filename*=UTF-8''%E6%98%A0.mp4", Filenames.disposition("映.mp4"));
    }

    @Test
    void bestVariantAndItsDefaultAudio() {
        String master = "#EXTM3U\n"
                + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"en\",DEFAULT=NO,URI=\"a/en.m3u8\"\n"
                + "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"de, main\",DEFAULT=YES,URI=\"a/de.m3u8\"\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,AUDIO=\"aud\"\nlow.m3u8\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=5000000,CODECS=\"avc1.64001f,mp4a.40.2\",AUDIO=\"aud\"\nhd/hi.m3u8\n"
                + "#EXT-X-STREAM-INF:BANDWIDTH=2000000\nmid.m3u8\n";
        HlsResolver.Choice c = HlsResolver.choose(master, URI.create("http://h/p/master.m3u8"));
        assertEquals("http://h/p/hd/hi.m3u8", c.video().toString());
        assertEquals("http://h/p/a/de.m3u8", c.audio().toString());
        assertEquals("de, main", HlsResolver.attribute("#EXT-X-MEDIA:NAME=\"de, main\",DEFAULT=YES", "NAME"));
        assertEquals("YES", HlsResolver.attribute("#EXT-X-MEDIA:NAME=\"de, main\",DEFAULT=YES", "DEFAULT"));
        assertThrows(Refusal.class, () -> HlsResolver.choose("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n",
                URI.create("http://h/")));
    }

    @Test
    void jsonRoundTripAndBounds() {
        Object v = Json.parse("{\"a\":[1,2.5,\"x\\n\\u00e9\"],\"b\":{\"c\":null,\"d\":true}}");
        assertEquals("{\"a\":[1,2.5,\"x\\n\u00e9\"],\"b\":{\"c\":null,\"d\":true}}", Json.write(v));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("[".repeat(100) + "]".repeat(100)));
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":1"));
    }

    @Test
    void extractorOutputGivesUrlsHeadersAndTitle() {
        String json = "{\"title\":\"A talk\",\"duration\":61.5,\"thumbnail\":\"https://i/t.jpg\",\"requested_formats\":["
                + "{\"url\":\"https://v/video\",\"vcodec\":\"avc1\",\"acodec\":\"none\",\"http_headers\":{\"User-Agent\":\"UA\",\"Bad\\nName\":\"x\"}},"
                + "{\"url\":\"https://a/audio\",\"vcodec\":\"none\",\"acodec\":\"mp4a\",\"http_headers\":{\"Referer\":\"https://p/\"}}]}";
        ResolvedSource s = CommandResolver.parse(json, new SourceRequest(URI.create("https://p/watch"), null, Map.of()));
        assertEquals("https://v/video", s.video().toString());
        assertEquals("https://a/audio", s.audio().toString());
        assertEquals(Map.of("User-Agent", "UA", "Referer", "https://p/"), s.headers());
        assertEquals("A talk", s.title());
        assertEquals(61.5, s.durationSeconds());
        assertEquals(404, assertThrows(Refusal.class, () -> CommandResolver.parse("{}",
                new SourceRequest(URI.create("https://p/"), null, Map.of()))).status());
    }

    @Test
    void remuxArguments() {
        PassthroughConfig c = new PassthroughConfig();
        List<String> a = FfmpegArgs.remux(URI.create("http://v/x.mp4"), URI.create("http://a/y.m4a"),
                Map.of("Referer", "http://p/"), c);
        String joined = String.join(" ", a);
        assertTrue(joined.contains("-headers Referer: http://p/\r\n -i http://v/x.mp4"), joined);
        assertTrue(joined.contains("-map 0:v:0 -map 1:a:0 -c copy"), joined);
        assertTrue(joined.endsWith("-movflags frag_keyframe+empty_moov+default_base_moof -f mp4 pipe:1"), joined);
        assertTrue(FfmpegArgs.remux(URI.create("http://v/i.m3u8"), null, Map.of(), c).contains("aac_adtstoasc"));
    }
}
